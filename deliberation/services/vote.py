"""A summit's vote: entering a ``vote`` step opens a poll in the voting app on the frozen
theme proposals, for the checked-in participants; they vote on their own screen through
the summit's live channel (``ballot.cast``), table hosts enter paper ballots on the voting
app's paper page, and the facilitator closes the vote and shows its result (``vote.close``,
``vote.reveal``). Voting keeps the ballots secret and counts them; the summit hands it the
options and the voters, and shows its turnout (``vote.turnout``, coalesced).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Any

from django.dispatch import receiver
from django.utils.translation import gettext as _

from samenspel.live.coalesce import Coalesced
from samenspel.models import User
from voting import contexts, signals
from voting import selectors as voting_selectors
from voting import services as voting
from voting.methods import REGISTRY
from voting.models import Method, Option, Poll

from .. import events, rules, selectors
from ..events import VoteData, VoteTurnoutData
from ..models import Participant, Step, Summit, SummitVote
from ..vote_state import turnout, vote_data, vote_of
from .context import (
    CommandRefused,
    atomic,
    authorise,
    current_batch,
    emit,
    guarded,
    live_command,
    locked,
)
from .proposals import proposals_freeze

# The methods that fit a hall: a few taps per proposal on a phone, or one paper form.
VOTE_METHODS: tuple[str, ...] = tuple(
    str(method)
    for method in (
        Method.APPROVAL,
        Method.IRV,
        Method.SCHULZE,
        Method.BORDA,
        Method.SCORE,
        Method.DOT,
        Method.YES_NO,
    )
)
DEFAULT_METHOD = str(Method.APPROVAL)
DEFAULT_POINTS = 10
# Turnout leaves for the summit's screens at most this often (DESIGN.md: chatty counters).
TURNOUT_PUSH_SECONDS = 0.5


def _open_vote(summit: Summit) -> SummitVote | None:
    """The summit's vote that is open now, if any (at most one step is current)."""
    return (
        SummitVote.objects.filter(summit=summit, poll__status=Poll.Status.OPEN)
        .select_related("poll")
        .first()
    )


def _poll_limits(method: str, number: int | None, options: int) -> dict[str, Any]:
    if method == Method.APPROVAL:
        return {"min_choices": 1, "max_choices": min(number or options, options)}
    if method == Method.DOT:
        return {"points": number or DEFAULT_POINTS}
    return {}


def vote_start(summit: Summit, step: Step, by: User, now: datetime) -> SummitVote | None:
    """Open the vote of ``step`` (a ``vote`` step the facilitator enters), in the caller's
    transaction with the summit locked: the proposals are frozen, and a poll on them opens
    for everyone checked in. Entering the step again (after going back) keeps its poll.
    With fewer proposals than the method needs no poll opens (None)."""
    found = vote_of(summit, step)
    if found is not None:
        # Back in the step: the screens get its vote again, as it stands.
        data = vote_data(found)
        emit(summit, _event_of(data), data)
        return found
    proposals_freeze(summit=summit, now=now)
    proposals = selectors.frozen_proposals(summit)
    method = step.vote_method if step.vote_method in VOTE_METHODS else DEFAULT_METHOD
    if len(proposals) < REGISTRY[method].min_options:
        return None  # nothing to vote on: the step says so, and the agenda goes on
    voters = User.objects.filter(
        pk__in=Participant.objects.filter(summit=summit, checked_in_at__isnull=False).values("user")
    )
    try:
        poll = voting.poll_create(
            title=f"{summit.title}: {step.title}"[:200],
            description=step.question,
            method=method,
            options=[
                voting.OptionSpec(
                    title=p.title, description=p.text, reference=f"proposal:{p.number}"
                )
                for p in proposals
            ],
            eligible=voters,
            context=contexts.summit_step(summit.slug, step.position),
            by=by,
            now=now,
            **_poll_limits(method, step.vote_number, len(proposals)),
        )
        poll = voting.poll_open(poll=poll, by=by, now=now)
    except voting.VotingError as error:
        raise CommandRefused("vote_refused", str(error)) from None
    vote = SummitVote.objects.create(summit=summit, step=step, poll=poll, opened_at=now)
    _summit_polls[poll.pk] = True
    emit(summit, events.vote_opened, vote_data(vote))
    return vote


def _event_of(data: VoteData) -> Callable[[int, VoteData], events.Event]:
    if data["revealed"]:
        return events.vote_revealed
    return events.vote_opened if data["status"] == Poll.Status.OPEN else events.vote_closed


def vote_voters_add(summit: Summit, users: list[User]) -> None:
    """Someone checked in while the vote is open: they may vote too."""
    vote = _open_vote(summit)
    if vote is not None:
        voting.poll_eligible_add(poll=vote.poll, participants=users)


# Voting on one's own screen ------------------------------------------------------------


def _current_vote(summit: Summit) -> SummitVote:
    vote = vote_of(summit, summit.current_step)
    if vote is None:
        raise CommandRefused("no_vote", _("In deze stap is er geen stemming."))
    return vote


def _current_vote_and_options(summit: Summit) -> tuple[SummitVote, list[Option]]:
    """The current vote and its options, looked up once per batch of ballots (neither
    changes while a vote is open)."""
    batch = current_batch()
    key = ("vote", summit.pk, summit.current_step_id)
    if batch is not None and key in batch.memo:
        return batch.memo[key]  # type: ignore[no-any-return]
    vote = _current_vote(summit)
    found = (vote, voting_selectors.poll_options(vote.poll))
    if batch is not None:
        batch.memo[key] = found
    return found


@live_command(
    "ballot.cast",
    rules.CAST_BALLOT,
    parse=lambda data, now: {
        "choice": data.get("choice"),
        "revision": data.get("revision"),
        "now": now,
    },
    keeps_lookups=True,
    lock_late=True,
)
def ballot_cast(
    *, summit: Summit, by: User, choice: Any, revision: Any = None, now: datetime
) -> dict[str, Any]:
    """A checked-in participant's ballot in the current vote. The answer stored for a
    resend says only that it was counted; the receipt (tracker) reaches the screen once,
    in the acknowledgement (``once``), and is never stored beside the voter."""
    with atomic():
        summit = locked(summit)  # read only: a cast numbers no event of its own
        authorise(summit, by, "ballot.cast")
        vote, options = _current_vote_and_options(summit)
        expected = (
            revision if isinstance(revision, int) and not isinstance(revision, bool) else None
        )
        try:
            receipt = voting.ballot_cast(
                poll=vote.poll,
                participant=by,
                choice=choice,
                expected_revision=expected,
                options=options,
            )
        except voting.VotingError as error:
            raise CommandRefused("ballot_refused", str(error)) from None
        return {
            "poll": vote.poll_id,
            "revision": receipt.revision,
            "once": {"tracker": receipt.tracker, "replaced": receipt.replaced},
        }


# The facilitator ---------------------------------------------------------------------


@live_command("vote.close", rules.RUN_VOTE, keeps_lookups=True)
def vote_close(*, summit: Summit, by: User, now: datetime) -> dict[str, Any]:
    """Close the vote and count it. The result shows on the screens when the facilitator
    reveals it, or at once if the step says so."""
    with guarded(summit, by, "vote.close") as (summit, _roles):
        vote = _current_vote(summit)
        try:
            voting.poll_close(poll=vote.poll, by=by, now=now)
        except voting.VotingError as error:
            raise CommandRefused("vote_refused", str(error)) from None
        vote.poll.refresh_from_db()
        if summit.current_step is not None and summit.current_step.vote_reveal_on_close:
            vote.revealed_at = now
            vote.save(update_fields=["revealed_at"])
        data = vote_data(vote)
        emit(summit, _event_of(data), data)
        return {"poll": vote.poll_id, "voted": data["voted"]}


@live_command("vote.reveal", rules.RUN_VOTE, keeps_lookups=True)
def vote_reveal(*, summit: Summit, by: User, now: datetime) -> dict[str, Any]:
    """Show the closed vote's result on every screen of the summit."""
    with guarded(summit, by, "vote.reveal") as (summit, _roles):
        vote = _current_vote(summit)
        if vote.poll.status != Poll.Status.CLOSED:
            raise CommandRefused(
                "not_closed",
                _("Sluit eerst de stemming. De uitslag komt pas na het sluiten."),
            )
        if vote.revealed_at is None:
            vote.revealed_at = now
            vote.save(update_fields=["revealed_at"])
        emit(summit, events.vote_revealed, vote_data(vote))
        return {"poll": vote.poll_id}


# Turnout on the summit's screens ---------------------------------------------------------


def _push_turnout(key: Hashable) -> None:
    """Count the vote's turnout now and send it to the summit's screens, numbered."""
    vote = SummitVote.objects.filter(poll_id=key).select_related("poll").first()
    if vote is None or vote.poll.status != Poll.Status.OPEN:
        return
    with atomic():
        summit = Summit.objects.select_for_update(no_key=True).filter(pk=vote.summit_id).first()
        if summit is None:
            return
        voted, eligible, tables = turnout(vote)
        data: VoteTurnoutData = {
            "step": vote.step_id,
            "voted": voted,
            "eligible": eligible,
            "tables": tables,
        }
        emit(summit, events.vote_turnout, data)


_turnout_pushes = Coalesced(TURNOUT_PUSH_SECONDS, _push_turnout)


@receiver(signals.turnout_changed, dispatch_uid="deliberation.vote.turnout")
def _turnout_changed(sender: Any, poll_id: int, context: str, **_kwargs: Any) -> None:
    if contexts.parse(context).kind == contexts.SUMMIT and _is_summit_poll(poll_id):
        _turnout_pushes.changed(poll_id)


# Poll id -> whether a summit shows its turnout. A poll becomes a summit's vote in the
# transaction that makes it (vote_start says so here), so an answer never goes stale.
_summit_polls: dict[int, bool] = {}


def _is_summit_poll(poll_id: int) -> bool:
    """Whether a poll is a summit's vote: asked once per poll in a process."""
    found = _summit_polls.get(poll_id)
    if found is None:
        found = _summit_polls[poll_id] = SummitVote.objects.filter(poll_id=poll_id).exists()
    return found
