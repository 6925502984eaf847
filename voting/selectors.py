"""Reads of voting: turnout, stored ballots as plain data, result rows for pages and charts."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext, gettext_noop, ngettext

from samenspel.models import Neighbourhood, Role, User

from . import electorates, formats, methods, rules, sealing
from .models import Ballot, Eligibility, Option, PendingBallot, Poll, ReplacedReceipt

# Stored and published in Dutch (the published files are the record); shown translated.
GRADE_LABELS = methods.GRADE_LABELS
YES_NO_LABELS = {"yes": gettext_noop("Voor"), "no": gettext_noop("Tegen"), "abstain": gettext_noop("Onthouding")}


@dataclass(frozen=True)
class Turnout:
    voted: int
    eligible: int


def voter_key(poll: Poll, participant_id: int) -> str:
    """HMAC(SECRET_KEY, poll + participant): finds a voter's ballot for a re-vote. Anyone
    with SECRET_KEY can recompute it; the published files never contain it."""
    message = f"voting.ballot:{poll.pk}:{participant_id}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def pending_keys(poll: Poll, participant_id: int) -> list[str]:
    """HMAC(SECRET_KEY, poll + participant) naming a voter's sealed ballot while the poll is
    open, then the same under each of SECRET_KEY_FALLBACKS, so a ballot sealed before a key
    change is still found and replaced. Unlike ``voter_key`` it is never stored on a ballot,
    so the two cannot be joined."""
    message = f"voting.pending:{poll.pk}:{participant_id}".encode()
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [hmac.new(str(s).encode(), message, hashlib.sha256).hexdigest() for s in secrets]


def pending_key(poll: Poll, participant_id: int) -> str:
    """The name of a ballot sealed now (under the current SECRET_KEY)."""
    return pending_keys(poll, participant_id)[0]


def pending_ballot(poll: Poll, participant_id: int) -> tuple[Any, str, bytes] | None:
    """(id, lookup, sealed) of this participant's sealed ballot, if any."""
    row = (
        PendingBallot.objects.filter(poll=poll, lookup__in=pending_keys(poll, participant_id))
        .values_list("pk", "lookup", "sealed")
        .first()
    )
    return None if row is None else (row[0], row[1], bytes(row[2]))


def turnout(poll: Poll) -> Turnout:
    counts = Eligibility.objects.filter(poll=poll).aggregate(
        eligible=Count("pk"), voted=Count("pk", filter=Q(has_voted=True))
    )
    return Turnout(voted=counts["voted"], eligible=counts["eligible"])


def shown_turnout(poll: Poll, voted: int) -> int | None:
    """How many voted, as the poll's public views show it: None while the poll is open if it
    shows its turnout only at closing (``live_turnout`` off)."""
    if poll.status == Poll.Status.OPEN and not poll.live_turnout:
        return None
    return voted


def poll_options(poll: Poll) -> list[Option]:
    return list(poll.options.order_by("position"))


def poll_with_options(pk: int) -> tuple[Poll, list[Option]] | None:
    """A poll and its options in one query (every poll has at least one option), for the
    ballot post, which a thousand voters may send at once."""
    options = list(Option.objects.filter(poll=pk).select_related("poll").order_by("position"))
    return (options[0].poll, options) if options else None


def ballot_contents(poll: Poll) -> list[tuple[str, Any, str]]:
    """(tracker, content, source) of every counted ballot, in tracker order: an order that
    says nothing about when or by whom a ballot was cast."""
    return list(
        Ballot.objects.filter(poll=poll)
        .order_by("tracker")
        .values_list("tracker", "content", "source")
    )


def own_tracker(poll: Poll, participant_id: int) -> str | None:
    """The receipt of this participant's counted ballot, if any: from their sealed ballot
    while the poll is open, from the stored ballot once it is closed."""
    pending = pending_ballot(poll, participant_id)
    if pending is not None:
        _id, lookup, sealed = pending
        data = sealing.unseal(poll_id=poll.pk, lookup=lookup, sealed=sealed)
        return formats.tracker_code(poll.secret.encode(), data["id"])
    return (
        Ballot.objects.filter(poll=poll, voter_key=voter_key(poll, participant_id))
        .values_list("tracker", flat=True)
        .first()
    )


def within(polls: QuerySet[Poll], scope: str) -> QuerySet[Poll]:
    """Polls of one context and everything under it: 'summit:burgertop-2026' takes in
    'summit:burgertop-2026/step:4'."""
    if not scope:
        return polls
    return polls.filter(Q(context=scope) | Q(context__startswith=f"{scope}/"))


def open_polls_for(user: Any, scope: str = "") -> QuerySet[Poll]:
    """Open polls the user may vote in (optionally only those under ``scope``)."""
    polls = Poll.objects.filter(status=Poll.Status.OPEN, eligibilities__participant=user)
    return within(polls, scope).order_by("-opened_at", "-pk")


def closed_polls() -> QuerySet[Poll]:
    return Poll.objects.filter(status=Poll.Status.CLOSED).order_by("-closed_at", "-pk")


def _number(value: Any) -> str:
    """Outcome numbers come as ints or 'p/q' strings; show them with two decimals."""
    if isinstance(value, str) and "/" in value:
        return f"{float(Fraction(value)):.2f}".replace(".", ",")
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    return str(value)


def result_rows(
    poll: Poll, outcome: dict[str, Any], options: list[Option] | None = None
) -> list[dict[str, Any]]:
    """One row per option for the results table (and its chart): the number that decided,
    as text and as a number for the chart, and whether the option won. ``options`` (in
    position order) saves the query where a page reads many polls' options at once."""
    options = poll_options(poll) if options is None else options
    winners = set(outcome.get("winners", []))
    rows: list[dict[str, Any]] = []
    kind = poll.voting_method
    if kind.shape is methods.YES_NO:
        for option in options:
            point = outcome["points"][option.key]
            rows.append(
                {
                    "key": option.key,
                    "title": option.title,
                    "yes": point["yes"],
                    "no": point["no"],
                    "abstain": point["abstain"],
                    "value": point["yes"],
                    "text": gettext("%(yes)s voor, %(no)s tegen, %(abstain)s onthouding")
                    % {"yes": point["yes"], "no": point["no"], "abstain": point["abstain"]},
                    "winner": bool(point["passed"]),
                }
            )
        return rows
    values = kind.result_values(outcome)
    order = {key: index for index, key in enumerate(outcome.get("ranking") or [])}
    for option in options:
        raw = values.get(option.key, 0)
        number = float(Fraction(raw)) if isinstance(raw, str) else raw
        text = _number(raw)
        if kind.grade_labels:
            text = gettext(kind.grade_labels[int(raw)])
        rows.append(
            {
                "key": option.key,
                "title": option.title,
                "cost": option.cost,
                "value": number,
                "text": text,
                "winner": option.key in winners,
                "place": order.get(option.key),
            }
        )
    if order:
        rows.sort(key=lambda row: (row["place"] is None, row["place"] or 0))
    else:
        rows.sort(key=lambda row: (not row["winner"], -row["value"]))
    return rows


def value_label(poll: Poll) -> str:
    """What the number in the results table means (translated)."""
    return gettext(poll.voting_method.value_label)


def cast_choice(poll: Poll, options: list[Option], content: Any) -> dict[str, Any]:
    """A stored ballot as its voter reads it back: for a ranking the places in order and the
    options left out; otherwise each option the ballot gives something, with what it gives
    ('' for a ticked option). Only for the voter's own eyes, right after casting or from
    their receipt after closing; never stored with the voter (docs/voting.md)."""
    shape = poll.voting_method.shape
    if shape is methods.RANKING:
        titles = {option.key: option.title for option in options}
        return {
            "ranking": [titles[key] for key in content if key in titles],
            "left_out": [option.title for option in options if option.key not in content],
            "rows": [],
            "total": None,
        }
    rows: list[dict[str, Any]] = []
    for option in options:
        if option.key not in content:
            continue
        value: Any = content[option.key] if isinstance(content, dict) else None
        if shape is methods.YES_NO:
            given = gettext(YES_NO_LABELS[value])
        elif shape is methods.GRADES:
            labels = poll.voting_method.grade_labels
            given = gettext(labels[value]) if labels else str(value)
        elif shape is methods.POINTS:
            given = ngettext("%(count)s punt", "%(count)s punten", value) % {"count": value}
        else:
            given = ""
        rows.append({"title": option.title, "given": given, "cost": option.cost or 0})
    total = sum(row["cost"] for row in rows) if poll.voting_method.needs_budget else None
    for row in rows:
        row["cost"] = _euro(row["cost"])
    return {"ranking": [], "left_out": [], "rows": rows, "total": _euro(total)}


def _euro(amount: int | None) -> str | None:
    """Whole euros in Dutch notation (150.000), or None."""
    return None if amount is None else f"{amount:,}".replace(",", ".")


@dataclass(frozen=True)
class ReceiptLookup:
    """What a receipt says when looked up: ``status`` is 'open' (the poll has not closed),
    'counted', 'replaced' (a later ballot of the same voter counts instead), 'unknown'
    or 'malformed'; ``content`` only for 'counted', as the published tracker list has it."""

    code: str
    status: str
    content: Any = None


RECEIPT_SHAPE = re.compile(r"^[A-Z2-9]{12}$")


def receipt_lookup(poll: Poll, typed: str) -> ReceiptLookup:
    """Find a receipt in a closed poll's counted ballots, or among the receipts that later
    ballots replaced. Spaces, dashes and lower case in what was typed do not matter."""
    bare = re.sub(r"[\s-]", "", typed).upper()
    code = f"{bare[:4]}-{bare[4:8]}-{bare[8:]}" if RECEIPT_SHAPE.match(bare) else typed.strip()
    if not RECEIPT_SHAPE.match(bare):
        return ReceiptLookup(code=code, status="malformed")
    if poll.status != Poll.Status.CLOSED:
        return ReceiptLookup(code=code, status="open")
    content = Ballot.objects.filter(poll=poll, tracker=code).values_list("content", flat=True)
    found = list(content)
    if found:
        return ReceiptLookup(code=code, status="counted", content=found[0])
    if ReplacedReceipt.objects.filter(poll=poll, tracker=code).exists():
        return ReceiptLookup(code=code, status="replaced")
    return ReceiptLookup(code=code, status="unknown")


PAPER_PICKER_LIMIT = 40


def paper_ballot_waiting(
    poll: Poll, by: Any, search: str = "", limit: int = PAPER_PICKER_LIMIT
) -> tuple[list[Eligibility], int]:
    """The participants ``by`` may enter a paper ballot for who have not voted (a table
    host: those seated at their table), whose name or user name holds ``search``; at most
    ``limit`` of them by name, and how many there are in all."""
    waiting = Eligibility.objects.filter(poll=poll, has_voted=False)
    allowed = rules.paper_ballot_voters(by, poll)
    if allowed is not None:
        waiting = waiting.filter(participant__in=list(allowed))
    search = search.strip()
    if search:
        waiting = waiting.filter(
            Q(participant__display_name__icontains=search)
            | Q(participant__first_name__icontains=search)
            | Q(participant__last_name__icontains=search)
            | Q(participant__username__icontains=search)
        )
    found = list(
        waiting.select_related("participant").order_by(
            "participant__display_name", "participant__username"
        )[:limit]
    )
    total = len(found) if len(found) < limit else waiting.count()
    return found, total


# ---------------------------------------------------------------------------------------
# Who may vote: all residents, or the residents of one wijk or buurt (docs/voting.md)
# ---------------------------------------------------------------------------------------


def _residents() -> QuerySet[User]:
    """People who hold the resident role everywhere (not only in one summit's scope)."""
    return User.objects.filter(
        is_active=True, role_grants__role=Role.RESIDENT, role_grants__scope=""
    ).distinct()


def electorate(poll: Poll) -> QuerySet[User]:
    """The residents a poll for all residents or for one neighbourhood is for, now; a wijk
    takes in its buurten; the members of another app's group (``voting/electorates.py``).
    Empty for a poll with a list (its caller names the voters)."""
    if poll.electorate == Poll.Electorate.ALL:
        return _residents()
    if poll.electorate == Poll.Electorate.NEIGHBOURHOOD and poll.neighbourhood_id:
        return _residents().filter(
            Q(neighbourhood_id=poll.neighbourhood_id)
            | Q(neighbourhood__parent_id=poll.neighbourhood_id)
        )
    source = electorates.source_of(poll.electorate_source)
    if poll.electorate == Poll.Electorate.SOURCE and source is not None:
        # The group's members as they are now (at opening), active accounts only.
        return source.members(poll.electorate_source).filter(is_active=True)
    return User.objects.none()


def open_polls_to_join(user: Any) -> QuerySet[Poll]:
    """Open polls for all residents or for the user's neighbourhood that the user may vote
    in but has no mark for yet: they registered or moved in after the poll opened."""
    if not getattr(user, "is_authenticated", False) or not _residents().filter(pk=user.pk).exists():
        return Poll.objects.none()
    places = [pk for pk in (user.neighbourhood_id, _parent_of(user.neighbourhood_id)) if pk]
    return (
        Poll.objects.filter(status=Poll.Status.OPEN)
        .filter(
            Q(electorate=Poll.Electorate.ALL)
            | Q(electorate=Poll.Electorate.NEIGHBOURHOOD, neighbourhood_id__in=places)
        )
        .exclude(eligibilities__participant=user)
    )


def _parent_of(neighbourhood_id: int | None) -> int | None:
    if neighbourhood_id is None:
        return None
    return Neighbourhood.objects.filter(pk=neighbourhood_id).values_list("parent_id", flat=True).first()


def open_polls_elsewhere(user: Any) -> list[Poll]:
    """Open polls for one neighbourhood or all residents that this user may not vote in,
    so the poll list can say why (another neighbourhood, or not registered as a resident)."""
    polls = Poll.objects.filter(status=Poll.Status.OPEN).exclude(electorate=Poll.Electorate.LIST)
    if getattr(user, "is_authenticated", False):
        polls = polls.exclude(eligibilities__participant=user)
    return list(polls.select_related("neighbourhood").order_by("-opened_at", "-pk")[:20])


def polls_for_a_list(user: Any) -> list[Poll]:
    """The draft polls for a list of names that ``user`` may give voters, newest first (a
    summit's workspace offers them for its participants)."""
    drafts = Poll.objects.filter(
        status=Poll.Status.DRAFT, electorate=Poll.Electorate.LIST, context=""
    ).order_by("-created_at", "-pk")
    return [poll for poll in drafts if rules.can_manage_poll(user, poll)]
