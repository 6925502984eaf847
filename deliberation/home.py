from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from . import rules
from .models import Participant, Summit


def home_sections(request: HttpRequest) -> list[dict[str, Any]]:
    """The summits this visitor can open, with the screen for their role."""
    items = []
    if request.user.is_authenticated:
        for summit in Summit.objects.exclude(
            status__in=[Summit.Status.DRAFT, Summit.Status.ARCHIVED]
        ).order_by("-pk")[:5]:
            roles = rules.summit_roles(request.user, summit)
            if rules.can_view_summit(roles):
                description = _("Open het scherm voor uw rol in deze burgertop.")
            elif Participant.objects.filter(summit=summit, user=request.user).exists():
                # Registered, not yet at the desk: from here they can also join online.
                description = _("Meld u aan bij de balie in de zaal, of doe online mee.")
            else:
                continue
            items.append(
                {
                    "url": reverse("summit_screen", args=[summit.slug]),
                    "title": summit.title,
                    "description": description,
                }
            )
    # What came out: every summit whose outcome is public, for everyone (also not logged in).
    for summit in Summit.objects.filter(outcome_published_at__isnull=False).order_by(
        "-outcome_published_at"
    )[:5]:
        items.append(
            {
                "url": reverse("summit_outcome", args=[summit.slug]),
                "title": _("Uitkomst: %(title)s") % {"title": summit.title},
                "description": _(
                    "De voorstellen van deze burgertop, waar ze vandaan komen en de uitslag"
                    " van de stemming."
                ),
            }
        )
    return [
        {
            "title": _("Burgertop"),
            "items": items,
            "empty": (
                _("U doet nu niet mee aan een burgertop.")
                if request.user.is_authenticated
                else _("Log in om mee te doen aan de burgertop.")
            ),
        }
    ]
