from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from . import rules
from .models import Summit


def home_sections(request: HttpRequest) -> list[dict[str, Any]]:
    """The summits this visitor can open, with the screen for their role."""
    items = []
    if request.user.is_authenticated:
        for summit in Summit.objects.exclude(status=Summit.Status.DRAFT).order_by("-pk")[:5]:
            roles = rules.summit_roles(request.user, summit)
            if rules.can_view_summit(roles):
                items.append(
                    {
                        "url": reverse("summit_screen", args=[summit.slug]),
                        "title": summit.title,
                        "description": _("Open het scherm voor uw rol in deze burgertop."),
                    }
                )
    return [
        {
            "title": _("Burgertop"),
            "items": items,
            "empty": _("Log in om mee te doen aan de burgertop."),
        }
    ]
