"""Reads of voting: turnout, stored ballots as plain data, result rows for pages and charts."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext, gettext_noop

from . import formats, methods, sealing
from .models import Ballot, Eligibility, Option, PendingBallot, Poll

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


def result_rows(poll: Poll, outcome: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per option for the results table (and its chart): the number that decided,
    as text and as a number for the chart, and whether the option won."""
    options = poll_options(poll)
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
