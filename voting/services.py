"""Every write of voting: create, open and close polls, cast ballots online and on paper.

Counting is voting.tally's job and file formats are voting.formats'; this module turns
stored rows into their plain data and stores what they return.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspel.ladder import frame_errors
from samenspel.live.broadcast import broadcast
from samenspel.live.coalesce import Coalesced
from samenspel.models import Neighbourhood, User

from . import (
    electorates,
    events,
    formats,
    methods,
    rules,
    sealing,
    selectors,
    signals,
    voterlist,
)
from .models import (
    Ballot,
    CastVia,
    Eligibility,
    Method,
    Option,
    PendingBallot,
    Poll,
    ReplacedReceipt,
    Result,
)

logger = logging.getLogger(__name__)

MAX_GRADE = methods.MAX_GRADE
YES_NO_ANSWERS = methods.YES_NO_ANSWERS
YES_NO_POINTS = methods.YES_NO_POINTS
# The frame of a poll's participation report, as long as the columns hold.
LIMITS_MAX_LENGTH = 2000


class VotingError(Exception):
    """A refused change; ``str(error)`` is the message to show (translated, Dutch first)."""


class VotingForbidden(VotingError, PermissionError):
    """The user may not do this (not eligible, not a table host, not a manager)."""


@dataclass(frozen=True)
class OptionSpec:
    title: str
    description: str = ""
    cost: int | None = None
    reference: str = ""


@dataclass(frozen=True)
class Receipt:
    """What a voter sees after casting: the tracker to find the ballot in the published file."""

    tracker: str
    revision: int
    replaced: bool
    # The stored content, to show once on the confirmation and then forget (docs/voting.md).
    content: Any = None


# ---------------------------------------------------------------------------------------
# Polls
# ---------------------------------------------------------------------------------------


def poll_create(
    *,
    title: str,
    method: str,
    options: Sequence[OptionSpec],
    eligible: Iterable[User] = (),
    context: str = "",
    description: str = "",
    seats: int = 1,
    min_choices: int = 0,
    max_choices: int | None = None,
    budget: int | None = None,
    points: int | None = None,
    majority_rule: str = "simple",
    limits: str = "",
    commissioned_by: str = "",
    ladder: str = "consult",
    by: User | None = None,
    now: datetime | None = None,
) -> Poll:
    """A draft poll with its options and eligible participants, checked for consistency."""
    now = now or timezone.now()
    if method not in Method.values or method not in methods.REGISTRY:
        raise VotingError(_("Onbekende stemmethode."))
    kind = methods.get(method)
    if len(options) < kind.min_options:
        raise VotingError(_("Een stemming heeft ten minste twee opties."))
    if not 1 <= seats <= max(1, len(options) - (1 if kind.seats_below_options else 0)):
        raise VotingError(_("Het aantal winnaars past niet bij het aantal opties."))
    if max_choices is not None and max_choices < min_choices:
        raise VotingError(_("Het maximum aantal keuzes is kleiner dan het minimum."))
    if kind.needs_budget and (not budget or any(o.cost is None for o in options)):
        raise VotingError(_("Een begroting heeft een budget en kosten per project."))
    if kind.needs_points and not points:
        raise VotingError(_("Geef op hoeveel punten iedere deelnemer mag verdelen."))
    frame = _frame_errors(limits=limits, commissioned_by=commissioned_by, ladder=ladder)
    if frame:
        raise VotingError(" ".join(message for messages in frame.values() for message in messages))
    with transaction.atomic():
        poll = Poll.objects.create(
            title=title,
            description=description,
            limits=limits.strip(),
            commissioned_by=commissioned_by.strip(),
            ladder=ladder,
            context=context,
            method=method,
            seats=seats,
            min_choices=min_choices,
            max_choices=max_choices,
            budget=budget if kind.needs_budget else None,
            points=points if kind.needs_points else None,
            majority_rule=majority_rule,
            seed=secrets.token_hex(16),
            secret=secrets.token_hex(32),
            created_by=by,
            created_at=now,
        )
        Option.objects.bulk_create(
            Option(
                poll=poll,
                position=index,
                title=spec.title,
                description=spec.description,
                cost=spec.cost,
                reference=spec.reference,
            )
            for index, spec in enumerate(options, 1)
        )
        poll_eligible_add(poll=poll, participants=eligible)
    return poll


def poll_eligible_add(*, poll: Poll, participants: Iterable[User]) -> int:
    """Make participants eligible (e.g. when they check in); returns how many were new."""
    if poll.status == Poll.Status.CLOSED:
        raise VotingError(_("Deze stemming is gesloten."))
    rows = [Eligibility(poll=poll, participant=user) for user in participants]
    with transaction.atomic():
        before = Eligibility.objects.filter(poll=poll).count()
        Eligibility.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
        added = Eligibility.objects.filter(poll=poll).count() - before
        if added and poll.status == Poll.Status.OPEN:
            _broadcast_turnout(poll)
    return added


def poll_open(*, poll: Poll, by: User, now: datetime | None = None) -> Poll:
    return _poll_open(poll=poll, by=by, now=now or timezone.now())


def _poll_open(*, poll: Poll, by: User | None, now: datetime) -> Poll:
    """Open a draft; ``by`` None only for a scheduled opening (``polls_due``). A poll for
    all residents or one neighbourhood gets its electorate's marks now (docs/voting.md)."""
    with transaction.atomic():
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        if by is not None and not rules.can_manage_poll(by, poll):
            raise VotingForbidden(_("U mag deze stemming niet openen."))
        if poll.status != Poll.Status.DRAFT:
            raise VotingError(_("Deze stemming is al geopend."))
        poll.status = Poll.Status.OPEN
        poll.opened_at = now
        poll.save(update_fields=["status", "opened_at"])
        if poll.electorate != Poll.Electorate.LIST:
            poll_eligible_add(poll=poll, participants=selectors.electorate(poll))
        broadcast(
            poll.group,
            events.poll_opened({"poll": poll.pk, "title": poll.title, "method": poll.method}),
        )
    return poll


def poll_close(*, poll: Poll, by: User, now: datetime | None = None) -> Result:
    """Close, count with voting.tally, store the result and the shuffled published files,
    then reveal the result to everyone watching the poll."""
    return _poll_close(poll=poll, by=by, now=now or timezone.now())


def _poll_close(*, poll: Poll, by: User | None, now: datetime) -> Result:
    """``by`` None only for a scheduled closing (``polls_due``)."""
    with transaction.atomic():
        poll = Poll.objects.select_for_update(no_key=True).get(pk=poll.pk)
        if by is not None and not rules.can_manage_poll(by, poll):
            raise VotingForbidden(_("U mag deze stemming niet sluiten."))
        if poll.status != Poll.Status.OPEN:
            raise VotingError(_("Alleen een open stemming kan worden gesloten."))
        # A cast locks its voter's mark, then reads the poll's status (see _cast). Locking
        # every mark waits for the casts in flight, which saw the poll open and are counted
        # below; a cast that comes later waits for this commit and then finds it closed.
        # The poll's row is locked without its key (no_key): a cast in flight stores its
        # ballot, whose reference to the poll must not wait for this lock (a deadlock).
        list(Eligibility.objects.select_for_update().filter(poll=poll).values_list("pk"))
        poll.status = Poll.Status.CLOSED
        poll.closed_at = now
        poll.save(update_fields=["status", "closed_at"])
        _ballots_unseal(poll)
        options = selectors.poll_options(poll)
        stored = selectors.ballot_contents(poll)
        contents = [content for _tracker, content, _source in stored]
        outcome = count(poll, options, contents)
        published = published_files(poll, options, stored, now)
        counts = selectors.turnout(poll)
        explanation = outcome.pop("explanation")
        result = Result.objects.create(
            poll=poll,
            outcome=outcome,
            explanation=explanation,
            ballots_counted=len(stored),
            paper_ballots=sum(1 for _t, _c, source in stored if source == CastVia.PAPER),
            eligible=counts.eligible,
            file_name=published.file_name,
            file_text=published.file_text,
            file_sha256=sha256(published.file_text),
            tracker_file_name=published.tracker_file_name,
            tracker_file_text=published.tracker_file_text,
            tracker_file_sha256=sha256(published.tracker_file_text),
            counted_at=now,
        )
        rows = selectors.result_rows(poll, result.outcome)
        broadcast(
            poll.group,
            events.poll_closed(
                {
                    "poll": poll.pk,
                    "title": poll.title,
                    "method": poll.method,
                    "voted": counts.voted,
                    "eligible": counts.eligible,
                    "winners": [row["title"] for row in rows if row["winner"]],
                    "rows": [
                        {
                            "key": row["key"],
                            "title": row["title"],
                            "value": row["text"],
                            "winner": row["winner"],
                        }
                        for row in rows
                    ],
                    "file_sha256": result.file_sha256,
                    "url": reverse("poll_results", args=[poll.pk]),
                }
            ),
        )
    return result


# ---------------------------------------------------------------------------------------
# Ballots
# ---------------------------------------------------------------------------------------


def ballot_cast(
    *,
    poll: Poll,
    participant: User,
    choice: Any,
    expected_revision: int | None = None,
    options: Sequence[Option] | None = None,
) -> Receipt:
    """Store an online ballot; a re-vote before closing replaces the earlier one.

    ``expected_revision`` is the revision the ballot form was opened at: a form from a
    second tab, opened before a cast in the first, is refused and nothing changes.
    ``options``: the poll's options if the caller has read them (they never change).
    """
    return _cast(
        poll=poll,
        participant=participant,
        choice=choice,
        source="online",
        expected_revision=expected_revision,
        options=options,
    )


def paper_ballot_cast(*, poll: Poll, participant: User, choice: Any, by: User) -> Receipt:
    """A table host enters the paper ballot of a participant seated at their table (a
    manager: of any participant) who has not voted. It counts once, like an online one,
    and is marked as paper; after it neither paper nor online voting can change it."""
    if not rules.can_enter_paper_ballot(by, poll):
        raise VotingForbidden(_("U mag voor deze stemming geen papieren stemmen invoeren."))
    allowed = rules.paper_ballot_voters(by, poll)
    if allowed is not None and participant.pk not in allowed:
        raise VotingForbidden(
            _(
                "%(name)s zit niet aan uw tafel. U kunt alleen papieren stemmen invoeren "
                "voor deelnemers aan een tafel die u begeleidt."
            )
            % {"name": participant.public_name}
        )
    return _cast(poll=poll, participant=participant, choice=choice, source="paper")


def _cast(
    *,
    poll: Poll,
    participant: User,
    choice: Any,
    source: str,
    expected_revision: int | None = None,
    options: Sequence[Option] | None = None,
) -> Receipt:
    # A thousand voters may press at once, so a cast takes one lock, on its voter's mark,
    # and the fewest queries it can: no lock on the poll row, which every cast would wait
    # for in turn. The status is read after the lock: closing locks every mark before it
    # closes (poll_close), so either this cast got its mark first and is counted, or it
    # waited for the closing to commit and reads the poll as closed.
    with transaction.atomic():
        eligibility = (
            Eligibility.objects.select_for_update()
            .filter(poll=poll, participant=participant)
            .first()
        )
        status = Poll.objects.filter(pk=poll.pk).values_list("status", flat=True).first()
        if status == Poll.Status.DRAFT:
            raise VotingError(_("Deze stemming is nog niet geopend."))
        if status != Poll.Status.OPEN:
            raise VotingError(_("Deze stemming is gesloten; stemmen kan niet meer."))
        if eligibility is None:
            raise VotingForbidden(_("U staat niet op de lijst van deelnemers aan deze stemming."))
        if eligibility.cast_via == CastVia.PAPER:
            raise VotingError(_("Voor deze deelnemer is al een papieren stem ingevoerd; die telt."))
        if source == CastVia.PAPER and eligibility.has_voted:
            raise VotingError(_("Deze deelnemer heeft al online gestemd; die stem telt."))
        if expected_revision is not None and expected_revision != eligibility.revision:
            raise VotingError(
                _(
                    "U hebt intussen al gestemd, misschien in een ander venster. "
                    "Er is niets veranderd. Bekijk de stemming en stem opnieuw als u wilt."
                )
            )
        if options is None:
            options = selectors.poll_options(poll)
        content = clean_choice(poll, options, choice)
        # The ballot waits sealed until closing (voting/sealing.py): this transaction also
        # writes the voter's mark, so nothing it stores may be found again in the ballot.
        ballot_id = str(uuid.uuid4())
        replaced = eligibility.has_voted
        # Only someone who voted before can have a sealed ballot to replace.
        earlier = selectors.pending_ballot(poll, participant.pk) if replaced else None
        lookup = earlier[1] if earlier else selectors.pending_key(poll, participant.pk)
        data = {
            "id": ballot_id,
            "voter_key": selectors.voter_key(poll, participant.pk),
            "content": content,
            "source": source,
        }
        if earlier:
            data["replaced"] = _replaced_receipts(poll, earlier)
        sealed = sealing.seal(
            poll_id=poll.pk, lookup=lookup, data=data, block=sealing.block_size(len(options))
        )
        if earlier:
            PendingBallot.objects.filter(pk=earlier[0]).update(sealed=sealed)
        else:
            PendingBallot.objects.create(poll=poll, lookup=lookup, sealed=sealed)
        eligibility.has_voted = True
        eligibility.cast_via = source
        eligibility.revision += 1
        eligibility.save(update_fields=["has_voted", "cast_via", "revision"])
        if not replaced:
            _broadcast_turnout(poll)
    tracker = formats.tracker_code(poll.secret.encode(), ballot_id)
    return Receipt(
        tracker=tracker, revision=eligibility.revision, replaced=replaced, content=content
    )


# A re-vote carries the receipts of the ballots it replaces in its seal, so that closing can
# store them and an old receipt looked up says "replaced" (docs/voting.md); at most this many,
# newest first, so a voter who re-votes without end does not grow their seal without end.
REPLACED_RECEIPTS_KEPT = 50


def _replaced_receipts(poll: Poll, earlier: tuple[Any, str, bytes]) -> list[str]:
    """The receipt of the sealed ballot being replaced, then those it replaced itself."""
    _pk, lookup, sealed = earlier
    try:
        data = sealing.unseal(poll_id=poll.pk, lookup=lookup, sealed=sealed)
    except sealing.SealError:
        return []  # sealed under a key no longer held: closing would refuse it anyway
    receipts = [formats.tracker_code(poll.secret.encode(), data["id"]), *data.get("replaced", [])]
    return receipts[:REPLACED_RECEIPTS_KEPT]


def _ballots_unseal(poll: Poll) -> None:
    """Store every sealed ballot of a closing poll as a Ballot, in a random order and in the
    closing transaction, which writes no eligibility mark: all ballots share its
    transaction id, their physical order is the shuffle's, their ids are random."""
    pending = list(PendingBallot.objects.filter(poll=poll).values_list("lookup", "sealed"))
    ballots = []
    replaced: list[str] = []
    for lookup, sealed in pending:
        try:
            data = sealing.unseal(poll_id=poll.pk, lookup=lookup, sealed=bytes(sealed))
        except sealing.SealError as error:
            raise VotingError(
                _(
                    "Een verzegelde stem kan niet worden geopend; is de geheime sleutel "
                    "(SECRET_KEY) veranderd? Zet de oude sleutel in SECRET_KEY_FALLBACKS."
                )
            ) from error
        ballots.append(
            Ballot(
                id=uuid.UUID(data["id"]),
                poll=poll,
                voter_key=data["voter_key"],
                content=data["content"],
                source=data["source"],
                tracker=formats.tracker_code(poll.secret.encode(), data["id"]),
            )
        )
        replaced.extend(data.get("replaced", []))
    secrets.SystemRandom().shuffle(ballots)
    # Shuffled apart from the ballots: nothing places an old receipt next to its successor.
    secrets.SystemRandom().shuffle(replaced)
    # A ballot stored openly before sealing existed is replaced by its voter's later one.
    Ballot.objects.filter(poll=poll, voter_key__in=[b.voter_key for b in ballots]).delete()
    Ballot.objects.bulk_create(ballots, batch_size=500)
    ReplacedReceipt.objects.bulk_create(
        (ReplacedReceipt(poll=poll, tracker=tracker) for tracker in replaced),
        batch_size=500,
        ignore_conflicts=True,
    )
    PendingBallot.objects.filter(poll=poll).delete()


# Turnout pushes of one poll leave a server process at most this often (DESIGN.md: chatty
# counters are coalesced). A burst of a thousand ballots then costs a few pushes, each
# counting the turnout once, instead of a count and a push per ballot.
TURNOUT_PUSH_SECONDS = 0.25


def _broadcast_turnout(poll: Poll) -> None:
    """After the commit, tell who shows this poll's turnout: its own screens (coalesced,
    ``_turnout_pushes``) and the app the poll belongs to (``signals.turnout_changed``)."""
    poll_id, group, live, context = poll.pk, poll.group, poll.live_turnout, poll.context

    def changed() -> None:
        signals.turnout_changed.send(sender=Poll, poll_id=poll_id, context=context)
        if live:  # otherwise shown at closing only, with the result
            _turnout_pushes.changed((poll_id, group))

    transaction.on_commit(changed)


def _push_turnout(key: Hashable) -> None:
    """Count the turnout now and push it, unless the poll closed meanwhile (its
    ``poll.closed`` event carries the final count)."""
    poll_id, group = cast(tuple[int, str], key)
    poll = Poll.objects.filter(pk=poll_id, status=Poll.Status.OPEN).only("pk").first()
    if poll is None:
        return
    counts = selectors.turnout(poll)
    broadcast(
        group,
        events.turnout_changed(
            {"poll": poll_id, "voted": counts.voted, "eligible": counts.eligible}
        ),
    )


_turnout_pushes = Coalesced(TURNOUT_PUSH_SECONDS, _push_turnout)


def poll_spec(poll: Poll, options: Sequence[Option]) -> methods.PollSpec:
    """What the registry of voting methods needs of a poll, as plain data."""
    return methods.PollSpec(
        keys=tuple(option.key for option in options),
        names={option.key: option.title for option in options},
        seats=poll.seats,
        seed=poll.seed,
        min_choices=poll.min_choices,
        max_choices=poll.max_choices,
        budget=poll.budget,
        points=poll.points,
        costs={option.key: option.cost or 0 for option in options},
        two_thirds=poll.majority_rule == Poll.MajorityRule.TWO_THIRDS,
    )


def clean_choice(poll: Poll, options: Sequence[Option], choice: Any) -> Any:
    """The canonical stored content of a ballot, or VotingError saying what is wrong.

    Shapes (option keys are "1", "2", ...): yes/no {key: "yes"|"no"|"abstain"} for every
    decision point; approval and budgets [key, ...]; ranked [key, ...] best first, may stop
    early; score and majority judgment {key: 0..5}; dot {key: points} (voting.methods).
    """
    try:
        return poll.voting_method.clean(poll_spec(poll, options), choice)
    except methods.Refused as refused:
        message = _(refused.message)
        raise VotingError(message % refused.params if refused.params else message) from None


# ---------------------------------------------------------------------------------------
# Counting and publishing
# ---------------------------------------------------------------------------------------


def count(poll: Poll, options: Sequence[Option], contents: Sequence[Any]) -> dict[str, Any]:
    """The stored result of counting ``contents`` (as JSON), with its explanation lines."""
    return poll.voting_method.stored_result(poll_spec(poll, options), contents)


@dataclass(frozen=True)
class Published:
    file_name: str
    file_text: str
    tracker_file_name: str
    tracker_file_text: str


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def published_files(
    poll: Poll, options: Sequence[Option], stored: Sequence[tuple[str, Any, str]], now: datetime
) -> Published:
    """The anonymised ballot file (PrefLib, Pabulib or, for points, the tracker list) and
    the tracker list, each shuffled with the poll's unpublished secret. No voter, no time
    per ballot; the publication date is the closing day."""
    kind = poll.voting_method
    to_file = kind.shape.to_file
    candidates = {option.key: option.title for option in options}
    name = f"samenspel-poll-{poll.pk}"
    day = timezone.localdate(now).isoformat()
    title = poll.title + kind.file_title_note
    receipts = formats.shuffled(
        [(tracker, to_file(content)) for tracker, content, _source in stored],
        f"{poll.secret}:trackers",
    )
    ballots = formats.shuffled(
        [to_file(content) for _tracker, content, _source in stored],
        f"{poll.secret}:ballots",
    )
    if kind.file_type in ("soi", "cat"):
        data_type, vote_type = kind.file_type, kind.vote_type
        file_name = f"{name}.{data_type}"
        file_text = formats.preflib_text(
            data_type=data_type,
            candidates=candidates,
            ballots=ballots,  # type: ignore[arg-type]
            title=title,
            file_name=file_name,
            description=poll.description,
            publication_date=day,
        )
        election = formats.Election(data_type, vote_type, candidates, (), title)
    elif kind.file_type == "pb":
        file_name = f"{name}.pb"
        costs = {option.key: option.cost or 0 for option in options}
        file_text = formats.pabulib_text(
            meta={
                "description": title,
                "country": "Netherlands",
                "unit": "Diemen",
                "instance": day,
                "budget": str(poll.budget),
                "rule": kind.pabulib_rule,
                "date_end": day,
            },
            projects={key: (candidates[key], costs[key]) for key in candidates},
            ballots=ballots,  # type: ignore[arg-type]
            vote_type=kind.vote_type,
        )
        election = formats.Election("pb", kind.vote_type, candidates, (), title, poll.budget, costs)
    else:
        # Points per option (yes/no, grades, dots): Pabulib's scoring or cumulative votes,
        # with no budget and no costs, so the ballot file is not the tracker list again.
        election = formats.Election("points", kind.vote_type, candidates, (), title)
        file_name = f"{name}.pb"
        high = 2 if kind.shape is methods.YES_NO else methods.MAX_GRADE
        file_text = formats.pabulib_text(
            meta={
                "description": title,
                "unit": "Diemen",
                "instance": day,
                "budget": "0",
                "rule": kind.key,
                "date_end": day,
                **(
                    {"min_points": "0", "max_points": str(high)}
                    if kind.vote_type == "scoring"
                    else {"max_sum_points": str(poll.points or 0)}
                ),
            },
            projects={key: (candidates[key], 0) for key in candidates},
            ballots=[dict(ballot) for ballot in ballots],  # type: ignore[arg-type]
            vote_type=kind.vote_type,
        )
    tracker_text = formats.tracker_list_text(election, receipts)
    return Published(
        file_name=file_name,
        file_text=file_text,
        tracker_file_name=f"{name}-trackers.json",
        tracker_file_text=tracker_text,
    )


# ---------------------------------------------------------------------------------------
# The poll workspace: set up, change, import voters, and the schedule (/werkruimte/peiling/)
# ---------------------------------------------------------------------------------------


def _euros(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def poll_setup_errors(
    *,
    title: str,
    method: str,
    options: Sequence[OptionSpec],
    seats: int,
    min_choices: int,
    max_choices: int | None,
    budget: int | None,
    points: int | None,
    electorate: str,
    neighbourhood: Neighbourhood | None,
    opens_at: datetime | None,
    closes_at: datetime | None,
    now: datetime,
    limits: str = "",
    commissioned_by: str = "",
    ladder: str = "consult",
) -> dict[str, list[str]]:
    """What is wrong with a poll's settings, per form field (empty when nothing is)."""
    errors = _frame_errors(limits=limits, commissioned_by=commissioned_by, ladder=ladder)

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not title.strip():
        add("title", _("Geef de peiling een titel."))
    if method not in Method.values or method not in methods.REGISTRY:
        add("method", _("Kies hoe er gestemd wordt."))
        return errors
    kind = methods.get(method)
    if len(options) < kind.min_options:
        add("options", _("Een peiling heeft ten minste twee opties. Vul er nog een in."))
    seen: dict[str, int] = {}
    for number, spec in enumerate(options, 1):
        key = spec.title.strip().casefold()
        if key in seen:
            add(
                "options",
                _("Optie %(number)s heeft dezelfde titel als optie %(first)s.")
                % {"number": number, "first": seen[key]},
            )
        seen.setdefault(key, number)
    if kind.needs_budget:
        without = [str(n) for n, spec in enumerate(options, 1) if spec.cost is None]
        if without:
            add(
                "options",
                _("Geef bij elk project de kosten; die ontbreken bij optie %(numbers)s.")
                % {"numbers": ", ".join(without)},
            )
        if not budget:
            add("budget", _("Geef het budget in hele euro's."))
        else:
            costs = [spec.cost for spec in options if spec.cost is not None]
            if costs and budget < min(costs):
                add(
                    "budget",
                    _(
                        "Het budget (€ %(budget)s) is kleiner dan het goedkoopste project "
                        "(€ %(cheapest)s): dan kan niemand iets kiezen."
                    )
                    % {"budget": _euros(budget), "cheapest": _euros(min(costs))},
                )
    most = max(1, len(options) - (1 if kind.seats_below_options else 0))
    if seats < 1:
        add("seats", _("Er is ten minste één winnaar."))
    elif options and seats > most:
        add(
            "seats",
            _("Er zijn %(options)s opties; het aantal winnaars kan niet hoger zijn dan %(most)s.")
            % {"options": len(options), "most": most},
        )
    if max_choices is not None and max_choices < min_choices:
        add("max_choices", _("Het maximum aantal keuzes is kleiner dan het minimum."))
    if options and min_choices > len(options):
        add(
            "min_choices",
            _("Er zijn maar %(options)s opties; minder keuzes dan dat is het minimum.")
            % {"options": len(options)},
        )
    if kind.needs_points and not points:
        add("points", _("Geef op hoeveel punten iedere deelnemer mag verdelen."))
    if electorate not in Poll.Electorate.values:
        add("electorate", _("Kies wie mag stemmen."))
    elif electorate == Poll.Electorate.NEIGHBOURHOOD and neighbourhood is None:
        add("neighbourhood", _("Kies de wijk of buurt waarvan de inwoners mogen stemmen."))
    if opens_at is not None and opens_at < now:
        add(
            "opens_at",
            _(
                "Dit tijdstip is al voorbij. Kies een tijdstip in de toekomst, of laat het "
                "leeg en open de peiling straks met de knop."
            ),
        )
    if closes_at is not None:
        if closes_at <= now:
            add("closes_at", _("Dit tijdstip is al voorbij. Kies een tijdstip in de toekomst."))
        elif opens_at is not None and closes_at <= opens_at:
            add("closes_at", _("De peiling moet later sluiten dan ze opengaat."))
    return errors


def _frame_errors(*, limits: str, commissioned_by: str, ladder: str) -> dict[str, list[str]]:
    """What is wrong with the frame of the poll's participation report, per form field."""
    errors = frame_errors(commissioned_by=commissioned_by, ladder=ladder)
    if len(limits.strip()) > LIMITS_MAX_LENGTH:
        errors["limits"] = [_("De kaders zijn hoogstens 2000 tekens lang.")]
    return errors


def _setup_fields(
    *,
    title: str,
    description: str,
    method: str,
    seats: int,
    min_choices: int,
    max_choices: int | None,
    budget: int | None,
    points: int | None,
    majority_rule: str,
    electorate: str,
    neighbourhood: Neighbourhood | None,
    opens_at: datetime | None,
    closes_at: datetime | None,
    live_turnout: bool,
    limits: str,
    commissioned_by: str,
    ladder: str,
    electorate_source: str = "",
) -> dict[str, Any]:
    kind = methods.get(method)
    return {
        "title": title.strip(),
        "description": description.strip(),
        "limits": limits.strip(),
        "commissioned_by": commissioned_by.strip(),
        "ladder": ladder,
        "method": method,
        "seats": seats,
        "min_choices": min_choices,
        "max_choices": max_choices,
        "budget": budget if kind.needs_budget else None,
        "points": points if kind.needs_points else None,
        "majority_rule": majority_rule
        if majority_rule in Poll.MajorityRule.values
        else Poll.MajorityRule.SIMPLE,
        "electorate": electorate,
        "neighbourhood": neighbourhood if electorate == Poll.Electorate.NEIGHBOURHOOD else None,
        "electorate_source": electorate_source if electorate == Poll.Electorate.SOURCE else "",
        "opens_at": opens_at,
        "closes_at": closes_at,
        "live_turnout": live_turnout,
    }


def _source_errors(
    errors: dict[str, list[str]], electorate: str, electorate_source: str, by: User
) -> None:
    """A poll for a group of another app (``voting/electorates.py``): a group must be
    chosen, and one this person may use (the app that registered it decides)."""
    if electorate != Poll.Electorate.SOURCE:
        return
    refusal = electorates.refusal(electorate_source, by)
    if refusal is not None:
        errors.setdefault("electorate_source", []).append(refusal)


def poll_setup_create(
    *,
    by: User,
    title: str,
    method: str,
    options: Sequence[OptionSpec],
    description: str = "",
    seats: int = 1,
    min_choices: int = 0,
    max_choices: int | None = None,
    budget: int | None = None,
    points: int | None = None,
    majority_rule: str = "simple",
    electorate: str = "all",
    neighbourhood: Neighbourhood | None = None,
    electorate_source: str = "",
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    live_turnout: bool = True,
    limits: str = "",
    commissioned_by: str = "",
    ladder: str = "consult",
    now: datetime | None = None,
) -> Poll:
    """A new poll of the workspace (a draft, or scheduled when ``opens_at`` is set), made
    by an administrator; ValidationError with a message per field, and nothing stored."""
    now = now or timezone.now()
    if not rules.can_create_poll(by):
        raise VotingForbidden(_("Alleen een beheerder kan een nieuwe peiling maken."))
    errors = poll_setup_errors(
        title=title, method=method, options=options, seats=seats, min_choices=min_choices,
        max_choices=max_choices, budget=budget, points=points, electorate=electorate,
        neighbourhood=neighbourhood, opens_at=opens_at, closes_at=closes_at, now=now,
        limits=limits, commissioned_by=commissioned_by, ladder=ladder,
    )  # fmt: skip
    _source_errors(errors, electorate, electorate_source, by)
    if errors:
        raise ValidationError(errors)
    fields = _setup_fields(
        title=title, description=description, method=method, seats=seats,
        min_choices=min_choices, max_choices=max_choices, budget=budget, points=points,
        majority_rule=majority_rule, electorate=electorate, neighbourhood=neighbourhood,
        opens_at=opens_at, closes_at=closes_at, live_turnout=live_turnout,
        limits=limits, commissioned_by=commissioned_by, ladder=ladder,
        electorate_source=electorate_source,
    )  # fmt: skip
    with transaction.atomic():
        poll = Poll.objects.create(
            **fields,
            seed=secrets.token_hex(16),
            secret=secrets.token_hex(32),
            created_by=by,
            created_at=now,
        )
        _options_store(poll, options)
    return poll


def _options_store(poll: Poll, options: Sequence[OptionSpec]) -> None:
    Option.objects.filter(poll=poll).delete()
    Option.objects.bulk_create(
        Option(
            poll=poll,
            position=index,
            title=spec.title.strip(),
            description=spec.description.strip(),
            cost=spec.cost,
            reference=spec.reference,
        )
        for index, spec in enumerate(options, 1)
    )


def _editable(poll: Poll, by: User) -> None:
    """Refuse a change to a poll that is no longer a draft, or that another process owns."""
    if not rules.can_manage_poll(by, poll):
        raise VotingForbidden(_("U mag deze peiling niet wijzigen."))
    if poll.context:
        raise ValidationError(
            _(
                "Deze stemming hoort bij een burgertop of nota en wordt daar ingesteld; "
                "hier kunt u haar alleen openen en sluiten."
            )
        )
    if poll.status != Poll.Status.DRAFT:
        raise ValidationError(
            _(
                "Deze peiling is al geopend. Wat er gevraagd wordt en wie mag stemmen, "
                "verandert niet meer terwijl mensen stemmen."
            )
        )


def poll_setup_update(
    *,
    poll: Poll,
    by: User,
    title: str,
    method: str,
    options: Sequence[OptionSpec],
    description: str = "",
    seats: int = 1,
    min_choices: int = 0,
    max_choices: int | None = None,
    budget: int | None = None,
    points: int | None = None,
    majority_rule: str = "simple",
    electorate: str = "all",
    neighbourhood: Neighbourhood | None = None,
    electorate_source: str = "",
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    live_turnout: bool = True,
    limits: str = "",
    commissioned_by: str = "",
    ladder: str = "consult",
    now: datetime | None = None,
) -> Poll:
    """Change a poll that has not opened; refused (ValidationError) once it has."""
    now = now or timezone.now()
    with transaction.atomic():
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        _editable(poll, by)
        errors = poll_setup_errors(
            title=title, method=method, options=options, seats=seats, min_choices=min_choices,
            max_choices=max_choices, budget=budget, points=points, electorate=electorate,
            neighbourhood=neighbourhood, opens_at=opens_at, closes_at=closes_at, now=now,
            limits=limits, commissioned_by=commissioned_by, ladder=ladder,
        )  # fmt: skip
        _source_errors(errors, electorate, electorate_source, by)
        if errors:
            raise ValidationError(errors)
        fields = _setup_fields(
            title=title, description=description, method=method, seats=seats,
            min_choices=min_choices, max_choices=max_choices, budget=budget, points=points,
            majority_rule=majority_rule, electorate=electorate, neighbourhood=neighbourhood,
            opens_at=opens_at, closes_at=closes_at, live_turnout=live_turnout,
            limits=limits, commissioned_by=commissioned_by, ladder=ladder,
            electorate_source=electorate_source,
        )  # fmt: skip
        for name, value in fields.items():
            setattr(poll, name, value)
        poll.save(update_fields=list(fields))
        _options_store(poll, options)
        if poll.electorate != Poll.Electorate.LIST:
            # A list imported before the choice changed no longer says who may vote.
            Eligibility.objects.filter(poll=poll).delete()
    return poll


@dataclass(frozen=True)
class VoterRow:
    line: int
    value: str
    user: User | None
    error: str


@dataclass(frozen=True)
class VoterPreview:
    """A voter list as read, row by row, before anything is stored."""

    rows: list[VoterRow]
    notes: list[str]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not any(row.error for row in self.rows)

    @property
    def errors(self) -> list[str]:
        return [
            _("Regel %(line)s: %(error)s") % {"line": row.line, "error": row.error}
            for row in self.rows
            if row.error
        ]


def voter_list_preview(*, data: bytes) -> VoterPreview:
    """Read a CSV of voters and find each person; ValidationError (field ``file``) when the
    file as a whole cannot be read. Stores nothing."""
    try:
        read = voterlist.read(data)
    except voterlist.UnreadableFile as unreadable:
        raise ValidationError({"file": [_(unreadable.message) % unreadable.params]}) from None
    # Usernames and e-mail addresses are matched without case; one pass over the accounts.
    by_name: dict[str, int] = {}
    by_mail: dict[str, list[int]] = {}
    for pk, username, email in User.objects.filter(is_active=True).values_list(
        "pk", "username", "email"
    ):
        by_name[username.casefold()] = pk
        if email:
            by_mail.setdefault(email.casefold(), []).append(pk)
    wanted = set()
    for _line, value in read.rows:
        found = by_mail.get(value.casefold(), []) if voterlist.is_email(value) else []
        wanted.update(found or [by_name.get(value.casefold(), 0)])
    people = User.objects.in_bulk([pk for pk in wanted if pk])
    rows: list[VoterRow] = []
    first_line: dict[int, int] = {}
    for line, value in read.rows:
        user: User | None = None
        error = ""
        if not value:
            error = _("Deze regel heeft geen gebruikersnaam of e-mailadres.")
        elif voterlist.is_email(value):
            found = by_mail.get(value.casefold(), [])
            if len(found) > 1:
                error = _("Meer dan één persoon heeft dit e-mailadres; gebruik hun gebruikersnaam.")
            elif found:
                user = people.get(found[0])
        else:
            user = people.get(by_name.get(value.casefold(), 0))
        if value and user is None and not error:
            error = _("Niemand gevonden met '%(value)s'.") % {"value": value}
        if user is not None:
            if user.pk in first_line:
                error = _("%(name)s staat al op regel %(line)s.") % {
                    "name": user.public_name,
                    "line": first_line[user.pk],
                }
                user = None
            else:
                first_line[user.pk] = line
        rows.append(VoterRow(line=line, value=value, user=user, error=error))
    notes = [_(message) % {k: _(v) for k, v in params.items()} for message, params in read.notes]
    return VoterPreview(rows=rows, notes=notes)


def poll_voters_import(*, poll: Poll, by: User, data: bytes) -> int:
    """Make the people of a CSV list the voters of a draft poll (replacing an earlier
    list); refused with every row's error, and nothing stored, if any row is wrong."""
    preview = voter_list_preview(data=data)
    if not preview.ok:
        raise ValidationError({"file": preview.errors})
    return poll_voters_set(
        poll=poll, by=by, participants=[row.user for row in preview.rows if row.user]
    )


def poll_voters_set(*, poll: Poll, by: User, participants: Iterable[User]) -> int:
    """Make ``participants`` the voters of a draft poll for a list of names (replacing an
    earlier list), as a CSV import or another app (a summit's participants) hands them."""
    people = list({user.pk: user for user in participants}.values())
    with transaction.atomic():
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        _editable(poll, by)
        if poll.electorate != Poll.Electorate.LIST:
            raise ValidationError(
                _("Deze peiling is niet voor een lijst met namen; kies dat eerst bij 'Wijzigen'.")
            )
        Eligibility.objects.filter(poll=poll).delete()
        Eligibility.objects.bulk_create(
            [Eligibility(poll=poll, participant=user) for user in people], batch_size=500
        )
    return len(people)


def poll_electorate_join(*, user: User) -> int:
    """Give ``user`` a mark in every open poll for all residents or their neighbourhood
    that they joined after it opened (registered, or moved in); returns how many."""
    added = 0
    for poll in selectors.open_polls_to_join(user):
        added += poll_eligible_add(poll=poll, participants=[user])
    return added


@dataclass(frozen=True)
class DueReport:
    opened: list[int]
    closed: list[int]


def polls_due(*, now: datetime | None = None) -> DueReport:
    """Open the drafts whose opening time has come and close (and count) the open polls
    whose closing time has come. Called when a poll page or list is read and by
    ``manage.py polls_due`` (cron); a poll another call handled meanwhile is skipped."""
    now = now or timezone.now()
    opened: list[int] = []
    closed: list[int] = []
    # A draft whose closing time passed before anyone opened it stays a draft: opening it
    # only to close it at once would publish an empty result.
    starting = Poll.objects.filter(status=Poll.Status.DRAFT, opens_at__lte=now).filter(
        Q(closes_at__isnull=True) | Q(closes_at__gt=now)
    )
    for poll in starting:
        try:
            _poll_open(poll=poll, by=None, now=now)
        except VotingError:
            continue
        opened.append(poll.pk)
    for poll in Poll.objects.filter(status=Poll.Status.OPEN, closes_at__lte=now):
        try:
            _poll_close(poll=poll, by=None, now=now)
        except VotingError:
            continue
        closed.append(poll.pk)
    if opened or closed:
        logger.info("polls due: opened %s, closed %s", opened, closed)
    return DueReport(opened=opened, closed=closed)
