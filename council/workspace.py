"""The council's answers in the staff workspace (/werkruimte/), found by samenspel.discovery:
shown to whoever may record answers (the griffie, administrators)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from . import rules


def workspace_sections(request: HttpRequest) -> list[dict[str, Any]]:
    if not rules.can_record_answers(request.user):
        return []
    return [
        {
            "title": _("Antwoorden van de raad"),
            "intro": _(
                "Leg per voorstel vast wat de raad besloot en waarom, met mijlpalen daarna; "
                "of werk vijftig antwoorden tegelijk bij met een CSV-bestand."
            ),
            "create_url": None,
            "items": [
                {
                    "url": reverse("council_answers"),
                    "label": _("Voorstellen en antwoorden"),
                    "description": _("Elk voorstel met zijn antwoord; export en import."),
                },
                {
                    "url": reverse("council_reports"),
                    "label": _("Participatieverslagen"),
                    "description": _(
                        "Het verslag van een afgelopen burgertop voor de raad, met één klik."
                    ),
                },
                {
                    "url": reverse("council_statuses"),
                    "label": _("Statussen van antwoorden"),
                    "description": _("De lijst die de gemeente zelf bijhoudt."),
                },
            ],
        }
    ]
