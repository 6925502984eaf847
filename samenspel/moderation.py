"""The moderation queue (``/werkruimte/moderatie/``): what is hidden across summits and
notas, gathered from each app's ``moderation.py`` (``moderation_items(request)``), so the
core imports no app. Each item's undo is a POST to the owning app's own URL and service."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from .discovery import project_modules

# A page of a few hundred cards stays quick to load and to read.
SHOWN = 200


def moderation_items(request: HttpRequest) -> list[dict[str, Any]]:
    """Every app's items this person may moderate, newest first.

    An item: ``process`` (its title), ``process_key``, ``kind``, ``text``, ``state``,
    ``reason``, ``by``, ``at``, ``reports`` (a ``samenspel.reports.ReportSummary`` or None),
    and ``undo_url`` or ``undo_refusal`` (why it cannot be undone); a reported item may
    have ``hide_url`` and ``dismiss_url``.
    """
    items: list[dict[str, Any]] = []
    for module in project_modules("moderation"):
        items.extend(module.moderation_items(request))
    items.sort(key=lambda item: item["at"], reverse=True)
    return items


@login_required
def queue_page(request: HttpRequest) -> HttpResponse:
    """The queue, filterable by process (``?proces=summit:slug``)."""
    items = moderation_items(request)
    processes = sorted(
        {(item["process_key"], item["process"]) for item in items}, key=lambda p: p[1]
    )
    chosen = request.GET.get("proces", "")
    if chosen:
        items = [item for item in items if item["process_key"] == chosen]
    return render(
        request,
        "samenspel/moderation.html",
        {
            "items": items[:SHOWN],
            "total": len(items),
            "shown": SHOWN,
            "processes": processes,
            "chosen": chosen,
        },
    )


def workspace_sections(request: HttpRequest) -> list[dict[str, Any]]:
    """The queue's section of the workspace. It asks no app for its items: the header asks
    for the sections on every page a manager opens."""
    return [
        {
            "title": _("Moderatie"),
            "intro": _(
                "Verborgen en gemelde bijdragen uit burgertoppen en nota's: met reden,"
                " door wie en wanneer."
            ),
            "items": [
                {
                    "url": reverse("moderation_queue"),
                    "label": _("Moderatielijst"),
                    "description": _("Wat verborgen of gemeld is, en ongedaan maken"),
                }
            ],
        }
    ]
