"""A summit's outcome page (``/burgertop/<slug>/uitkomst/``) and the workspace's button
that publishes it. Thin: the page's context is ``outcome_page.py``, the writes are
``services.summit_outcome_publish`` and ``summit_outcome_withdraw``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import outcome_page, services
from .models import Summit


@require_GET
def outcome(request: HttpRequest, slug: str) -> HttpResponse:
    """For everyone once published; before that for the summit's staff only (others get a
    404: an unpublished outcome does not exist for them)."""
    summit = get_object_or_404(Summit, slug=slug)
    if not outcome_page.is_public(summit) and not (
        request.user.is_authenticated and outcome_page.can_preview(request.user, summit)
    ):
        raise Http404
    return render(request, "deliberation/outcome.html", outcome_page.context(summit))


@login_required
@require_POST
def outcome_publish(request: HttpRequest, slug: str) -> HttpResponse:
    """The workspace's publish and withdraw buttons (``action``: ``publish``, ``withdraw``)."""
    summit = get_object_or_404(Summit, slug=slug)
    change = {
        "publish": (
            services.summit_outcome_publish,
            _("De uitkomst is gepubliceerd. Iedereen kan de pagina nu lezen."),
        ),
        "withdraw": (
            services.summit_outcome_withdraw,
            _("De uitkomst is niet meer openbaar. Alleen medewerkers van de burgertop zien hem."),
        ),
    }.get(request.POST.get("action", ""))
    if change is None:
        messages.error(request, _("Kies wat u wilt doen."))
        return redirect("summit_workspace", slug=slug)
    service, done = change
    try:
        service(summit=summit, by=request.user, now=timezone.now())
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("summit_workspace", slug=slug)
