"""A theme proposal's own page: its stable, citable address in the summit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from . import rules
from .drafts.markdown import render_markdown
from .models import Proposal, Summit


@login_required
def proposal_page(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """``/burgertop/<slug>/voorstellen/<number>/``: for the summit's people and staff (a
    public page comes with the summit's published outcome)."""
    summit = get_object_or_404(Summit, slug=slug)
    if not rules.can_view_summit(rules.summit_roles(request.user, summit)):
        raise PermissionDenied
    proposal = get_object_or_404(
        Proposal.objects.select_related("table", "theme"), summit=summit, number=number
    )
    context = {
        "summit": summit,
        "proposal": proposal,
        "html": render_markdown(proposal.text),
        "ideas": list(proposal.ideas.order_by("pk").values_list("text", flat=True)),
    }
    return render(request, "deliberation/proposal.html", context)
