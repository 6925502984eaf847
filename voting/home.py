from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from . import selectors, services


def home_sections(request: HttpRequest) -> list[dict[str, Any]]:
    """Open polls this visitor may vote in, then the latest results."""
    items = []
    services.polls_due()  # a scheduled poll shows here once its time has come
    if request.user.is_authenticated:
        # Someone who registered or moved in after a poll for their wijk opened.
        services.poll_electorate_join(user=request.user)  # type: ignore[arg-type]
        for poll in selectors.open_polls_for(request.user)[:5]:
            items.append(
                {
                    "url": reverse("poll_ballot", args=[poll.pk]),
                    "title": poll.title,
                    "description": _("Stem nu: %(method)s.")
                    % {"method": poll.get_method_display()},
                }
            )
    for poll in selectors.closed_polls()[:3]:
        items.append(
            {
                "url": reverse("poll_results", args=[poll.pk]),
                "title": poll.title,
                "description": _("Bekijk de uitslag en tel zelf na."),
            }
        )
    return [
        {
            "title": _("Stemmen"),
            "items": items,
            "empty": _("Er is nu geen stemming. Log in om te zien waar u mee kunt stemmen."),
        }
    ]
