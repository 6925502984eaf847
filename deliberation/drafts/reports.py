"""Readers' reports of a nota's comments and replies, and what moderators do with them in
the queue: hide the comment (``services.comment_hide``) or dismiss the reports, and undo
that. Reporters are never named to moderators (``samenspel/reports.py`` says why)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
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

from . import rules
from .models import Comment, CommentReport, Draft
from .services import DraftError


def _comment(comment_id: int) -> Comment:
    comment = (
        Comment.objects.select_for_update(of=("self",))
        .select_related("version__draft")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        raise DraftError(_("Deze reactie bestaat niet (meer)."))
    return comment


def comment_report(*, comment_id: int, by: User, reason: Any, note: Any, now: datetime) -> bool:
    """``by`` reports someone else's visible comment or reply, with a reason from the list
    and an optional note. False when they had reported it before (nothing is added);
    refused once the nota went to the council or its reaction period ended, and past 20
    reports in an hour."""
    try:
        reason, note = report_input(reason, note)
    except ReportRefused as refusal:
        raise DraftError(str(refusal)) from refusal
    with transaction.atomic():
        comment = _comment(comment_id)
        draft = comment.version.draft
        if not rules.can_report(by, draft):
            raise PermissionError(_("Log in om een reactie te melden."))
        if draft.sent_to_council_at is not None:
            raise DraftError(_("Deze nota is naar de raad gestuurd: melden kan niet meer."))
        period = rules.reaction_refusal(draft, now)
        if period is not None:
            raise DraftError(period + " " + _("Melden kan dan ook niet meer."))
        if comment.author_id == by.pk:
            raise DraftError(_("Uw eigen reactie kunt u niet melden."))
        if comment.hidden_at is not None:
            raise DraftError(_("Deze reactie is al verborgen; melden is niet nodig."))
        if CommentReport.objects.filter(comment=comment, by=by).exists():
            return False
        recent = CommentReport.objects.filter(draft=draft, by=by, at__gte=now - RATE_WINDOW)
        if recent.count() >= REPORTS_PER_HOUR:
            raise DraftError(too_many_refusal())
        try:
            with transaction.atomic():
                CommentReport.objects.create(
                    draft=draft, comment=comment, by=by, reason=reason, note=note, at=now
                )
        except IntegrityError:  # the same person's report, sent twice at once
            return False
        return True


def _moderated(comment_id: int, by: User) -> Draft:
    draft = _comment(comment_id).version.draft
    if not rules.can_moderate(by, draft):
        raise PermissionError(_("U mag de reacties op deze nota niet modereren."))
    if draft.sent_to_council_at is not None:
        raise DraftError(
            _("Deze nota is naar de raad gestuurd: de reacties blijven zoals ze waren.")
        )
    return draft


def comment_reports_dismiss(*, comment_id: int, by: User, now: datetime) -> int:
    """The queue's 'Meldingen afwijzen': the comment stays; its open reports are set aside
    (who and when are kept). Returns how many; 0 when there were none open."""
    with transaction.atomic():
        _moderated(comment_id, by)
        return CommentReport.objects.filter(
            comment_id=comment_id, dismissed_at__isnull=True
        ).update(dismissed_at=now, dismissed_by=by)


def comment_reports_dismiss_undo(*, comment_id: int, by: User, now: datetime) -> int:
    """Undo the last dismissal: those reports are open again. Returns how many; 0 when
    nothing was dismissed or reports are open already."""
    with transaction.atomic():
        _moderated(comment_id, by)
        reports = CommentReport.objects.filter(comment_id=comment_id)
        if reports.filter(dismissed_at__isnull=True).exists():
            return 0
        last = reports.aggregate(last=Max("dismissed_at"))["last"]
        if last is None:
            return 0
        return reports.filter(dismissed_at=last).update(dismissed_at=None, dismissed_by=None)
