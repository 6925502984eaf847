"""The theme team's and facilitator's page "Voor het verslag" (``/burgertop/<slug>/verslag-
markeren/``): every theme and every visible idea of a summit, each with a button that marks
it as a minority view or open question for the participation report. Plain forms, so it
works without JavaScript; the writes are ``services.theme_mark_for_report`` and
``services.idea_mark_for_report``, which check the rule again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import rules, services
from .models import Idea, Summit, Theme


def _allowed(request: HttpRequest, summit: Summit) -> None:
    if not rules.can_mark_for_report(rules.summit_roles(request.user, summit)):
        raise PermissionDenied


@login_required
@require_GET
def report_marks(request: HttpRequest, slug: str) -> HttpResponse:
    summit = get_object_or_404(Summit, slug=slug)
    _allowed(request, summit)
    themes = list(Theme.objects.filter(summit=summit).order_by("name", "pk"))
    ideas = list(
        Idea.objects.filter(summit=summit, status=Idea.Status.VISIBLE)
        .select_related("table")
        .order_by("pk")
        .only("pk", "text", "theme_id", "for_report", "table__number")
    )
    per_theme: dict[int | None, list[Idea]] = {}
    for idea in ideas:
        per_theme.setdefault(idea.theme_id, []).append(idea)
    groups = [(theme, per_theme.get(theme.pk, [])) for theme in themes]
    context = {
        "summit": summit,
        "groups": groups,
        "loose": per_theme.get(None, []),
        "marked": sum(1 for t in themes if t.for_report) + sum(1 for i in ideas if i.for_report),
    }
    return render(request, "deliberation/report_marks.html", context)


def _back(summit: Summit, anchor: str) -> HttpResponse:
    return redirect(reverse("summit_report_marks", args=[summit.slug]) + anchor)


@login_required
@require_POST
def theme_mark(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    theme = get_object_or_404(Theme, pk=pk, summit__slug=slug)
    marked = request.POST.get("markeren") == "1"
    try:
        services.theme_mark_for_report(theme=theme, by=request.user, marked=marked)
    except services.ReportMarkRefused as refusal:
        raise PermissionDenied(str(refusal)) from refusal
    messages.success(
        request,
        (
            _(
                "Het thema “%(name)s” staat in het participatieverslag bij de minderheidsstandpunten."
            )
            if marked
            else _("Het thema “%(name)s” staat niet meer bij de minderheidsstandpunten.")
        )
        % {"name": theme.name},
    )
    return _back(theme.summit, f"#thema-{theme.pk}")


@login_required
@require_POST
def idea_mark(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    idea = get_object_or_404(Idea, pk=pk, summit__slug=slug)
    marked = request.POST.get("markeren") == "1"
    try:
        services.idea_mark_for_report(idea=idea, by=request.user, marked=marked)
    except services.ReportMarkRefused as refusal:
        if not rules.can_mark_for_report(rules.summit_roles(request.user, idea.summit)):
            raise PermissionDenied(str(refusal)) from refusal
        messages.error(request, str(refusal))
        return _back(idea.summit, "")
    messages.success(
        request,
        _("Het idee staat in het participatieverslag bij de minderheidsstandpunten.")
        if marked
        else _("Het idee staat niet meer bij de minderheidsstandpunten."),
    )
    return _back(idea.summit, f"#idee-{idea.pk}")
