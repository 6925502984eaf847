"""A summit's hidden ideas in the moderation queue (``/werkruimte/moderatie/``), and the
queue's undo: back on every screen through ``services.idea_moderation_undo``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
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
    who hid it and when."""
    hides = IdeaModeration.objects.filter(action=IdeaModeration.Action.HIDE).select_related("by")
    ideas = (
        Idea.objects.filter(
            status=Idea.Status.HIDDEN,
            summit__in=moderated_summits(request.user),  # type: ignore[arg-type]
        )
        .select_related("summit")
        .prefetch_related(Prefetch("moderations", queryset=hides, to_attr="hides"))
    )
    items = []
    for idea in ideas:
        last = idea.hides[0] if idea.hides else None  # type: ignore[attr-defined]
        closed = idea.summit.status in CLOSED
        items.append(
            {
                "key": f"idea-{idea.pk}",
                "process": idea.summit.title,
                "process_key": idea.summit.scope,
                "kind": _("Idee"),
                "text": idea.text,
                "state": _("Verborgen"),
                "reason": last.reason if last else "",
                "by": last.by.public_name if last and last.by else "",
                "at": last.at if last else idea.updated_at,
                "undo_url": None if closed else reverse("idea_moderation_undo", args=[idea.pk]),
                "undo_refusal": (
                    _("Deze burgertop is gesloten: wat verborgen was, blijft verborgen.")
                    if closed
                    else ""
                ),
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
