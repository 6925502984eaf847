"""A theme proposal's own page: its stable, citable address in the summit."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from . import outcome_page, rules
from .drafts.markdown import render_markdown
from .models import Proposal, Summit


def proposal_page(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """``/burgertop/<slug>/voorstellen/<number>/``: for the summit's people and staff; for
    everyone, with its result in the vote, once the summit's outcome is published."""
    summit = get_object_or_404(Summit, slug=slug)
    public = outcome_page.is_public(summit)
    if not public:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not rules.can_view_summit(rules.summit_roles(request.user, summit)):
            raise PermissionDenied
    proposal = get_object_or_404(
        Proposal.objects.select_related("table", "theme"), summit=summit, number=number
    )
    result = outcome_page.summit_result(summit) if public else None
    context = {
        "summit": summit,
        "proposal": proposal,
        "html": render_markdown(proposal.text),
        "ideas": outcome_page.visible_idea_texts(proposal),
        "public": public,
        "result": result,
        "proposal_result": result.results.get(proposal.number) if result else None,
    }
    return render(request, "deliberation/proposal.html", context)
