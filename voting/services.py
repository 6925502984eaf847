"""Every write of voting: create, open and close polls, cast ballots online and on paper.

Counting is voting.tally's job and file formats are voting.formats'; this module turns
stored rows into their plain data and stores what they return.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspel.models import User
from samenspel.realtime import broadcast

from . import events, formats, rules, sealing, selectors, tally
from .models import (
    BUDGET_METHODS,
    GRADED_METHODS,
    RANKED_METHODS,
    Ballot,
    CastVia,
    Eligibility,
    Method,
    Option,
    PendingBallot,
    Poll,
    Result,
)

MAX_GRADE = 5
YES_NO_ANSWERS = ("yes", "no", "abstain")
YES_NO_POINTS = {"yes": 2, "no": 1, "abstain": 0}


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
    by: User | None = None,
    now: datetime | None = None,
) -> Poll:
    """A draft poll with its options and eligible participants, checked for consistency."""
    now = now or timezone.now()
    if method not in Method.values:
        raise VotingError(_("Onbekende stemmethode."))
    if len(options) < (1 if method == Method.YES_NO else 2):
        raise VotingError(_("Een stemming heeft ten minste twee opties."))
    if not 1 <= seats <= max(1, len(options) - (1 if method == Method.STV else 0)):
        raise VotingError(_("Het aantal winnaars past niet bij het aantal opties."))
    if max_choices is not None and max_choices < min_choices:
        raise VotingError(_("Het maximum aantal keuzes is kleiner dan het minimum."))
    if method in BUDGET_METHODS and (not budget or any(o.cost is None for o in options)):
        raise VotingError(_("Een begroting heeft een budget en kosten per project."))
    if method == Method.DOT and not points:
        raise VotingError(_("Geef op hoeveel punten iedere deelnemer mag verdelen."))
    with transaction.atomic():
        poll = Poll.objects.create(
            title=title,
            description=description,
            context=context,
            method=method,
            seats=seats,
            min_choices=min_choices,
            max_choices=max_choices,
            budget=budget if method in BUDGET_METHODS else None,
            points=points if method == Method.DOT else None,
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
    now = now or timezone.now()
    with transaction.atomic():
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        if not rules.can_manage_poll(by, poll):
            raise VotingForbidden(_("U mag deze stemming niet openen."))
        if poll.status != Poll.Status.DRAFT:
            raise VotingError(_("Deze stemming is al geopend."))
        poll.status = Poll.Status.OPEN
        poll.opened_at = now
        poll.save(update_fields=["status", "opened_at"])
        broadcast(
            poll.group,
            events.poll_opened({"poll": poll.pk, "title": poll.title, "method": poll.method}),
        )
    return poll


def poll_close(*, poll: Poll, by: User, now: datetime | None = None) -> Result:
    """Close, count with voting.tally, store the result and the shuffled published files,
    then reveal the result to everyone watching the poll."""
    now = now or timezone.now()
    with transaction.atomic():
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        if not rules.can_manage_poll(by, poll):
            raise VotingForbidden(_("U mag deze stemming niet sluiten."))
        if poll.status != Poll.Status.OPEN:
            raise VotingError(_("Alleen een open stemming kan worden gesloten."))
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
) -> Receipt:
    """Store an online ballot; a re-vote before closing replaces the earlier one.

    ``expected_revision`` is the revision the ballot form was opened at: a form from a
    second tab, opened before a cast in the first, is refused and nothing changes.
    """
    return _cast(
        poll=poll,
        participant=participant,
        choice=choice,
        source="online",
        expected_revision=expected_revision,
    )


def paper_ballot_cast(*, poll: Poll, participant: User, choice: Any, by: User) -> Receipt:
    """A table host enters a participant's paper ballot. It counts once, like an online
    one, and is marked as paper; after it neither paper nor online voting can change it."""
    if not rules.can_enter_paper_ballot(by, poll):
        raise VotingForbidden(_("U mag voor deze stemming geen papieren stemmen invoeren."))
    return _cast(poll=poll, participant=participant, choice=choice, source="paper")


def _cast(
    *,
    poll: Poll,
    participant: User,
    choice: Any,
    source: str,
    expected_revision: int | None = None,
) -> Receipt:
    with transaction.atomic():
        poll = Poll.objects.get(pk=poll.pk)
        if poll.status == Poll.Status.DRAFT:
            raise VotingError(_("Deze stemming is nog niet geopend."))
        if poll.status == Poll.Status.CLOSED:
            raise VotingError(_("Deze stemming is gesloten; stemmen kan niet meer."))
        eligibility = (
            Eligibility.objects.select_for_update()
            .filter(poll=poll, participant=participant)
            .first()
        )
        if eligibility is None:
            raise VotingForbidden(_("U staat niet op de lijst van deelnemers aan deze stemming."))
        # Re-read under the lock: closing takes the poll row, so a cast cannot slip past it.
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        if poll.status != Poll.Status.OPEN:
            raise VotingError(_("Deze stemming is gesloten; stemmen kan niet meer."))
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
        options = selectors.poll_options(poll)
        content = clean_choice(poll, options, choice)
        # The ballot waits sealed until closing (voting/sealing.py): this transaction also
        # writes the voter's mark, so nothing it stores may be found again in the ballot.
        ballot_id = str(uuid.uuid4())
        earlier = selectors.pending_ballot(poll, participant.pk)
        lookup = earlier[1] if earlier else selectors.pending_key(poll, participant.pk)
        sealed = sealing.seal(
            poll_id=poll.pk,
            lookup=lookup,
            data={
                "id": ballot_id,
                "voter_key": selectors.voter_key(poll, participant.pk),
                "content": content,
                "source": source,
            },
            block=sealing.block_size(len(options)),
        )
        replaced = eligibility.has_voted
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
    return Receipt(tracker=tracker, revision=eligibility.revision, replaced=replaced)


def _ballots_unseal(poll: Poll) -> None:
    """Store every sealed ballot of a closing poll as a Ballot, in a random order and in the
    closing transaction, which writes no eligibility mark: all ballots share its
    transaction id, their physical order is the shuffle's, their ids are random."""
    pending = list(PendingBallot.objects.filter(poll=poll).values_list("lookup", "sealed"))
    ballots = []
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
    secrets.SystemRandom().shuffle(ballots)
    # A ballot stored openly before sealing existed is replaced by its voter's later one.
    Ballot.objects.filter(poll=poll, voter_key__in=[b.voter_key for b in ballots]).delete()
    Ballot.objects.bulk_create(ballots, batch_size=500)
    PendingBallot.objects.filter(poll=poll).delete()


def _broadcast_turnout(poll: Poll) -> None:
    counts = selectors.turnout(poll)
    broadcast(
        poll.group,
        events.turnout_changed(
            {"poll": poll.pk, "voted": counts.voted, "eligible": counts.eligible}
        ),
    )


def clean_choice(poll: Poll, options: Sequence[Option], choice: Any) -> Any:
    """The canonical stored content of a ballot, or VotingError saying what is wrong.

    Shapes (option keys are "1", "2", ...): yes/no {key: "yes"|"no"|"abstain"} for every
    decision point; approval and budgets [key, ...]; ranked [key, ...] best first, may stop
    early; score and majority judgment {key: 0..5}; dot {key: points}.
    """
    keys = [option.key for option in options]
    known = set(keys)
    method = poll.method
    if method == Method.YES_NO:
        if not isinstance(choice, Mapping):
            raise VotingError(_("Kies bij elk punt voor, tegen of onthouding."))
        _check_known(choice.keys(), known)
        answers = {key: choice.get(key) for key in keys}
        if any(answer not in YES_NO_ANSWERS for answer in answers.values()):
            raise VotingError(_("Kies bij elk punt voor, tegen of onthouding."))
        return answers
    if method in GRADED_METHODS or method == Method.DOT:
        if not isinstance(choice, Mapping):
            raise VotingError(_("Deze stem is niet leesbaar. Vul het formulier opnieuw in."))
        _check_known(choice.keys(), known)
        values: dict[str, int] = {}
        for key in keys:
            raw = choice.get(key, 0)
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise VotingError(_("Gebruik alleen hele getallen."))
            values[key] = raw
        if method in GRADED_METHODS:
            if any(not 0 <= value <= MAX_GRADE for value in values.values()):
                raise VotingError(_("Een cijfer ligt tussen 0 en 5."))
            return values
        if any(value < 0 for value in values.values()):
            raise VotingError(_("Punten kunnen niet negatief zijn."))
        total = sum(values.values())
        if poll.points is not None and total > poll.points:
            raise VotingError(
                _("U verdeelt %(total)s punten, maar u hebt er %(points)s.")
                % {"total": total, "points": poll.points}
            )
        if total == 0:
            raise VotingError(_("Verdeel ten minste één punt."))
        return {key: value for key, value in values.items() if value}
    if not isinstance(choice, Sequence) or isinstance(choice, str):
        raise VotingError(_("Deze stem is niet leesbaar. Vul het formulier opnieuw in."))
    picked = [str(item) for item in choice]
    _check_known(picked, known)
    if len(set(picked)) != len(picked):
        if method in RANKED_METHODS:
            raise VotingError(_("U hebt een optie twee keer in uw rangorde gezet."))
        raise VotingError(_("U hebt een optie twee keer gekozen."))
    least = max(poll.min_choices, 1 if method in RANKED_METHODS else 0)
    if len(picked) < least:
        raise VotingError(_("Kies ten minste %(count)s optie(s).") % {"count": least})
    if poll.max_choices is not None and len(picked) > poll.max_choices:
        raise VotingError(_("Kies hoogstens %(count)s optie(s).") % {"count": poll.max_choices})
    if method in BUDGET_METHODS:
        costs = {option.key: option.cost or 0 for option in options}
        total = sum(costs[key] for key in picked)
        if poll.budget is not None and total > poll.budget:
            raise VotingError(
                _("Uw keuze kost € %(total)s, meer dan het budget van € %(budget)s.")
                % {
                    "total": f"{total:,}".replace(",", "."),
                    "budget": f"{poll.budget:,}".replace(",", "."),
                }
            )
        return sorted(picked, key=int)
    if method == Method.APPROVAL:
        return sorted(picked, key=int)
    return picked


def _check_known(keys: Iterable[Any], known: set[str]) -> None:
    if any(str(key) not in known for key in keys):
        raise VotingError(_("Deze stem noemt een optie die niet bij de stemming hoort."))


# ---------------------------------------------------------------------------------------
# Counting and publishing
# ---------------------------------------------------------------------------------------


def _threshold(poll: Poll) -> tuple[Fraction, bool]:
    if poll.majority_rule == Poll.MajorityRule.TWO_THIRDS:
        return Fraction(2, 3), True
    return Fraction(1, 2), False


def count(poll: Poll, options: Sequence[Option], contents: Sequence[Any]) -> dict[str, Any]:
    """The stored result of counting ``contents`` (as JSON), with its explanation lines."""
    keys = [option.key for option in options]
    seed, seats, method = poll.seed, poll.seats, poll.method
    if method == Method.YES_NO:
        threshold, inclusive = _threshold(poll)
        points: dict[str, Any] = {}
        explanation: list[str] = []
        for option in options:
            point = tally.yes_no(
                [content[option.key] for content in contents],
                threshold=threshold,
                inclusive=inclusive,
            )
            points[option.key] = point.to_dict()
            explanation += [f"{option.key}. {option.title}"] + point.explain()
        winners = [key for key in keys if points[key]["passed"]]
        return {
            "method": "yes_no",
            "candidates": keys,
            "winners": winners,
            "ranking": None,
            "seed": seed,
            "points": points,
            "explanation": explanation,
        }
    outcome: tally.Outcome
    if method == Method.APPROVAL:
        outcome = tally.approval(keys, [set(c) for c in contents], seats=seats, seed=seed)
    elif method == Method.IRV:
        outcome = tally.irv(keys, [tuple(c) for c in contents], seed=seed)
    elif method == Method.STV:
        outcome = tally.stv(keys, [tuple(c) for c in contents], seats=seats, seed=seed)
    elif method == Method.SCHULZE:
        outcome = tally.schulze(keys, [tuple(c) for c in contents], seats=seats, seed=seed)
    elif method == Method.BORDA:
        outcome = tally.borda(keys, [tuple(c) for c in contents], seats=seats, seed=seed)
    elif method == Method.COPELAND:
        outcome = tally.copeland(keys, [tuple(c) for c in contents], seats=seats, seed=seed)
    elif method == Method.SCORE:
        outcome = tally.score(keys, contents, low=0, high=MAX_GRADE, seats=seats, seed=seed)
    elif method == Method.MAJORITY_JUDGMENT:
        outcome = tally.majority_judgment(
            keys, contents, grades=selectors.GRADE_LABELS, seats=seats, seed=seed
        )
    elif method == Method.DOT:
        outcome = tally.dot_voting(keys, contents, seats=seats, seed=seed)
    else:
        costs = {option.key: option.cost or 0 for option in options}
        approvals = [set(c) for c in contents]
        budget = poll.budget or 0
        if method == Method.BUDGET_GREEDY:
            outcome = tally.greedy_budget(costs, budget, approvals, seed=seed)
        else:
            outcome = tally.method_of_equal_shares(costs, budget, approvals, seed=seed)
    data = outcome.to_dict()
    data["explanation"] = outcome.explain()
    return data


@dataclass(frozen=True)
class Published:
    file_name: str
    file_text: str
    tracker_file_name: str
    tracker_file_text: str


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _file_ballot(poll: Poll, content: Any) -> formats.Ballot:
    if poll.method in RANKED_METHODS:
        return tuple(content)
    if poll.method == Method.APPROVAL or poll.method in BUDGET_METHODS:
        return frozenset(content)
    if poll.method == Method.YES_NO:
        return tuple(sorted((key, YES_NO_POINTS[answer]) for key, answer in content.items()))
    return tuple(sorted(content.items()))


def published_files(
    poll: Poll, options: Sequence[Option], stored: Sequence[tuple[str, Any, str]], now: datetime
) -> Published:
    """The anonymised ballot file (PrefLib, Pabulib or, for points, the tracker list) and
    the tracker list, each shuffled with the poll's unpublished secret. No voter, no time
    per ballot; the publication date is the closing day."""
    candidates = {option.key: option.title for option in options}
    name = f"samenspel-poll-{poll.pk}"
    day = timezone.localdate(now).isoformat()
    title = poll.title
    if poll.method == Method.YES_NO:
        title = f"{poll.title} (2 = voor, 1 = tegen, 0 = onthouding)"
    receipts = formats.shuffled(
        [(tracker, _file_ballot(poll, content)) for tracker, content, _source in stored],
        f"{poll.secret}:trackers",
    )
    ballots = formats.shuffled(
        [_file_ballot(poll, content) for _tracker, content, _source in stored],
        f"{poll.secret}:ballots",
    )
    if poll.method in RANKED_METHODS or poll.method == Method.APPROVAL:
        data_type, vote_type = ("soi", "ordinal") if poll.is_ranked else ("cat", "approval")
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
    elif poll.is_budget:
        file_name = f"{name}.pb"
        costs = {option.key: option.cost or 0 for option in options}
        file_text = formats.pabulib_text(
            meta={
                "description": title,
                "country": "Netherlands",
                "unit": "Diemen",
                "instance": day,
                "budget": str(poll.budget),
                "rule": "greedy" if poll.method == Method.BUDGET_GREEDY else "equalshares",
                "date_end": day,
            },
            projects={key: (candidates[key], costs[key]) for key in candidates},
            ballots=ballots,  # type: ignore[arg-type]
            vote_type="approval",
        )
        election = formats.Election("pb", "approval", candidates, (), title, poll.budget, costs)
    else:
        vote_type = "cumulative" if poll.method == Method.DOT else "scoring"
        election = formats.Election("points", vote_type, candidates, (), title)
        file_name = f"{name}.json"
        file_text = formats.tracker_list_text(election, receipts)
    tracker_text = formats.tracker_list_text(election, receipts)
    return Published(
        file_name=file_name,
        file_text=file_text,
        tracker_file_name=f"{name}-trackers.json",
        tracker_file_text=tracker_text,
    )
