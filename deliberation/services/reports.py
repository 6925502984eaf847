"""Residents' reports of ideas, and what moderators do with them in the queue: hide the idea
(as the theme team's ``idea.hide`` does, in any step) or dismiss the reports, and undo that.
Reporters are never named to moderators (``samenspel/reports.py`` says why)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError
from django.db.models import Max
from django.utils.translation import gettext as _

from samenspel.models import User
from samenspel.reports import (
    RATE_WINDOW,
    REPORTS_PER_HOUR,
    ReportRefused,
    report_input,
    too_many_refusal,
)

from .. import events, rules
from ..models import Idea, IdeaModeration, IdeaReport, Summit
from .context import CommandRefused, atomic, emit, locked
from .ideas import _record, _set_status, moderation_reason

CLOSED = {Summit.Status.CLOSED, Summit.Status.ARCHIVED}


def _summit_of(idea_id: int) -> Summit:
    summit = Summit.objects.filter(ideas__pk=idea_id).first()
    if summit is None:
        raise CommandRefused("not_found", _("Dit idee bestaat niet (meer)."))
    return summit


def idea_report(*, idea_id: int, by: User, reason: Any, note: Any, now: datetime) -> bool:
    """``by`` reports a visible idea of someone else in a summit where they take part, with
    a reason from the list and an optional note. False when they had reported it before
    (nothing is added); refused after the summit closed and past 20 reports in an hour."""
    try:
        reason, note = report_input(reason, note)
    except ReportRefused as refusal:
        raise CommandRefused("invalid", str(refusal)) from refusal
    summit = _summit_of(idea_id)
    with atomic():
        summit = locked(summit)
        if not rules.can_report_ideas(rules.summit_roles(by, summit)):
            raise CommandRefused(
                "forbidden", _("Alleen wie meedoet aan deze burgertop kan een idee melden.")
            )
        if summit.status in CLOSED:
            raise CommandRefused(
                "summit_closed", _("Deze burgertop is gesloten: melden kan niet meer.")
            )
        idea = Idea.objects.get(pk=idea_id)
        if idea.author_id == by.pk:
            raise CommandRefused("own_idea", _("Uw eigen idee kunt u niet melden."))
        if idea.status != Idea.Status.VISIBLE:
            raise CommandRefused(
                "not_found", _("Dit idee staat niet (meer) op de schermen; melden is niet nodig.")
            )
        if IdeaReport.objects.filter(idea=idea, by=by).exists():
            return False
        recent = IdeaReport.objects.filter(summit=summit, by=by, at__gte=now - RATE_WINDOW)
        if recent.count() >= REPORTS_PER_HOUR:
            raise CommandRefused("rate_limited", too_many_refusal())
        try:
            with atomic():
                IdeaReport.objects.create(
                    summit=summit, idea=idea, by=by, reason=reason, note=note, at=now
                )
        except IntegrityError:  # the same person's report, sent twice at once
            return False
        return True


def _moderated(idea_id: int, by: User) -> Summit:
    """The idea's summit, locked, when ``by`` may moderate it and it is not closed."""
    summit = locked(_summit_of(idea_id))
    if not rules.can_moderate_ideas(rules.summit_roles(by, summit)):
        raise CommandRefused("forbidden", _("U mag de ideeën van deze burgertop niet modereren."))
    if summit.status in CLOSED:
        raise CommandRefused(
            "summit_closed",
            _("Deze burgertop is gesloten: wat gemeld of verborgen is, blijft zo."),
        )
    return summit


def idea_moderation_hide(*, idea_id: int, by: User, reason: Any, now: datetime) -> bool:
    """The queue's 'Verbergen' for a reported idea: off every screen, with a reason, in any
    step (the theme team's live ``idea.hide`` only during idea steps). False when it was not
    visible (hidden, withdrawn or merged already)."""
    reason = moderation_reason(reason)
    with atomic():
        summit = _moderated(idea_id, by)
        idea = Idea.objects.select_for_update(of=("self",)).get(pk=idea_id)
        if idea.status != Idea.Status.VISIBLE:
            return False
        _set_status(idea, Idea.Status.HIDDEN, now)
        _record(summit, idea, IdeaModeration.Action.HIDE, by, now, reason)
        emit(summit, events.idea_hidden, {"id": idea.pk})
        return True


def idea_reports_dismiss(*, idea_id: int, by: User, now: datetime) -> int:
    """The queue's 'Meldingen afwijzen': the idea stays; its open reports are set aside
    (who and when are kept). Returns how many; 0 when there were none open."""
    with atomic():
        _moderated(idea_id, by)
        return IdeaReport.objects.filter(idea_id=idea_id, dismissed_at__isnull=True).update(
            dismissed_at=now, dismissed_by=by
        )


def idea_reports_dismiss_undo(*, idea_id: int, by: User, now: datetime) -> int:
    """Undo the last dismissal: those reports are open again. Returns how many; 0 when
    nothing was dismissed or reports are open already."""
    with atomic():
        _moderated(idea_id, by)
        reports = IdeaReport.objects.filter(idea_id=idea_id)
        if reports.filter(dismissed_at__isnull=True).exists():
            return 0
        last = reports.aggregate(last=Max("dismissed_at"))["last"]
        if last is None:
            return 0
        return reports.filter(dismissed_at=last).update(dismissed_at=None, dismissed_by=None)
