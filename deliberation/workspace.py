"""The summits section of the staff workspace (``/werkruimte/``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from . import rules
from .models import Summit
from .workspace_views import manageable_summits


def workspace_sections(request: HttpRequest) -> list[dict[str, Any]]:
    """The summits this user may manage (not the archived ones), and whether they may make one."""
    can_create = rules.can_create_summit(request.user)
    summits = manageable_summits(request.user).exclude(status=Summit.Status.ARCHIVED)
    items = [
        {
            "url": reverse("summit_workspace", args=[summit.slug]),
            "label": summit.title,
            "description": summit.get_status_display(),
        }
        for summit in summits
    ]
    if not items and not can_create:
        return []
    return [
        {
            "title": _("Burgertoppen"),
            "intro": _("Bereid een burgertop voor: agenda, tafels, rollen; open en sluit hem."),
            "create_url": reverse("summit_workspace_create") if can_create else None,
            "create_label": _("Nieuwe burgertop"),
            "items": items,
        }
    ]
