"""The staff workspace /werkruimte/: each app's sections for the people who may manage them,
and a link to it only for those people."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.translation import trans_real

from deliberation.models import Summit
from samenspel import i18n
from samenspel.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WORKSPACE = "/werkruimte/"
LINK = f'href="{WORKSPACE}"'


def test_the_workspace_needs_a_login(client):
    response = client.get(WORKSPACE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_resident_has_nothing_to_manage_and_sees_no_link(client):
    client.force_login(UserFactory(roles=[Role.RESIDENT, Role.TABLE_HOST]))
    page = client.get(WORKSPACE).content.decode()
    assert "Er is nu niets dat u mag klaarzetten of begeleiden." in page
    home = client.get("/").content.decode()
    assert LINK not in home


def test_an_administrator_finds_summits_notas_and_polls_to_create(client):
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    home = client.get("/").content.decode()
    assert home.count(LINK) == 2  # in the header and on the page
    page = client.get(WORKSPACE).content.decode()
    for title, create in [
        ("Burgertoppen", "Nieuwe burgertop"),
        ("Nota&#x27;s", "Nieuwe nota"),
        ("Peilingen", "Nieuwe peiling"),
    ]:
        assert f">{title}</h2>" in page
        assert f">{create}</a>" in page


def test_a_facilitator_sees_their_own_summit_only_and_cannot_create_one(client):
    mine = Summit.objects.create(slug="mijn-burgertop", title="Mijn burgertop")
    Summit.objects.create(slug="andere-burgertop", title="Andere burgertop")
    client.force_login(UserFactory(roles=[(Role.FACILITATOR, mine.scope)]))

    page = client.get(WORKSPACE).content.decode()

    assert ">Mijn burgertop</a>" in page
    assert "Andere burgertop" not in page
    assert "Nieuwe burgertop" not in page
    assert LINK in client.get(reverse("summit_participants", args=[mine.slug])).content.decode()


def test_the_workspace_speaks_english_when_asked(client):
    i18n.compile_all()  # as `make messages` does (the .mo files are not in git)
    trans_real._translations = {}
    trans_real._default = None
    client.force_login(UserFactory(roles=[Role.RESIDENT]))
    page = client.get(WORKSPACE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1" in page and ">Workspace</h1>" in page
    assert "There is nothing you may set up or run now." in page
