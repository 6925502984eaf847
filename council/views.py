"""The council's pages: the reading room (/raad/), a proposal's trail, and each summit's
and nota's public page of what was done with its proposals or amendments. Thin: selectors gather, templates show."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from deliberation.drafts.markdown import render_markdown
from deliberation.models import Proposal, Summit
from deliberation.rules import can_view_summit, summit_roles

from . import rules, selectors
from .forms import RoomFilterForm


@login_required
def reading_room(request: HttpRequest) -> HttpResponse:
    """``/raad/``: the notas with a published version and their amendments, every summit
    that is not a draft with its proposals, each with the council's answer, and the reports
    of the workspace's polls; filtered by topic, status and date and searched in the texts
    (a GET form), a page at a time. A page number that is not one, or past the last, shows
    the nearest page and says so."""
    if not rules.can_read_room(request.user):
        raise PermissionDenied
    form = RoomFilterForm(request.GET or None)
    filters = selectors.RoomFilters()
    valid = form.is_valid()
    asked: int | None = form.cleaned_data.get("page", 1) if form.is_bound else 1
    if valid:
        data = form.cleaned_data
        filters = selectors.RoomFilters(
            status=data.get("status") or "",
            since=data.get("since"),
            until=data.get("until"),
            text=(data.get("q") or "").strip(),
            topic=data.get("topic") or "",
        )
    room = selectors.reading_room(filters, page=asked or 1)
    return render(
        request,
        "council/reading_room.html",
        {
            "form": form,
            "room": room,
            "asked": asked,
            "previous_url": _page_url(request.GET, room.page.previous),
            "next_url": _page_url(request.GET, room.page.next),
            "filters": filters,
            "filtered": filters.narrowing,
            "can_record": rules.can_record_answers(request.user),
        },
        status=400 if form.is_bound and not valid else 200,
    )


def _page_url(query: QueryDict, number: int | None) -> str:
    """The reading room on another page with the same filters; '' for no such page."""
    if number is None:
        return ""
    kept = query.copy()
    kept.pop("page", None)
    if number > 1:
        kept["page"] = str(number)
    return reverse("council_room") + ("?" + kept.urlencode() if kept else "")


@login_required
def proposal_trail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """A proposal's trail for the council: its ideas, theme, table, text, the summit's
    results and the council's answer with its history."""
    if not rules.can_read_room(request.user):
        raise PermissionDenied
    summit = get_object_or_404(selectors.readable_summits(), slug=slug)
    proposal = get_object_or_404(
        Proposal.objects.select_related("summit", "theme", "table"), summit=summit, number=number
    )
    trail = selectors.proposal_trail(proposal)
    return render(
        request,
        "council/trail.html",
        {
            "trail": trail,
            "summit": summit,
            "proposal": proposal,
            "text_html": render_markdown(proposal.text),
            "can_record": rules.can_record_answers(request.user),
            "summit_page": can_view_summit(summit_roles(request.user, summit)),
        },
    )


def public_outcome(request: HttpRequest, slug: str) -> HttpResponse:
    """``/raad/burgertop/<slug>/``: for everyone, what was done with the summit's
    proposals. A summit still being prepared has no such page."""
    summit = get_object_or_404(Summit, slug=slug)
    if summit.status == Summit.Status.DRAFT:
        raise Http404
    return render(
        request,
        "council/public_outcome.html",
        {
            "summit": summit,
            "items": selectors.public_outcome(summit),
            "report": selectors.latest_report(summit),
        },
    )


def public_nota(request: HttpRequest, slug: str) -> HttpResponse:
    """``/raad/nota/<slug>/``: for everyone, what was done with the nota's amendments. A
    nota without a published version has no such page."""
    draft = get_object_or_404(selectors.reportable_notas(), slug=slug)
    return render(
        request,
        "council/public_nota.html",
        {
            "draft": draft,
            "items": selectors.public_nota(draft),
            "report": selectors.latest_nota_report(draft),
        },
    )
