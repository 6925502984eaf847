"""Residents' reports of content (an idea, a nota's comment): the shared shape of a report,
its reasons, and how the moderation queue sums them up. Each app that takes reports keeps
its own table (a subclass with a foreign key to the process and one to the content),
written by its own services.

Moderators see how many reports an item has, the reasons and when, never who reported:
a resident who reports a neighbour's words should not have to fear being named, and the
moderator judges the content, not the reporter. Who reported is stored only so that one
person counts once per item and cannot flood the queue."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

NOTE_MAX_LENGTH = 280
# A person's reports per process in an hour: enough for a hostile evening, too few to flood.
REPORTS_PER_HOUR = 20
RATE_WINDOW = timedelta(hours=1)
# Dismissed reports stay in the queue this long, with an undo, then leave it.
DISMISSED_SHOWN = timedelta(days=7)


class ReportReason(models.TextChoices):
    OFFENSIVE = "offensive", _("Beledigend of kwetsend")
    PERSONAL = "personal", _("Noemt iemand of persoonlijke gegevens")
    SPAM = "spam", _("Reclame of onzin")
    OTHER = "other", _("Iets anders")


class ContentReport(models.Model):
    """One person's report of one piece of content: a reason from the list, an optional
    note, when; and, once a moderator dismissed it, when and by whom."""

    reason = models.CharField(max_length=10, choices=ReportReason.choices)
    note = models.CharField(max_length=NOTE_MAX_LENGTH, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True
        ordering = ["-at", "-pk"]


class ReportRefused(ValueError):
    """A report that was not stored; ``str(error)`` is the message to show (translated)."""


def report_input(reason: Any, note: Any) -> tuple[str, str]:
    """The reason (one of ``ReportReason``) and the note (at most 280 characters, spaces
    folded), or ``ReportRefused`` with what to fix."""
    if reason not in ReportReason.values:
        raise ReportRefused(gettext("Kies waarom u dit meldt."))
    note = " ".join(str(note or "").split())
    if len(note) > NOTE_MAX_LENGTH:
        raise ReportRefused(
            gettext("Een toelichting is hoogstens %(limit)s tekens lang.")
            % {"limit": NOTE_MAX_LENGTH}
        )
    return str(reason), note


def too_many_refusal() -> str:
    return gettext("U heeft het afgelopen uur al veel gemeld. Probeer het later opnieuw.")


@dataclass(frozen=True)
class ReportSummary:
    """What the queue shows of an item's reports: how many, the reasons with their count,
    the notes, the first and the last report; ``open`` False when all were dismissed."""

    count: int
    reasons: list[tuple[str, int]]
    notes: list[str]
    first_at: datetime
    last_at: datetime
    open: bool
    dismissed_at: datetime | None


def summarise(rows: Iterable[tuple[str, str, datetime, datetime | None]]) -> ReportSummary:
    """One item's reports as ``(reason, note, at, dismissed_at)`` rows: the open ones when
    there are any, else the last dismissed batch."""
    rows = list(rows)
    open_rows = [row for row in rows if row[3] is None]
    dismissed_at = None
    if not open_rows:
        dismissed_at = max(row[3] for row in rows if row[3] is not None)
        open_rows = [row for row in rows if row[3] == dismissed_at]
    labels = dict(ReportReason.choices)
    counted = Counter(row[0] for row in open_rows)
    return ReportSummary(
        count=len(open_rows),
        reasons=[(str(labels.get(reason, reason)), n) for reason, n in counted.most_common()],
        notes=[row[1] for row in open_rows if row[1]],
        first_at=min(row[2] for row in open_rows),
        last_at=max(row[2] for row in open_rows),
        open=dismissed_at is None,
        dismissed_at=dismissed_at,
    )
