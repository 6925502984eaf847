"""The ballot of each method as a plain HTML form (no JavaScript): cast, refuse, re-vote."""

import re

import pytest

from samenspel.models import Role
from tests.factories import UserFactory
from voting import services
from voting.models import Ballot, Eligibility, Method

from .sealed import sealed_ballot, sealed_ballots

pytestmark = pytest.mark.django_db

TITLES = ["Speeltuin De Venser", "Bankjes Diemerpark", "Bloemenweide Arenapark"]


def open_poll(method, **kw):
    manager = UserFactory(roles=[Role.FACILITATOR])
    voter = UserFactory()
    costs = kw.pop("costs", [None, None, None])
    poll = services.poll_create(
        title="Stemming",
        method=method,
        eligible=[voter],
        by=manager,
        options=[services.OptionSpec(t, cost=c) for t, c in zip(TITLES, costs, strict=True)],
        **kw,
    )
    services.poll_open(poll=poll, by=manager)
    return poll, voter


CASES = [
    (
        Method.YES_NO,
        {},
        {"value-1": "yes", "value-2": "no", "value-3": "abstain"},
        {"1": "yes", "2": "no", "3": "abstain"},
    ),
    (Method.APPROVAL, {"max_choices": 2}, {"option": ["1", "3"]}, ["1", "3"]),
    (Method.IRV, {}, {"rank": ["3", "1"]}, ["3", "1"]),
    (Method.STV, {"seats": 2}, {"rank": ["2", "1", "3"]}, ["2", "1", "3"]),
    (Method.SCHULZE, {}, {"rank": ["1", "2"]}, ["1", "2"]),
    (Method.BORDA, {}, {"rank": ["2"]}, ["2"]),
    (Method.COPELAND, {}, {"rank": ["3", "2", "1"]}, ["3", "2", "1"]),
    (Method.SCORE, {}, {"value-1": "5", "value-2": "0", "value-3": "3"}, {"1": 5, "2": 0, "3": 3}),
    (
        Method.MAJORITY_JUDGMENT,
        {},
        {"value-1": "4", "value-2": "2", "value-3": "0"},
        {"1": 4, "2": 2, "3": 0},
    ),
    (Method.DOT, {"points": 5}, {"value-1": "3", "value-2": "", "value-3": "2"}, {"1": 3, "3": 2}),
    (
        Method.BUDGET_GREEDY,
        {"budget": 50_000, "costs": [20_000, 25_000, 40_000]},
        {"option": ["1", "2"]},
        ["1", "2"],
    ),
    (
        Method.BUDGET_MES,
        {"budget": 50_000, "costs": [20_000, 25_000, 40_000]},
        {"option": ["3"]},
        ["3"],
    ),
]


@pytest.mark.parametrize(("method", "kw", "form", "stored"), CASES)
def test_each_ballot_works_as_a_plain_form(client, method, kw, form, stored):
    poll, voter = open_poll(method, **kw)
    client.force_login(voter)
    page = client.get(f"/stemmen/{poll.pk}/")
    assert page.status_code == 200
    assert "Stem uitbrengen" in page.content.decode()
    response = client.post(f"/stemmen/{poll.pk}/", {**form, "revision": "0"}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Uw stem is opgeslagen" in html
    ballot = sealed_ballot(poll)
    assert ballot.content == stored
    assert ballot.tracker in html  # the receipt is shown after the vote is stored


BAD = [
    (Method.APPROVAL, {"max_choices": 1}, {"option": ["1", "2"]}, "hoogstens 1"),
    (Method.APPROVAL, {}, {"option": ["7"]}, "niet bij de stemming hoort"),
    (Method.IRV, {}, {"rank": ["1", "1", "2"]}, "twee keer"),
    (Method.IRV, {}, {}, "ten minste 1"),
    # A page of before the ranking had its own list posts "order" and "ranked": refused,
    # not read as a ranking of every option it listed.
    (Method.IRV, {}, {"order": ["1", "2", "3"], "ranked": ["1"]}, "ten minste 1"),
    (Method.DOT, {"points": 4}, {"value-1": "3", "value-2": "3"}, "u hebt er 4"),
    (Method.DOT, {"points": 4}, {"value-1": "drie"}, "hele getallen"),
    (Method.SCORE, {}, {"value-1": "5"}, "Geef elke optie een cijfer"),
    (
        Method.BUDGET_GREEDY,
        {"budget": 50_000, "costs": [20_000, 25_000, 40_000]},
        {"option": ["1", "3"]},
        "meer dan het budget",
    ),
    (Method.YES_NO, {}, {"value-1": "yes"}, "voor, tegen of onthouding"),
]


@pytest.mark.parametrize(("method", "kw", "form", "message"), BAD)
def test_bad_input_gets_a_clear_message_and_nothing_is_stored(client, method, kw, form, message):
    poll, voter = open_poll(method, **kw)
    client.force_login(voter)
    response = client.post(f"/stemmen/{poll.pk}/", {**form, "revision": "0"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Ballot.objects.filter(poll=poll).exists() and not sealed_ballots(poll)
    assert not Eligibility.objects.get(poll=poll).has_voted


def test_duplicate_in_ranking_is_refused_even_if_posted_by_hand(client):
    poll, voter = open_poll(Method.SCHULZE)
    client.force_login(voter)
    # The form keeps each option once; a hand-made post repeating one in the ranking:
    response = client.post(f"/stemmen/{poll.pk}/", {"rank": ["2", "2", "1"], "revision": "0"})
    assert response.status_code == 400
    assert not Ballot.objects.exists() and not sealed_ballots(poll)


def ranking_on_page(html):
    """The option keys numbered in the ranking, and those shown outside it, in page order."""
    ranked, _sep, rest = html.partition('data-unranked')
    keys = re.compile(r'data-key="(\d+)"')
    return keys.findall(ranked.partition("data-ranked")[2]), keys.findall(rest)


def test_ranking_by_buttons_without_javascript_numbers_only_what_counts(client):
    poll, voter = open_poll(Method.IRV)
    client.force_login(voter)
    page = client.get(f"/stemmen/{poll.pk}/").content.decode()
    assert ranking_on_page(page) == ([], ["1", "2", "3"])  # nothing numbered yet
    added = client.post(
        f"/stemmen/{poll.pk}/", {"rank": ["1"], "move": "add:3", "revision": "0"}
    ).content.decode()
    assert ranking_on_page(added) == (["1", "3"], ["2"])
    moved = client.post(
        f"/stemmen/{poll.pk}/", {"rank": ["1", "3"], "move": "up:3", "revision": "0"}
    ).content.decode()
    assert ranking_on_page(moved) == (["3", "1"], ["2"])
    # Only the numbered options post their place; the one outside the ranking posts nothing.
    assert moved.count('name="rank"') == 3 and moved.count('name="rank" value="2" disabled') == 1
    removed = client.post(
        f"/stemmen/{poll.pk}/", {"rank": ["3", "1"], "move": "remove:1", "revision": "0"}
    ).content.decode()
    assert ranking_on_page(removed) == (["3"], ["1", "2"])
    assert not sealed_ballots(poll)
    client.post(f"/stemmen/{poll.pk}/", {"rank": ["3"], "revision": "0"})
    assert sealed_ballot(poll).content == ["3"]


def test_second_tab_submission_is_refused_with_a_message(client):
    poll, voter = open_poll(Method.APPROVAL)
    client.force_login(voter)
    client.post(f"/stemmen/{poll.pk}/", {"option": ["1"], "revision": "0"})
    stale = client.post(f"/stemmen/{poll.pk}/", {"option": ["2"], "revision": "0"})
    assert stale.status_code == 400
    assert "ander venster" in stale.content.decode()
    assert sealed_ballot(poll).content == ["1"]
    again = client.post(f"/stemmen/{poll.pk}/", {"option": ["2"], "revision": "1"}, follow=True)
    assert "vervangt uw eerdere stem" in again.content.decode()
    assert sealed_ballot(poll).content == ["2"]


def test_budget_ballot_shows_the_money_left(client):
    poll, voter = open_poll(Method.BUDGET_MES, budget=50_000, costs=[20_000, 25_000, 40_000])
    client.force_login(voter)
    html = client.get(f"/stemmen/{poll.pk}/").content.decode()
    assert "Nog te besteden:" in html and "<output data-money-left>50.000</output>" in html
    refused = client.post(f"/stemmen/{poll.pk}/", {"option": ["1", "3"], "revision": "0"})
    assert "<output data-money-left>-10.000</output>" in refused.content.decode()
