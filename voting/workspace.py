"""The polls section of the staff workspace (/werkruimte/), found by samenspel.discovery."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from . import rules
from .workspace_views import managed_polls, status_text


def workspace_sections(request: HttpRequest) -> list[dict[str, Any]]:
    user = request.user
    if not user.is_authenticated:
        return []
    can_create = rules.can_create_poll(user)
    polls = managed_polls(user)
    if not polls and not can_create:
        return []
    return [
        {
            "title": _("Peilingen"),
            "intro": _(
                "Stel een peiling of stemming in, kies wie mag stemmen, en open en sluit haar."
            ),
            "create_url": reverse("poll_workspace_create") if can_create else None,
            "create_label": _("Nieuwe peiling"),
            "items": [
                {
                    "url": reverse("poll_workspace", args=[poll.pk]),
                    "label": poll.title,
                    "description": status_text(poll),
                }
                for poll in polls[:20]
            ],
        }
    ]
