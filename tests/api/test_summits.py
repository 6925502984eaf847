"""The summits API: a summit exists there only once its outcome is published; its proposals
carry their trail (ideas with their table's number, never a name; hidden and withdrawn ideas
left out), theme, table and result; the list pages and filters by status and date, and
refuses a bad filter with 400 and the reason."""

import pytest
from django.test import Client
from django.utils import timezone

from deliberation import services
from deliberation.models import Summit
from tests.deliberation.test_outcome import SLUG, voted
from tests.privacy import as_a_word

pytestmark = pytest.mark.django_db

SUMMITS = "/api/v1/summits/"


def published():
    setup = voted()
    services.summit_outcome_publish(summit=setup.summit, by=setup.facilitator, now=timezone.now())
    return setup


def test_a_summit_whose_outcome_is_not_published_is_not_in_the_api():
    setup = voted()
    client = Client()
    assert client.get(SUMMITS).json()["count"] == 0
    for path in ["", "proposals/", "proposals/1/", "themes/"]:
        response = client.get(f"{SUMMITS}{SLUG}/{path}")
        assert response.status_code == 404, path
        assert "gepubliceerde uitkomst" in response.json()["detail"] or path == "proposals/1/"
    services.summit_outcome_publish(summit=setup.summit, by=setup.facilitator, now=timezone.now())
    assert [s["slug"] for s in client.get(SUMMITS).json()["results"]] == [SLUG]


def test_a_summit_in_preparation_stays_out_even_with_a_publication_date():
    setup = published()
    Summit.objects.filter(pk=setup.summit.pk).update(status=Summit.Status.DRAFT)
    assert Client().get(SUMMITS).json()["count"] == 0
    assert Client().get(f"{SUMMITS}{SLUG}/").status_code == 404


def test_proposals_carry_their_trail_and_result_and_no_name():
    setup = published()
    body = Client().get(f"{SUMMITS}{SLUG}/proposals/").json()
    assert body["count"] == 2
    trees, bikes = body["results"]
    assert trees["title"] == "Meer bomen" and trees["theme"] == "Groen" and trees["table"] == 1
    assert "<strong>meer bomen</strong>" in trees["html"] and "<script>" not in trees["html"]
    assert trees["ideas"] == [{"text": "Bomen in de Ouddiemerlaan", "table": 2}]
    assert trees["result"]["chosen"] is True and bikes["result"]["chosen"] is False
    detail = Client().get(trees["api_url"]).json()
    assert detail == trees
    text = Client().get(f"{SUMMITS}{SLUG}/proposals/").content.decode()
    for person in setup.residents + setup.hosts:
        assert as_a_word(text, person.public_name) is None, person.public_name
        assert as_a_word(text, person.username) is None, person.username
    themes = Client().get(f"{SUMMITS}{SLUG}/themes/").json()["results"]
    assert themes == [{"name": "Groen", "proposals": [1]}, {"name": "Verkeer", "proposals": [2]}]
    summit = Client().get(f"{SUMMITS}{SLUG}/").json()
    assert summit["vote"]["turnout"] == {"voted": 4, "eligible": 4, "paper": 1}


def test_the_list_filters_by_status_and_date_and_pages():
    setup = published()
    today = timezone.localdate()
    Summit.objects.filter(pk=setup.summit.pk).update(date=today)
    client = Client()
    assert client.get(SUMMITS, {"status": "open"}).json()["count"] == 1
    assert client.get(SUMMITS, {"status": "closed"}).json()["count"] == 0
    assert client.get(SUMMITS, {"since": today.isoformat()}).json()["count"] == 1
    assert client.get(SUMMITS, {"until": "2000-01-01"}).json()["count"] == 0
    page = client.get(f"{SUMMITS}{SLUG}/proposals/", {"limit": 1}).json()
    assert len(page["results"]) == 1 and page["next"].endswith("limit=1&offset=1")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "draft"}, "status"),
        ({"since": "6-12-2026"}, "since"),
        ({"since": "2026-12-07", "until": "2026-12-01"}, "until"),
        ({"offset": "100000000000000000000"}, "offset"),
    ],
)
def test_a_bad_filter_is_refused_with_the_reason(query, field):
    published()
    response = Client().get(SUMMITS, query)
    assert response.status_code == 400
    assert list(response.json()) == [field] and response.json()[field][0]
