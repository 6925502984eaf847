"""A nota's hidden comments in the moderation queue (``/werkruimte/moderatie/``), and the
two POSTs behind it: an editor hides a comment with a reason on the nota's page, and the
queue's undo puts it back. Thin: each calls one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import rules, services
from .models import Comment, CommentModeration, Draft


def moderation_items(request: HttpRequest) -> list[dict[str, Any]]:
    """The hidden comments and replies of the notas this person moderates
    (``rules.can_moderate``), with the last hide's reason, who hid it and when. Plain rows,
    not model objects: a queue holds thousands."""
    if not request.user.is_authenticated:
        return []
    comments = list(
        Comment.objects.filter(hidden_at__isnull=False).values_list(
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
    # Translated once; each item's undo URL is made only if the queue shows it.
    comment_kind, reply_kind, state = _("Reactie"), _("Antwoord"), _("Verborgen")
    refusal = _("Deze nota is naar de raad gestuurd: de reacties blijven zoals ze waren.")
    items = []
    for pk, parent_id, body, hidden_at, draft_id in comments:
        draft = drafts.get(draft_id)
        if draft is None:
            continue
        reason, at, by = last.get(pk, ("", hidden_at, ""))
        sent = draft.sent_to_council_at is not None
        items.append(
            {
                "key": f"comment-{pk}",
                "process": draft.title,
                "process_key": draft.scope,
                "kind": comment_kind if parent_id is None else reply_kind,
                "text": body,
                "state": state,
                "reason": reason,
                "by": by,
                "at": at,
                "undo_url": None
                if sent
                else reverse_lazy("drafts:comment_moderation_undo", args=[pk]),
                "undo_refusal": refusal if sent else "",
            }
        )
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


@login_required
@require_POST
def comment_moderation_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """The queue's 'Ongedaan maken' for a hidden comment."""
    get_object_or_404(Comment, pk=pk)
    try:
        undone = services.comment_moderation_undo(
            comment_id=pk,
            by=request.user,  # type: ignore[arg-type]
            now=timezone.now(),
        )
    except PermissionError as refusal:
        raise PermissionDenied(str(refusal)) from refusal
    except services.DraftError as refusal:
        messages.error(request, str(refusal))
    else:
        if undone:
            messages.success(request, _("De reactie staat weer op de pagina van de nota."))
        else:
            messages.info(request, _("Deze reactie was al teruggezet; er is niets veranderd."))
    return redirect(reverse("moderation_queue"))
