"""The summit's vote: entering the vote step opens a poll on the frozen proposals for the
checked-in participants; they vote on their own screen, the hall sees turnout, the
facilitator closes and reveals. Every bad input gets its reason and changes nothing."""

import json
import uuid

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from deliberation import rules, selectors, services
from deliberation.models import (
    CommandAnswer,
    Participant,
    Proposal,
    Step,
    Summit,
    SummitTable,
    SummitVote,
    Theme,
)
from deliberation.services import CommandRefused
from tests.deliberation.factories import go_to_step, make_summit
from tests.factories import UserFactory
from tests.live import connected, receive_json
from voting import services as voting
from voting.models import Ballot, Eligibility, PendingBallot, Poll

SLUG = "burgertop-stem"
PATH = f"/ws/summits/{SLUG}/"


def afternoon(slug=SLUG, *, method="", number=None, reveal_on_close=False):
    """A summit in its proposals step (position 3), each hall table with a theme and a
    proposal; the vote step (position 4) is next."""
    setup = make_summit(slug)
    summit = setup.summit
    Step.objects.filter(summit=summit, position=3).update(kind=Step.Kind.PROPOSALS)
    Step.objects.filter(summit=summit, kind=Step.Kind.VOTE).update(
        vote_method=method, vote_number=number, vote_reveal_on_close=reveal_on_close
    )
    for number_, name in ((1, "Groen"), (2, "Verkeer")):
        theme = Theme.objects.create(summit=summit, name=name)
        SummitTable.objects.filter(summit=summit, number=number_).update(theme=theme)
    go_to_step(summit, Step.Kind.PROPOSALS)
    now = timezone.now()
    for host, title in zip(setup.hosts, ("Meer bomen", "Veilig fietsen"), strict=True):
        services.proposal_save(
            summit=summit, by=host, title=title, text=f"{title}, nu.", version=0, now=now
        )
    return setup


def advance(setup):
    return services.summit_step_advance(
        summit=setup.summit, by=setup.facilitator, now=timezone.now()
    )


def run(setup, by, command, data=None, key=None):
    return services.command_run(
        summit=setup.summit,
        by=by,
        key=key or uuid.uuid4(),
        command=command,
        data=data or {},
        now=timezone.now(),
    )


def cast(setup, by, choice, **extra):
    return run(setup, by, "ballot.cast", {"choice": choice, **extra})


def snap(setup, person):
    roles = rules.summit_roles(person, setup.summit)
    return selectors.snapshot(setup.summit, user=person, roles=roles, now=timezone.now())


@pytest.mark.django_db
def test_entering_the_vote_step_opens_a_poll_on_the_frozen_proposals_for_those_checked_in():
    setup = afternoon(method="approval", number=1)
    Participant.objects.filter(user=setup.residents[3]).update(checked_in_at=None)
    advance(setup)
    vote = SummitVote.objects.get()
    poll = vote.poll
    assert poll.status == Poll.Status.OPEN and poll.method == "approval"
    assert poll.max_choices == 1
    assert [(o.title, o.description) for o in poll.options.all()] == [
        ("Meer bomen", "Meer bomen, nu."),
        ("Veilig fietsen", "Veilig fietsen, nu."),
    ]
    assert set(Proposal.objects.values_list("status", flat=True)) == {"frozen"}
    voters = set(Eligibility.objects.filter(poll=poll).values_list("participant", flat=True))
    assert voters == {p.pk for p in setup.residents[:3]}, "those checked in, nobody else"
    shown = snap(setup, setup.residents[0])["data"]
    assert [o["title"] for o in shown["vote"]["options"]] == ["Meer bomen", "Veilig fietsen"]
    assert shown["vote"]["options"][0]["number"] == 1
    assert shown["vote"]["status"] == "open" and shown["vote"]["result"] is None
    assert shown["me"]["ballot"] == {"eligible": True, "voted": False, "paper": False, "revision": 0}
    assert snap(setup, setup.residents[3])["data"]["me"]["ballot"]["eligible"] is False
    # Going back is refused while the vote is open; the proposals stay as voted on.
    with pytest.raises(CommandRefused, match="Sluit eerst de stemming"):
        services.summit_step_back(summit=setup.summit, by=setup.facilitator, now=timezone.now())
    with pytest.raises(CommandRefused):
        services.proposal_save(
            summit=setup.summit, by=setup.hosts[0], title="Anders", text="Anders", version=1,
            now=timezone.now(),
        )
    assert Proposal.objects.get(number=1).title == "Meer bomen"


@pytest.mark.django_db
def test_a_ballot_counts_once_and_its_receipt_is_shown_once_never_stored():
    setup = afternoon()
    advance(setup)
    key = uuid.uuid4()
    first = run(setup, setup.residents[0], "ballot.cast", {"choice": ["1"]}, key=key)
    tracker = first["once"]["tracker"]
    assert len(tracker) >= 8 and first["revision"] == 1
    again = run(setup, setup.residents[0], "ballot.cast", {"choice": ["1"]}, key=key)
    assert "once" not in again and again["revision"] == 1, "a resend is not a second ballot"
    stored = CommandAnswer.objects.get(key=key)
    assert tracker not in json.dumps(stored.result), "the receipt is not stored with the voter"
    assert PendingBallot.objects.count() == 1
    assert snap(setup, setup.residents[0])["data"]["me"]["ballot"]["voted"] is True
    poll = SummitVote.objects.get().poll
    voting.poll_close(poll=poll, by=setup.facilitator)
    assert Ballot.objects.get(poll=poll).tracker == tracker


@pytest.mark.django_db
def test_bad_ballots_are_refused_with_their_reason_and_change_nothing():
    setup = afternoon()
    other = make_summit("burgertop-elders")
    resident = setup.residents[0]
    with pytest.raises(CommandRefused) as early:  # before the vote step
        cast(setup, resident, ["1"])
    assert early.value.code == "step_closed"
    advance(setup)
    poll = SummitVote.objects.get().poll
    refusals = {
        "not checked in": (UserFactory(), ["1"], "forbidden"),
        "another summit's participant": (other.residents[0], ["1"], "forbidden"),
        "staff": (setup.facilitator, ["1"], "forbidden"),
        "malformed": (resident, "1; DROP TABLE", "ballot_refused"),
        "unknown option": (resident, ["9"], "ballot_refused"),
        "nothing chosen": (resident, [], "ballot_refused"),
        "huge": (resident, ["1"] * 10_000, "ballot_refused"),
    }
    for name, (person, choice, code) in refusals.items():
        with pytest.raises(CommandRefused) as refused:
            cast(setup, person, choice)
        assert refused.value.code == code, name
        assert refused.value.message, name
    assert PendingBallot.objects.count() == 0
    assert not Eligibility.objects.filter(poll=poll, has_voted=True).exists()
    # Two tabs: the second tab's form was opened before the first one's cast.
    cast(setup, resident, ["1"], revision=0)
    with pytest.raises(CommandRefused, match="in een ander venster"):
        cast(setup, resident, ["2"], revision=0)
    # Phone, then paper: the online ballot counts, the paper one is refused.
    with pytest.raises(voting.VotingError, match="al online gestemd"):
        voting.paper_ballot_cast(poll=poll, participant=resident, choice=["2"], by=setup.hosts[0])
    # Paper, then phone.
    voting.paper_ballot_cast(
        poll=poll, participant=setup.residents[2], choice=["2"], by=setup.hosts[0]
    )
    with pytest.raises(CommandRefused, match="papieren stem"):
        cast(setup, setup.residents[2], ["1"])
    # A paper ballot for someone at another table (residents[1] sits at table 2).
    with pytest.raises(voting.VotingForbidden, match="niet aan uw tafel"):
        voting.paper_ballot_cast(
            poll=poll, participant=setup.residents[1], choice=["1"], by=setup.hosts[0]
        )
    assert PendingBallot.objects.count() == 2
    # A reveal before closing.
    with pytest.raises(CommandRefused, match="Sluit eerst de stemming"):
        run(setup, setup.facilitator, "vote.reveal")
    with pytest.raises(CommandRefused) as not_staff:
        run(setup, resident, "vote.close")
    assert not_staff.value.code == "forbidden"
    run(setup, setup.facilitator, "vote.close")
    # After closing.
    with pytest.raises(CommandRefused, match="gesloten"):
        cast(setup, setup.residents[1], ["1"])
    result = Poll.objects.get(pk=poll.pk).result
    assert result.ballots_counted == 2 and result.paper_ballots == 1


@pytest.mark.django_db
def test_the_result_shows_only_when_revealed_and_then_on_every_screen():
    setup = afternoon()
    advance(setup)
    for person, choice in zip(setup.residents, (["1"], ["1", "2"], ["1"], ["2"]), strict=True):
        cast(setup, person, choice)
    run(setup, setup.facilitator, "vote.close")
    for person in (setup.residents[0], setup.facilitator):
        vote = snap(setup, person)["data"]["vote"]
        assert vote["status"] == "closed" and vote["result"] is None, "not before the reveal"
    run(setup, setup.facilitator, "vote.reveal")
    hall = selectors.hall_snapshot(setup.summit, now=timezone.now())["data"]["vote"]
    phone = snap(setup, setup.residents[1])["data"]["vote"]
    for vote in (hall, phone):
        rows = {row["title"]: row for row in vote["result"]["rows"]}
        assert rows["Meer bomen"]["value"] == 3 and rows["Meer bomen"]["winner"] is True
        assert rows["Veilig fietsen"]["value"] == 2 and rows["Veilig fietsen"]["winner"] is False
        assert vote["result"]["voted"] == 4
        said = json.dumps(vote["result"]["explanation"], ensure_ascii=False)
        assert "Meer bomen: 3 stemmen (gekozen)" in said, said
    # Now the agenda may go on.
    advance(setup)
    assert Summit.objects.get(pk=setup.summit.pk).current_step.kind == Step.Kind.CLOSING


@pytest.mark.django_db
def test_a_step_can_show_the_result_as_soon_as_the_vote_closes():
    setup = afternoon(method="score", reveal_on_close=True)
    advance(setup)
    cast(setup, setup.residents[0], {"1": 5, "2": 2})
    run(setup, setup.facilitator, "vote.close")
    vote = snap(setup, setup.residents[0])["data"]["vote"]
    assert vote["revealed"] is True and vote["shape"] == "grades"
    assert [row["text"] for row in vote["result"]["rows"]]


@pytest.mark.django_db
def test_someone_checking_in_during_the_vote_may_vote_too():
    setup = afternoon()
    Participant.objects.filter(user=setup.residents[3]).update(checked_in_at=None)
    advance(setup)
    with pytest.raises(CommandRefused):
        cast(setup, setup.residents[3], ["1"])
    services.participant_check_in(
        summit=setup.summit,
        by=setup.facilitator,
        participant_id=setup.participants[3].pk,
        now=timezone.now(),
    )
    assert cast(setup, setup.residents[3], ["2"])["revision"] == 1


@pytest.mark.django_db
def test_a_vote_step_without_enough_proposals_opens_no_poll_and_the_agenda_goes_on():
    setup = make_summit("burgertop-leeg")
    go_to_step(setup.summit, Step.Kind.CLUSTERING)
    advance(setup)
    summit = Summit.objects.get(pk=setup.summit.pk)
    assert summit.current_step.kind == Step.Kind.VOTE and not SummitVote.objects.exists()
    with pytest.raises(CommandRefused, match="geen stemming"):
        cast(setup, setup.residents[0], ["1"])
    advance(setup)
    assert Summit.objects.get(pk=summit.pk).current_step.kind == Step.Kind.CLOSING


async def _frame_until(socket, want):
    while True:
        frame = await receive_json(socket, timeout=5)
        for item in frame["events"] if frame["kind"] == "batch" else [frame]:
            if want(item):
                return item


async def _send(socket, type_, data, key=None):
    key = key or str(uuid.uuid4())
    await socket.send_to(
        text_data=json.dumps({"kind": "command", "id": key, "type": type_, "data": data})
    )
    return await _frame_until(socket, lambda f: f.get("id") == key)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("in_memory_layer")
async def test_the_ballot_opens_votes_and_reveals_live_on_every_screen():
    setup = await sync_to_async(afternoon)()
    hall_path = f"{PATH}?hall={setup.summit.hall_token}"
    async with (
        connected(PATH, user=setup.facilitator) as control,
        connected(PATH, user=setup.residents[0]) as phone,
        connected(PATH, user=setup.residents[1]) as other,
        connected(hall_path) as hall,
    ):
        for socket in (control, phone, other, hall):
            assert "vote" not in (await receive_json(socket))["data"]
        ack = await _send(control, "step.advance", {})
        assert ack["kind"] == "ack"
        for socket in (phone, other, hall):
            opened = await _frame_until(socket, lambda f: f.get("type") == "vote.opened")
            assert [o["title"] for o in opened["data"]["options"]] == [
                "Meer bomen",
                "Veilig fietsen",
            ]
            assert opened["data"]["voted"] == 0 and opened["data"]["eligible"] == 4
            assert opened["data"]["status"] == "open"
        ack = await _send(phone, "ballot.cast", {"choice": ["2"]})
        assert ack["kind"] == "ack" and ack["result"]["once"]["tracker"]
        for socket in (control, hall, other):
            turnout = await _frame_until(socket, lambda f: f.get("type") == "vote.turnout")
            assert turnout["data"]["voted"] == 1 and turnout["data"]["eligible"] == 4
        refused = await _send(phone, "ballot.cast", {"choice": ["7"]})
        assert refused["kind"] == "error" and refused["message"]
        assert (await _send(control, "vote.close", {}))["kind"] == "ack"
        closed = await _frame_until(hall, lambda f: f.get("type") == "vote.closed")
        assert closed["data"]["result"] is None
        assert (await _send(control, "vote.reveal", {}))["kind"] == "ack"
        for socket in (phone, other, hall):
            shown = await _frame_until(socket, lambda f: f.get("type") == "vote.revealed")
            winners = [r["title"] for r in shown["data"]["result"]["rows"] if r["winner"]]
            assert winners == ["Veilig fietsen"]


@pytest.mark.django_db
def test_the_workspace_sets_how_the_hall_votes_and_the_vote_step_opens_that_way(client):
    setup = afternoon()
    admin = UserFactory(roles=[("administrator", "")])
    step = Step.objects.get(summit=setup.summit, kind=Step.Kind.VOTE)
    client.force_login(admin)
    url = f"/werkruimte/burgertop/{SLUG}/agenda/{step.pk}/"
    form = {"kind": "vote", "title": "Stemmen", "question": "", "minutes": "20"}
    page = client.post(url, {**form, "vote_method": "dot", "vote_number": "500"})
    assert "Geef 1 tot 100 punten" in page.content.decode()
    page = client.post(url, {**form, "vote_method": "no-such-method"})
    assert page.status_code == 400 and Step.objects.get(pk=step.pk).vote_method == ""
    client.post(url, {**form, "vote_method": "dot", "vote_number": "7", "vote_reveal_on_close": "on"})
    step.refresh_from_db()
    assert (step.vote_method, step.vote_number, step.vote_reveal_on_close) == ("dot", 7, True)
    agenda = client.get(f"/werkruimte/burgertop/{SLUG}/agenda/").content.decode()
    assert "Stemmen · Punten verdelen: 7" in agenda, "the agenda says how the hall votes"
    advance(setup)
    poll = SummitVote.objects.get().poll
    assert poll.method == "dot" and poll.points == 7
    with pytest.raises(CommandRefused, match="7"):
        cast(setup, setup.residents[0], {"1": 5, "2": 5})
    cast(setup, setup.residents[0], {"1": 5, "2": 2})
    run(setup, setup.facilitator, "vote.close")
    shown = snap(setup, setup.residents[0])["data"]["vote"]
    assert shown["revealed"] is True, "shown at closing, as the step says"
    # A step that is not a vote keeps no vote settings.
    other = Step.objects.get(summit=setup.summit, kind=Step.Kind.CLOSING)
    services.summit_step_update(
        step=other, by=admin, kind="closing", title="Einde", question="", minutes=5,
        vote_method="dot", vote_number=3, vote_reveal_on_close=True,
    )
    other.refresh_from_db()
    assert (other.vote_method, other.vote_number, other.vote_reveal_on_close) == ("", None, False)


@pytest.mark.django_db
def test_ballots_that_arrive_together_look_up_the_vote_and_its_options_once():
    """A burst of ballots runs in batches (deliberation/commands.py): each ballot pays for its
    own mark and seal, not for finding the vote again (bench/live_summit.py --vote)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    setup = afternoon()
    advance(setup)
    commands = [
        services.Command(person, uuid.uuid4(), "ballot.cast", {"choice": ["1"]})
        for person in setup.residents
    ]
    with CaptureQueriesContext(connection) as queries:
        answers = services.command_run_batch(summit=setup.summit, commands=commands)
    assert [answer["revision"] for answer in answers] == [1, 1, 1, 1]
    sql = [query["sql"] for query in queries.captured_queries]
    assert sum('FROM "deliberation_summitvote"' in q for q in sql) == 1
    assert sum('FROM "voting_option"' in q for q in sql) == 1
    assert PendingBallot.objects.count() == 4
