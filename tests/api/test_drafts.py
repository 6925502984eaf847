"""The notas API: a nota appears once a version is published, with its published versions and
their texts; the live text being written and who wrote what stay out."""

import pytest
from django.test import Client

from deliberation.drafts.models import Version
from samenspel.models import Role
from tests.drafts.factories import Typist, make_draft, publish
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_nota_is_in_the_api_with_its_versions_once_one_is_published_and_names_nobody():
    draft = make_draft(text="# Sportnota\n\nDiemen sport **samen**.\n")
    editor = UserFactory(roles=[Role.EDITOR], display_name="Eva Redacteur")
    resident = UserFactory(display_name="Ria Schrijver")
    client = Client()
    assert client.get("/api/v1/drafts/").json()["count"] == 0
    assert client.get(f"/api/v1/drafts/{draft.slug}/").status_code == 404
    Typist(draft, resident).write("Een zin die Ria schreef.")
    publish(draft, editor, note="Eerste versie")
    Version.objects.filter(draft=draft).first().contributors.add(resident)
    listed = client.get("/api/v1/drafts/").json()["results"]
    assert [d["slug"] for d in listed] == [draft.slug]
    assert listed[0]["versions"] == 1 and listed[0]["reactions"] == "open"
    versions = client.get(listed[0]["versions_url"]).json()["results"]
    assert [v["number"] for v in versions] == [1] and versions[0]["note"] == "Eerste versie"
    version = client.get(versions[0]["api_url"]).json()
    assert "Diemen sport **samen**." in version["text"]
    assert "<strong>samen</strong>" in version["html"]
    assert client.get(f"/api/v1/drafts/{draft.slug}/versions/2/").status_code == 404
    everything = "".join(
        client.get(url).content.decode()
        for url in ["/api/v1/drafts/", listed[0]["versions_url"], versions[0]["api_url"]]
    )
    assert "Een zin die Ria schreef." in version["text"]
    assert "Schrijver" not in everything and "Redacteur" not in everything


def test_the_nota_list_filters_by_kind_and_reaction_period_and_refuses_bad_values():
    editor = UserFactory(roles=[Role.EDITOR])
    publish(make_draft(kind="sportnota"), editor)
    publish(make_draft(kind="jeugdnota"), editor)
    client = Client()
    assert client.get("/api/v1/drafts/", {"kind": "jeugdnota"}).json()["count"] == 1
    assert client.get("/api/v1/drafts/", {"reactions": "open"}).json()["count"] == 2
    assert client.get("/api/v1/drafts/", {"reactions": "closed"}).json()["count"] == 0
    assert client.get("/api/v1/drafts/", {"until": "2000-01-01"}).json()["count"] == 0
    refused = client.get("/api/v1/drafts/", {"kind": "begroting"})
    assert refused.status_code == 400 and "kind" in refused.json()
