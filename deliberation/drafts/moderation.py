"""A nota's hidden comments in the moderation queue (``/werkruimte/moderatie/``), and the
two POSTs behind it: an editor hides a comment with a reason on the nota's page, and the
queue's undo puts it back. Thin: each calls one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import rules, services
from .models import Comment, CommentModeration


def moderation_items(request: HttpRequest) -> list[dict[str, Any]]:
    """The hidden comments and replies of the notas this person moderates
    (``rules.can_moderate``), with the last hide's reason, who hid it and when."""
    if not request.user.is_authenticated:
        return []
    hides = CommentModeration.objects.filter(action=CommentModeration.Action.HIDE).select_related(
        "by"
    )
    comments = list(
        Comment.objects.filter(hidden_at__isnull=False)
        .select_related("version__draft")
        .prefetch_related(Prefetch("moderations", queryset=hides, to_attr="hides"))
    )
    drafts = {comment.version.draft for comment in comments}
    allowed = {draft.pk for draft in drafts if rules.can_moderate(request.user, draft)}  # type: ignore[arg-type]
    items = []
    for comment in comments:
        draft = comment.version.draft
        if draft.pk not in allowed:
            continue
        last = comment.hides[0] if comment.hides else None  # type: ignore[attr-defined]
        sent = draft.sent_to_council_at is not None
        items.append(
            {
                "key": f"comment-{comment.pk}",
                "process": draft.title,
                "process_key": draft.scope,
                "kind": _("Reactie") if comment.parent_id is None else _("Antwoord"),
                "text": comment.body,
                "state": _("Verborgen"),
                "reason": last.reason if last else "",
                "by": last.by.public_name if last and last.by else "",
                "at": last.at if last else comment.hidden_at,
                "undo_url": None
                if sent
                else reverse("drafts:comment_moderation_undo", args=[comment.pk]),
                "undo_refusal": (
                    _("Deze nota is naar de raad gestuurd: de reacties blijven zoals ze waren.")
                    if sent
                    else ""
                ),
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
