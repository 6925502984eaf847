"""A summit's hidden and reported ideas in the moderation queue (``/werkruimte/moderatie/``),
and the queue's buttons: undo a hide (``services.idea_moderation_undo``), hide a reported
idea, dismiss its reports and undo that (``deliberation/services/reports.py``); and the
resident's page to report an idea of their table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samenspel.models import Role, RoleGrant, User
from samenspel.reports import DISMISSED_SHOWN, summarise

from . import rules, selectors, services
from .models import Idea, IdeaModeration, IdeaReport, Summit

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
    """The hidden and the reported ideas of the summits this person moderates: a hidden one
    with the last hide's reason, who hid it and when; a reported one with how many reports,
    their reasons and when (never who reported). Plain rows, not model objects: a queue
    holds thousands."""
    summits = {
        summit.pk: summit
        for summit in moderated_summits(request.user).only("pk", "slug", "title", "status")  # type: ignore[arg-type]
    }
    if not summits:
        return []
    now = timezone.now()
    reports: dict[int, list[tuple[str, str, Any, Any]]] = {}
    # Open reports and those dismissed lately: an older dismissal has left the queue.
    shown = Q(dismissed_at__isnull=True) | Q(dismissed_at__gte=now - DISMISSED_SHOWN)
    for idea_id, *row in (
        IdeaReport.objects.filter(shown, summit_id__in=list(summits)).values_list(
            "idea_id", "reason", "note", "at", "dismissed_at"
        )
    ):
        reports.setdefault(idea_id, []).append(tuple(row))  # type: ignore[arg-type]
    summaries = {idea_id: summarise(rows) for idea_id, rows in reports.items()}
    ideas = Idea.objects.filter(summit_id__in=list(summits)).filter(
        Q(status=Idea.Status.HIDDEN) | Q(pk__in=list(summaries))
    )
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
    # Translated once; each item's URLs are made only if the queue shows it.
    kind, hidden, reported, dismissed = (
        _("Idee"),
        _("Verborgen"),
        _("Gemeld"),
        _("Meldingen afgewezen"),
    )
    refusal = _("Deze burgertop is gesloten: wat verborgen was, blijft verborgen.")
    items = []
    for pk, summit_id, text, status, updated_at in ideas.values_list(
        "pk", "summit_id", "text", "status", "updated_at"
    ):
        summit = summits[summit_id]
        closed = summit.status in CLOSED
        summary = summaries.get(pk)
        item: dict[str, Any] = {
            "key": f"idea-{pk}",
            "process": summit.title,
            "process_key": summit.scope,
            "kind": kind,
            "text": text,
            "reports": summary,
            "undo_refusal": refusal if closed else "",
            "undo_url": None,
        }
        if status == Idea.Status.HIDDEN:
            reason, at, by = last.get(pk, ("", updated_at, ""))
            item.update(state=hidden, reason=reason, by=by, at=at)
            if not closed:
                item["undo_url"] = reverse_lazy("idea_moderation_undo", args=[pk])
        elif summary is not None and status == Idea.Status.VISIBLE:
            item.update(
                state=reported if summary.open else dismissed,
                reason="",
                by="",
                at=summary.last_at if summary.open else summary.dismissed_at,
            )
            if not closed and summary.open:
                item["hide_url"] = reverse_lazy("idea_moderation_hide", args=[pk])
                item["dismiss_url"] = reverse_lazy("idea_reports_dismiss", args=[pk])
            elif not closed:
                item["undo_url"] = reverse_lazy("idea_reports_dismiss_undo", args=[pk])
        else:
            continue  # reported, then withdrawn or merged: nothing left to moderate
        items.append(item)
    return items


@login_required
@require_POST
def idea_moderation_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """The queue's 'Ongedaan maken' for a hidden idea."""
    return _queue_action(
        request,
        lambda: services.idea_moderation_undo(idea_id=pk, by=request.user, now=timezone.now()),  # type: ignore[arg-type]
        done=_("Het idee staat weer op alle schermen."),
        unchanged=_("Dit idee was al teruggezet; er is niets veranderd."),
    )


def _queue_action(
    request: HttpRequest, action: Callable[[], Any], *, done: str, unchanged: str
) -> HttpResponse:
    """Run one of the queue's buttons: ``done`` when ``action`` changed something,
    ``unchanged`` when there was nothing left to change, the refusal's message otherwise."""
    try:
        changed = action()
    except services.CommandRefused as refusal:
        _refused(request, refusal)
    else:
        if changed:
            messages.success(request, done)
        else:
            messages.info(request, unchanged)
    return redirect(reverse("moderation_queue"))


def _refused(request: HttpRequest, refusal: services.CommandRefused) -> None:
    if refusal.code == "forbidden":
        raise PermissionDenied(refusal.message) from refusal
    messages.error(request, refusal.message)


@login_required
@require_POST
def idea_moderation_hide(request: HttpRequest, pk: int) -> HttpResponse:
    """The queue's 'Verbergen' for a reported idea, with a reason."""
    return _queue_action(
        request,
        lambda: services.idea_moderation_hide(
            idea_id=pk,
            by=request.user,  # type: ignore[arg-type]
            reason=request.POST.get("reason", ""),
            now=timezone.now(),
        ),
        done=_("Het idee is van alle schermen gehaald."),
        unchanged=_("Dit idee stond al niet meer op de schermen."),
    )


@login_required
@require_POST
def idea_reports_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    """The queue's 'Meldingen afwijzen': the idea stays on the screens."""
    return _queue_action(
        request,
        lambda: services.idea_reports_dismiss(idea_id=pk, by=request.user, now=timezone.now()),  # type: ignore[arg-type]
        done=_("De meldingen zijn afgewezen; het idee blijft staan."),
        unchanged=_("Er waren geen meldingen meer om af te wijzen."),
    )


@login_required
@require_POST
def idea_reports_dismiss_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """The queue's 'Ongedaan maken' for dismissed reports: they are open again."""
    return _queue_action(
        request,
        lambda: services.idea_reports_dismiss_undo(
            idea_id=pk,
            by=request.user,  # type: ignore[arg-type]
            now=timezone.now(),
        ),
        done=_("De meldingen staan weer open."),
        unchanged=_("Deze meldingen stonden al open; er is niets veranderd."),
    )


@login_required
def idea_report_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A participant or a table host reports an idea of someone else at their table: a plain
    form that works without JavaScript, linked from the screen and from each idea's card
    (``?idee=<id>`` chooses that idea)."""
    summit = get_object_or_404(Summit, slug=slug)
    roles = rules.summit_roles(request.user, summit)
    if not rules.can_report_ideas(roles):
        raise PermissionDenied(_("Alleen wie meedoet aan deze burgertop kan een idee melden."))
    error = ""
    chosen_idea, chosen_reason, note = _whole(request.GET.get("idee")), "", ""
    if request.method == "POST":
        chosen_idea = _whole(request.POST.get("idea"))
        chosen_reason, note = request.POST.get("reason", ""), request.POST.get("note", "")
        if not Idea.objects.filter(pk=chosen_idea, summit=summit).exists():
            error = _("Kies welk idee u meldt.")
        else:
            try:
                done = services.idea_report(
                    idea_id=chosen_idea,
                    by=request.user,  # type: ignore[arg-type]
                    reason=chosen_reason,
                    note=note,
                    now=timezone.now(),
                )
            except services.CommandRefused as refusal:
                error = refusal.message
            else:
                if done:
                    messages.success(
                        request, _("Dank u. Het themateam kijkt naar het idee dat u meldde.")
                    )
                else:
                    messages.info(request, _("U had dit idee al gemeld; er is niets veranderd."))
                return redirect(reverse("summit_idea_report", args=[slug]))
    # The table whose ideas this person sees on their screen: the one they host, else their seat.
    table = selectors.table_of(summit, request.user, roles)  # type: ignore[arg-type]
    ideas = list(
        Idea.objects.filter(summit=summit, table=table, status=Idea.Status.VISIBLE)
        .exclude(author=request.user)  # type: ignore[misc]
        .only("pk", "text")
    )
    reported = set(
        IdeaReport.objects.filter(idea__in=ideas, by=request.user).values_list(  # type: ignore[misc]
            "idea_id", flat=True
        )
    )
    return render(
        request,
        "deliberation/report.html",
        {
            "summit": summit,
            "ideas": ideas,
            "reported": reported,
            "closed": summit.status in CLOSED,
            "error": error,
            "chosen_idea": chosen_idea,
            "chosen_reason": chosen_reason,
            "note": note,
        },
        status=400 if error else 200,
    )


def _whole(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 12 else 0
