"""A nota's hidden and reported comments in the moderation queue (``/werkruimte/moderatie/``),
and the POSTs behind it: an editor hides a comment with a reason on the nota's page or in
the queue, and the queue's undo puts it back; a reader reports a comment; a moderator
dismisses its reports, and undoes that. Thin: each calls one service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samenspel.reports import DISMISSED_SHOWN, summarise

from . import reports, rules, services
from .models import Comment, CommentModeration, CommentReport, Draft


def moderation_items(request: HttpRequest) -> list[dict[str, Any]]:
    """The hidden and the reported comments and replies of the notas this person moderates
    (``rules.can_moderate``): a hidden one with the last hide's reason, who hid it and when;
    a reported one with how many reports, their reasons and when (never who reported).
    Plain rows, not model objects: a queue holds thousands."""
    if not request.user.is_authenticated:
        return []
    now = timezone.now()
    reports: dict[int, list[tuple[str, str, Any, Any]]] = {}
    # Open reports and those dismissed lately: an older dismissal has left the queue.
    shown = Q(dismissed_at__isnull=True) | Q(dismissed_at__gte=now - DISMISSED_SHOWN)
    for comment_id, *row in CommentReport.objects.filter(shown).values_list(
        "comment_id", "reason", "note", "at", "dismissed_at"
    ):
        reports.setdefault(comment_id, []).append(tuple(row))  # type: ignore[arg-type]
    summaries = {comment_id: summarise(rows) for comment_id, rows in reports.items()}
    comments = list(
        Comment.objects.filter(Q(hidden_at__isnull=False) | Q(pk__in=list(summaries))).values_list(
            "pk", "parent_id", "body", "hidden_at", "version__draft_id"
        )
    )
    drafts = {
        draft.pk: draft
        for draft in Draft.objects.filter(pk__in={row[4] for row in comments}).only(
            "pk", "slug", "title", "sent_to_council_at"
        )
        if rules.can_moderate(request.user, draft)  # type: ignore[arg-type]
    }
    if not drafts:
        return []
    hides = (
        CommentModeration.objects.filter(
            action=CommentModeration.Action.HIDE,
            comment__hidden_at__isnull=False,
            draft_id__in=list(drafts),
        )
        .order_by("comment_id", "-at", "-pk")
        .values_list(
            "comment_id", "reason", "at", "by__display_name", "by__first_name", "by__username"
        )
    )
    last: dict[int, tuple[str, Any, str]] = {}
    for comment_id, reason, at, *names in hides:
        last.setdefault(comment_id, (reason, at, next((name for name in names if name), "")))
    # Translated once; each item's URLs are made only if the queue shows it.
    comment_kind, reply_kind = _("Reactie"), _("Antwoord")
    hidden, reported, dismissed = _("Verborgen"), _("Gemeld"), _("Meldingen afgewezen")
    refusal = _("Deze nota is naar de raad gestuurd: de reacties blijven zoals ze waren.")
    items = []
    for pk, parent_id, body, hidden_at, draft_id in comments:
        draft = drafts.get(draft_id)
        if draft is None:
            continue
        sent = draft.sent_to_council_at is not None
        summary = summaries.get(pk)
        item: dict[str, Any] = {
            "key": f"comment-{pk}",
            "process": draft.title,
            "process_key": draft.scope,
            "kind": comment_kind if parent_id is None else reply_kind,
            "text": body,
            "reports": summary,
            "undo_url": None,
            "undo_refusal": refusal if sent else "",
        }
        if hidden_at is not None:
            reason, at, by = last.get(pk, ("", hidden_at, ""))
            item.update(state=hidden, reason=reason, by=by, at=at)
            if not sent:
                item["undo_url"] = reverse_lazy("drafts:comment_moderation_undo", args=[pk])
        elif summary is not None:
            item.update(
                state=reported if summary.open else dismissed,
                reason="",
                by="",
                at=summary.last_at if summary.open else summary.dismissed_at,
            )
            if not sent and summary.open:
                item["hide_url"] = reverse_lazy("drafts:comment_moderation_hide", args=[pk])
                item["dismiss_url"] = reverse_lazy("drafts:comment_reports_dismiss", args=[pk])
            elif not sent:
                item["undo_url"] = reverse_lazy("drafts:comment_reports_dismiss_undo", args=[pk])
        items.append(item)
    return items


@login_required
@require_POST
def comment_hide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An editor hides a comment or reply from the nota's page, with a reason."""
    comment = get_object_or_404(Comment, pk=pk, version__draft__slug=slug)
    try:
        done = services.comment_hide(
            comment=comment,
            by=request.user,  # type: ignore[arg-type]
            reason=request.POST.get("reason", ""),
            now=timezone.now(),
        )
    except PermissionError as refusal:
        raise PermissionDenied(str(refusal)) from refusal
    except services.DraftError as refusal:
        messages.error(request, str(refusal))
    else:
        if done:
            messages.success(
                request, _("De reactie is verborgen; u vindt haar in de moderatielijst.")
            )
        else:
            messages.info(request, _("Deze reactie was al verborgen."))
    return redirect(reverse("drafts:detail", args=[slug]) + f"#reactie-{comment.parent_id or pk}")


def _queue_action(
    request: HttpRequest, action: Callable[[], Any], *, done: str, unchanged: str
) -> HttpResponse:
    """Run one of the queue's buttons for a comment: ``done`` when ``action`` changed
    something, ``unchanged`` when there was nothing left to change, else the refusal."""
    try:
        changed = action()
    except PermissionError as refusal:
        raise PermissionDenied(str(refusal)) from refusal
    except services.DraftError as refusal:
        messages.error(request, str(refusal))
    else:
        if changed:
            messages.success(request, done)
        else:
            messages.info(request, unchanged)
    return redirect(reverse("moderation_queue"))


@login_required
@require_POST
def comment_moderation_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """The queue's 'Ongedaan maken' for a hidden comment."""
    get_object_or_404(Comment, pk=pk)
    return _queue_action(
        request,
        lambda: services.comment_moderation_undo(
            comment_id=pk,
            by=request.user,  # type: ignore[arg-type]
            now=timezone.now(),
        ),
        done=_("De reactie staat weer op de pagina van de nota."),
        unchanged=_("Deze reactie was al teruggezet; er is niets veranderd."),
    )


@login_required
@require_POST
def comment_moderation_hide(request: HttpRequest, pk: int) -> HttpResponse:
    """The queue's 'Verbergen' for a reported comment, with a reason."""
    comment = get_object_or_404(Comment, pk=pk)
    return _queue_action(
        request,
        lambda: services.comment_hide(
            comment=comment,
            by=request.user,  # type: ignore[arg-type]
            reason=request.POST.get("reason", ""),
            now=timezone.now(),
        ),
        done=_("De reactie is verborgen."),
        unchanged=_("Deze reactie was al verborgen."),
    )


@login_required
@require_POST
def comment_reports_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    """The queue's 'Meldingen afwijzen': the comment stays on the nota's page."""
    get_object_or_404(Comment, pk=pk)
    return _queue_action(
        request,
        lambda: reports.comment_reports_dismiss(
            comment_id=pk,
            by=request.user,  # type: ignore[arg-type]
            now=timezone.now(),
        ),
        done=_("De meldingen zijn afgewezen; de reactie blijft staan."),
        unchanged=_("Er waren geen meldingen meer om af te wijzen."),
    )


@login_required
@require_POST
def comment_reports_dismiss_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """The queue's 'Ongedaan maken' for dismissed reports: they are open again."""
    get_object_or_404(Comment, pk=pk)
    return _queue_action(
        request,
        lambda: reports.comment_reports_dismiss_undo(
            comment_id=pk,
            by=request.user,  # type: ignore[arg-type]
            now=timezone.now(),
        ),
        done=_("De meldingen staan weer open."),
        unchanged=_("Deze meldingen stonden al open; er is niets veranderd."),
    )


@login_required
@require_POST
def comment_report(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A reader reports a comment or reply from the nota's page, with a reason."""
    comment = get_object_or_404(Comment, pk=pk, version__draft__slug=slug)
    try:
        done = reports.comment_report(
            comment_id=comment.pk,
            by=request.user,  # type: ignore[arg-type]
            reason=request.POST.get("reason"),
            note=request.POST.get("note", ""),
            now=timezone.now(),
        )
    except PermissionError as refusal:
        raise PermissionDenied(str(refusal)) from refusal
    except services.DraftError as refusal:
        messages.error(request, str(refusal))
    else:
        if done:
            messages.success(request, _("Dank u. De redactie kijkt naar de reactie die u meldde."))
        else:
            messages.info(request, _("U had deze reactie al gemeld; er is niets veranderd."))
    return redirect(reverse("drafts:detail", args=[slug]) + f"#reactie-{comment.parent_id or pk}")
