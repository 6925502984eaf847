"""A summit's hidden ideas in the moderation queue (``/werkruimte/moderatie/``), and the
queue's undo: back on every screen through ``services.idea_moderation_undo``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samenspel.models import Role, RoleGrant, User

from . import services
from .models import Idea, IdeaModeration, Summit

CLOSED = {Summit.Status.CLOSED, Summit.Status.ARCHIVED}


def moderated_summits(user: User) -> QuerySet[Summit]:
    """The summits whose hidden ideas ``user`` may see and put back (``rules.can_moderate_ideas``):
    every summit for an administrator, else those of their theme-team or facilitator grants."""
    if not user.is_authenticated:
        return Summit.objects.none()
    if user.is_superuser:
        return Summit.objects.all()
    scopes = set(
        RoleGrant.objects.filter(
            user=user, role__in=[Role.THEME_TEAM, Role.FACILITATOR, Role.ADMINISTRATOR]
        ).values_list("scope", flat=True)
    )
    if "" in scopes:
        return Summit.objects.all()
    slugs = [scope.removeprefix("summit:") for scope in scopes if scope.startswith("summit:")]
    return Summit.objects.filter(slug__in=slugs)


def moderation_items(request: HttpRequest) -> list[dict[str, Any]]:
    """The hidden ideas of the summits this person moderates, with the last hide's reason,
    who hid it and when. Plain rows, not model objects: a queue holds thousands."""
    summits = {
        summit.pk: summit
        for summit in moderated_summits(request.user).only("pk", "slug", "title", "status")  # type: ignore[arg-type]
    }
    if not summits:
        return []
    ideas = Idea.objects.filter(status=Idea.Status.HIDDEN, summit_id__in=list(summits))
    hides = (
        IdeaModeration.objects.filter(
            action=IdeaModeration.Action.HIDE,
            idea__status=Idea.Status.HIDDEN,
            summit_id__in=list(summits),
        )
        .order_by("idea_id", "-at", "-pk")
        .values_list(
            "idea_id", "reason", "at", "by__display_name", "by__first_name", "by__username"
        )
    )
    last: dict[int, tuple[str, Any, str]] = {}
    for idea_id, reason, at, *names in hides:
        last.setdefault(idea_id, (reason, at, next((name for name in names if name), "")))
    # Translated once; each item's undo URL is made only if the queue shows it.
    kind, state = _("Idee"), _("Verborgen")
    refusal = _("Deze burgertop is gesloten: wat verborgen was, blijft verborgen.")
    items = []
    for pk, summit_id, text, updated_at in ideas.values_list(
        "pk", "summit_id", "text", "updated_at"
    ):
        summit = summits[summit_id]
        reason, at, by = last.get(pk, ("", updated_at, ""))
        closed = summit.status in CLOSED
        items.append(
            {
                "key": f"idea-{pk}",
                "process": summit.title,
                "process_key": summit.scope,
                "kind": kind,
                "text": text,
                "state": state,
                "reason": reason,
                "by": by,
                "at": at,
                "undo_url": None if closed else reverse_lazy("idea_moderation_undo", args=[pk]),
                "undo_refusal": refusal if closed else "",
            }
        )
    return items


@login_required
@require_POST
def idea_moderation_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """The queue's 'Ongedaan maken' for a hidden idea."""
    try:
        undone = services.idea_moderation_undo(idea_id=pk, by=request.user, now=timezone.now())  # type: ignore[arg-type]
    except services.CommandRefused as refusal:
        if refusal.code == "forbidden":
            raise PermissionDenied(refusal.message) from refusal
        messages.error(request, refusal.message)
    else:
        if undone:
            messages.success(request, _("Het idee staat weer op alle schermen."))
        else:
            messages.info(request, _("Dit idee was al teruggezet; er is niets veranderd."))
    return redirect(reverse("moderation_queue"))
