"""Voting pages, API and demo: who sees what, opening and closing, paper entry, results."""

import pytest
from django.utils import timezone

from samenspel.demo import DemoContext
from samenspel.models import Role
from tests.factories import UserFactory
from voting import demo, services
from voting.models import Ballot, Method, Poll

from .sealed import sealed_ballot, sealed_ballots
from .tables import seat

pytestmark = pytest.mark.django_db

SCOPE = "summit:burgertop-2026"


def draft_poll(method=Method.APPROVAL, voters=2):
    manager = UserFactory(roles=[(Role.FACILITATOR, SCOPE)])
    people = [UserFactory() for _ in range(voters)]
    poll = services.poll_create(
        title="Wat vindt u van het plein?",
        method=method,
        eligible=people,
        by=manager,
        context=f"{SCOPE}/step:2",
        options=[
            services.OptionSpec("Bomen"),
            services.OptionSpec("Bankjes"),
            services.OptionSpec("Fonteinen"),
        ],
    )
    return poll, manager, people


def test_facilitator_opens_and_closes_through_the_page(client):
    poll, manager, (anna, _bram) = draft_poll()
    client.force_login(manager)
    assert "Stemming openen" in client.get(f"/stemmen/{poll.pk}/").content.decode()
    client.post(f"/stemmen/{poll.pk}/beheer/", {"action": "open"})
    assert Poll.objects.get(pk=poll.pk).status == Poll.Status.OPEN
    services.ballot_cast(poll=poll, participant=anna, choice=["2"])
    response = client.post(f"/stemmen/{poll.pk}/beheer/", {"action": "close"}, follow=True)
    html = response.content.decode()
    assert Poll.objects.get(pk=poll.pk).status == Poll.Status.CLOSED
    assert 'data-chart="bar"' in html and "<caption" in html and "Bankjes" in html
    assert (
        poll.seed in Poll.objects.get(pk=poll.pk).seed and Poll.objects.get(pk=poll.pk).seed in html
    )


def test_residents_cannot_open_or_close(client):
    poll, _manager, (anna, _bram) = draft_poll()
    client.force_login(anna)
    assert client.post(f"/stemmen/{poll.pk}/beheer/", {"action": "open"}).status_code == 403
    assert Poll.objects.get(pk=poll.pk).status == Poll.Status.DRAFT


def test_draft_is_hidden_and_strangers_cannot_see_an_open_poll(client):
    poll, manager, (anna, _bram) = draft_poll()
    client.force_login(anna)
    assert client.get(f"/stemmen/{poll.pk}/").status_code == 403
    services.poll_open(poll=poll, by=manager)
    assert client.get(f"/stemmen/{poll.pk}/").status_code == 200
    client.force_login(UserFactory())
    assert client.get(f"/stemmen/{poll.pk}/").status_code == 403
    client.logout()
    assert client.get(f"/stemmen/{poll.pk}/").status_code == 302  # to the login page


def test_results_appear_only_at_closing_with_turnout_before(client):
    poll, manager, (anna, bram) = draft_poll()
    services.poll_open(poll=poll, by=manager)
    services.ballot_cast(poll=poll, participant=anna, choice=["1"])
    client.force_login(bram)
    before = client.get(f"/stemmen/{poll.pk}/uitslag/").content.decode()
    assert "De uitslag verschijnt als de stemming sluit" in before
    assert "1 van 2 deelnemers hebben gestemd" in before
    assert client.get(f"/stemmen/{poll.pk}/bestand/").status_code == 404
    assert client.get(f"/api/v1/polls/{poll.pk}/result/").status_code == 404
    services.poll_close(poll=poll, by=manager)
    client.logout()
    after = client.get(f"/stemmen/{poll.pk}/uitslag/").content.decode()
    assert "Bomen" in after and "samenspel-poll-" in after


def test_table_host_enters_a_paper_ballot_on_the_page(client):
    poll, manager, (anna, _bram) = draft_poll(method=Method.BORDA)
    services.poll_open(poll=poll, by=manager)
    host = UserFactory(roles=[(Role.TABLE_HOST, SCOPE)])
    seat(host, [anna], slug=SCOPE.removeprefix("summit:"))
    client.force_login(host)
    page = client.get(f"/stemmen/{poll.pk}/papier/").content.decode()
    assert anna.username in page
    response = client.post(
        f"/stemmen/{poll.pk}/papier/",
        {"participant": anna.pk, "rank": ["3", "1"]},
        follow=True,
    )
    assert "papieren stem" in response.content.decode()
    ballot = sealed_ballot(poll)
    assert ballot.source == "paper" and ballot.content == ["3", "1"]
    client.force_login(anna)
    page = client.get(f"/stemmen/{poll.pk}/").content.decode()
    assert "Uw papieren stem is ingevoerd" in page and "Stem uitbrengen" not in page


def test_residents_cannot_enter_paper_ballots(client):
    poll, manager, (anna, bram) = draft_poll()
    services.poll_open(poll=poll, by=manager)
    client.force_login(anna)
    assert client.get(f"/stemmen/{poll.pk}/papier/").status_code == 403
    assert (
        client.post(
            f"/stemmen/{poll.pk}/papier/", {"participant": bram.pk, "option": ["1"]}
        ).status_code
        == 403
    )
    assert not Ballot.objects.exists() and not sealed_ballots(poll)


def test_api_lists_polls_with_turnout_and_gives_closed_results():
    from rest_framework.test import APIClient

    poll, manager, (anna, _bram) = draft_poll()
    api = APIClient()
    assert api.get("/api/v1/polls/").json()["results"] == []  # a draft is not listed
    services.poll_open(poll=poll, by=manager)
    services.ballot_cast(poll=poll, participant=anna, choice=["1", "3"])
    listed = api.get("/api/v1/polls/", {"context": f"{SCOPE}/step:2"}).json()["results"]
    assert listed[0]["voted"] == 1 and listed[0]["eligible"] == 2
    assert [o["title"] for o in listed[0]["options"]] == ["Bomen", "Bankjes", "Fonteinen"]
    services.poll_close(poll=poll, by=manager)
    result = api.get(f"/api/v1/polls/{poll.pk}/result/").json()
    assert {w["title"] for w in result["winners"]} <= {"Bomen", "Fonteinen"}
    assert len(result["file_sha256"]) == 64 and result["seed"] == Poll.objects.get(pk=poll.pk).seed


def test_home_lists_open_polls_for_the_voter_and_results_for_all(client):
    poll, manager, (anna, _bram) = draft_poll()
    services.poll_open(poll=poll, by=manager)
    client.force_login(anna)
    assert f"/stemmen/{poll.pk}/" in client.get("/").content.decode()
    assert poll.title in client.get("/stemmen/").content.decode()


def test_demo_seeds_a_poll_of_every_method_with_closed_results():
    people = [UserFactory() for _ in range(12)]
    staff = {"gespreksleider": UserFactory(roles=[Role.FACILITATOR])}
    context = DemoContext(
        now=timezone.now(),
        small=True,
        fresh=True,
        staff=staff,
        table_hosts=people[:2],
        residents=people[2:],
    )
    demo.seed(context)
    assert set(Poll.objects.values_list("method", flat=True)) == set(Method.values)
    big = Poll.objects.get(title="Bewoners Initiatief Gelden 2026")
    assert big.options.count() >= 20 and big.budget == 150_000
    assert Poll.objects.filter(status=Poll.Status.CLOSED, result__isnull=False).count() >= 4
    demo.seed(DemoContext(now=timezone.now(), small=True, fresh=False, staff=staff))
    assert Poll.objects.count() == len(demo.POLLS)


def test_ballot_and_result_pages_read_in_english(client):
    poll, manager, (anna, _bram) = draft_poll(method=Method.YES_NO)
    services.poll_open(poll=poll, by=manager)
    client.force_login(anna)
    client.post("/i18n/setlang/", {"language": "en", "next": "/stemmen/"})
    page = client.get(f"/stemmen/{poll.pk}/").content.decode()
    assert "Cast vote" in page and "Abstain" in page and "Stem uitbrengen" not in page
    assert "Open polls for you" in client.get("/stemmen/").content.decode()
    refused = client.post(f"/stemmen/{poll.pk}/", {"value-1": "yes"}).content.decode()
    assert "Choose for, against or abstain on every point." in refused
    assert not Ballot.objects.filter(poll=poll).exists() and not sealed_ballots(poll)


def test_summit_vote_step_link_lists_only_that_summits_open_polls(client):
    poll, manager, (anna, _bram) = draft_poll()
    services.poll_open(poll=poll, by=manager)
    other = services.poll_create(
        title="Welke nota eerst?",
        method=Method.APPROVAL,
        eligible=[anna],
        by=manager,
        context="draft:sportnota/amendments:1",
        options=[services.OptionSpec("Sport"), services.OptionSpec("Jeugd")],
    )
    services.poll_open(poll=other, by=manager)
    client.force_login(anna)
    everything = client.get("/stemmen/").content.decode()
    assert poll.title in everything and other.title in everything
    summit_only = client.get(f"/stemmen/?bij={SCOPE}").content.decode()
    assert poll.title in summit_only and other.title not in summit_only
    assert f'href="/stemmen/{poll.pk}/"' in summit_only


def test_api_lists_polls_a_page_at_a_time_and_filters_by_status():
    from rest_framework.test import APIClient

    api = APIClient()
    opened = []
    for _ in range(3):
        poll, manager, _people = draft_poll()
        services.poll_open(poll=poll, by=manager)
        opened.append((poll, manager))
    services.poll_close(poll=opened[0][0], by=opened[0][1])
    first = api.get("/api/v1/polls/", {"limit": 2}).json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["next"]
    rest = api.get(first["next"]).json()
    shown = [p["id"] for p in first["results"] + rest["results"]]
    assert shown == sorted((poll.pk for poll, _ in opened), reverse=True)  # newest first
    closed = api.get("/api/v1/polls/", {"status": "closed"}).json()["results"]
    assert [p["id"] for p in closed] == [opened[0][0].pk]
    refused = api.get("/api/v1/polls/", {"status": "draft"})
    assert refused.status_code == 400 and "status" in refused.json()
