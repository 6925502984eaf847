"""Polls through their services: create, open, cast, re-vote, paper, close and count."""

import pytest

from samenspel.models import Role
from tests.factories import UserFactory
from voting import selectors, services
from voting.models import Ballot, Eligibility, Method, Poll
from voting.services import OptionSpec, VotingError, VotingForbidden

from .sealed import sealed_ballot, sealed_ballots
from .tables import seat

pytestmark = pytest.mark.django_db


def make_poll(method=Method.APPROVAL, voters=3, options=("Speeltuin", "Bankjes", "Bomen"), **kw):
    manager = UserFactory(roles=[Role.FACILITATOR])
    people = [UserFactory() for _ in range(voters)]
    cost = kw.pop("cost", None)
    specs = [OptionSpec(title=t, cost=cost) for t in options]
    poll = services.poll_create(
        title="Wat doen we met het plein?",
        method=method,
        options=specs,
        eligible=people,
        context="summit:burgertop-2026/step:4",
        by=manager,
        **kw,
    )
    services.poll_open(poll=poll, by=manager)
    poll.refresh_from_db()
    return poll, manager, people


def test_revote_replaces_earlier_ballot_and_counts_once():
    poll, manager, (anna, bram, _cees) = make_poll()
    first = services.ballot_cast(poll=poll, participant=anna, choice=["1"])
    second = services.ballot_cast(poll=poll, participant=anna, choice=["2", "3"])
    services.ballot_cast(poll=poll, participant=bram, choice=["2"])
    assert second.replaced and not first.replaced and first.tracker != second.tracker
    assert len(sealed_ballots(poll)) == 2
    assert selectors.turnout(poll) == selectors.Turnout(voted=2, eligible=3)
    result = services.poll_close(poll=poll, by=manager)
    assert result.outcome["scores"] == {"1": 0, "2": 2, "3": 1}
    assert result.outcome["winners"] == ["2"]


def test_form_from_a_second_tab_is_refused_and_nothing_changes():
    poll, _manager, (anna, *_rest) = make_poll()
    services.ballot_cast(poll=poll, participant=anna, choice=["1"], expected_revision=0)
    with pytest.raises(VotingError, match="ander venster"):
        services.ballot_cast(poll=poll, participant=anna, choice=["3"], expected_revision=0)
    assert sealed_ballot(poll).content == ["1"]


@pytest.mark.parametrize(
    ("method", "choice", "message", "kw"),
    [
        (Method.APPROVAL, ["9"], "hoort", {}),
        (Method.APPROVAL, ["1", "1"], "twee keer", {}),
        (Method.APPROVAL, ["1", "2", "3"], "hoogstens 2", {"max_choices": 2}),
        (Method.APPROVAL, [], "ten minste 1", {"min_choices": 1}),
        (Method.IRV, ["1", "2", "1"], "rangorde", {}),
        (Method.IRV, [], "ten minste 1", {}),
        (Method.DOT, {"1": 4, "2": 3}, "6", {"points": 6}),
        (Method.DOT, {"1": -1}, "negatief", {"points": 6}),
        (Method.SCORE, {"1": 6, "2": 1, "3": 1}, "0 en 5", {}),
        (Method.YES_NO, {"1": "ja"}, "voor, tegen", {}),
        (Method.BUDGET_GREEDY, ["1", "2"], "budget", {"budget": 150_000, "cost": 100_000}),
    ],
)
def test_bad_ballots_are_refused_with_a_dutch_message(method, choice, message, kw):
    poll, _manager, (anna, *_rest) = make_poll(method=method, **kw)
    with pytest.raises(VotingError, match=message):
        services.ballot_cast(poll=poll, participant=anna, choice=choice)
    assert not Ballot.objects.filter(poll=poll).exists() and not sealed_ballots(poll)
    assert not Eligibility.objects.get(poll=poll, participant=anna).has_voted


def test_voting_before_opening_after_closing_or_without_eligibility_is_refused():
    manager = UserFactory(roles=[Role.FACILITATOR])
    anna, outsider = UserFactory(), UserFactory()
    poll = services.poll_create(
        title="Vraag",
        method=Method.APPROVAL,
        options=[OptionSpec("A"), OptionSpec("B")],
        eligible=[anna],
        by=manager,
    )
    with pytest.raises(VotingError, match="nog niet geopend"):
        services.ballot_cast(poll=poll, participant=anna, choice=["1"])
    services.poll_open(poll=poll, by=manager)
    with pytest.raises(VotingForbidden, match="niet op de lijst"):
        services.ballot_cast(poll=poll, participant=outsider, choice=["1"])
    services.poll_close(poll=poll, by=manager)
    with pytest.raises(VotingError, match="gesloten"):
        services.ballot_cast(poll=poll, participant=anna, choice=["1"])
    assert not Ballot.objects.exists()


def test_only_managers_open_and_close():
    poll, _manager, (anna, *_rest) = make_poll()
    with pytest.raises(VotingForbidden):
        services.poll_close(poll=poll, by=anna)
    assert Poll.objects.get(pk=poll.pk).status == Poll.Status.OPEN


def test_paper_ballot_counts_once_marked_as_paper():
    poll, manager, (anna, bram, _cees) = make_poll()
    host = UserFactory(roles=[(Role.TABLE_HOST, "summit:burgertop-2026")])
    seat(host, [anna, bram])
    services.paper_ballot_cast(poll=poll, participant=anna, choice=["3"], by=host)
    with pytest.raises(VotingError, match="papieren stem"):
        services.ballot_cast(poll=poll, participant=anna, choice=["1"])
    services.ballot_cast(poll=poll, participant=bram, choice=["1"])
    with pytest.raises(VotingError, match="online gestemd"):
        services.paper_ballot_cast(poll=poll, participant=bram, choice=["2"], by=host)
    with pytest.raises(VotingForbidden):
        services.paper_ballot_cast(poll=poll, participant=bram, choice=["2"], by=anna)
    result = services.poll_close(poll=poll, by=manager)
    assert result.ballots_counted == 2 and result.paper_ballots == 1
    assert result.outcome["scores"] == {"1": 1, "2": 0, "3": 1}


def test_yes_no_poll_decides_each_point_by_its_majority_rule():
    poll, manager, people = make_poll(
        method=Method.YES_NO,
        voters=3,
        options=("Meer bankjes", "Minder parkeren"),
        majority_rule=Poll.MajorityRule.TWO_THIRDS,
    )
    answers = [("yes", "yes"), ("yes", "yes"), ("no", "abstain")]
    for person, (first, second) in zip(people, answers, strict=True):
        services.ballot_cast(poll=poll, participant=person, choice={"1": first, "2": second})
    result = services.poll_close(poll=poll, by=manager)
    assert result.outcome["points"]["1"]["passed"] is True  # 2 of 3 is at least two thirds
    assert result.outcome["points"]["2"]["yes"] == 2
    assert result.outcome["winners"] == ["1", "2"]


def test_budget_poll_spends_within_budget():
    manager = UserFactory(roles=[Role.FACILITATOR])
    people = [UserFactory() for _ in range(4)]
    specs = [
        OptionSpec("Moestuin", cost=40_000),
        OptionSpec("Pannakooi", cost=70_000),
        OptionSpec("Buurtfeest", cost=10_000),
    ]
    poll = services.poll_create(
        title="BIG",
        method=Method.BUDGET_MES,
        options=specs,
        eligible=people,
        budget=100_000,
        by=manager,
    )
    services.poll_open(poll=poll, by=manager)
    for person, choice in zip(people, [["1"], ["1", "3"], ["2"], ["2", "3"]], strict=True):
        services.ballot_cast(poll=poll, participant=person, choice=choice)
    result = services.poll_close(poll=poll, by=manager)
    assert result.outcome["spent"] <= 100_000
    assert result.file_name.endswith(".pb")


def test_budget_poll_needs_costs():
    with pytest.raises(VotingError, match="kosten"):
        services.poll_create(
            title="BIG",
            method=Method.BUDGET_GREEDY,
            options=[OptionSpec("A"), OptionSpec("B")],
            budget=10,
        )


def test_after_a_key_change_the_old_key_in_the_fallbacks_keeps_every_ballot_and_the_revote(
    settings,
):
    poll, manager, (anna, bram, _cees) = make_poll()
    services.ballot_cast(poll=poll, participant=anna, choice=["1"])
    services.ballot_cast(poll=poll, participant=bram, choice=["2"])
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "een-nieuwe-geheime-sleutel-voor-de-server-0123456789-abcdef"
    with pytest.raises(VotingError, match="SECRET_KEY_FALLBACKS"):
        services.poll_close(poll=poll, by=manager)
    assert Poll.objects.get(pk=poll.pk).status == Poll.Status.OPEN
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert selectors.own_tracker(poll, bram.pk) is not None
    receipt = services.ballot_cast(poll=poll, participant=anna, choice=["3"])
    assert receipt.replaced and selectors.own_tracker(poll, anna.pk) == receipt.tracker
    result = services.poll_close(poll=poll, by=manager)
    assert result.ballots_counted == 2
    assert result.outcome["scores"] == {"1": 0, "2": 1, "3": 1}
