"""A resident's notices about the council's answers (``/raad/nieuws/``): read them, mark
them read. Thin: ``council.notices`` gathers and writes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samenspel.models import User

from . import notices


@login_required
def notices_page(request: HttpRequest) -> HttpResponse:
    """``/raad/nieuws/``: the person's notices, unread first, each with its link."""
    assert isinstance(request.user, User)
    shown = notices.notices_of(request.user)
    return render(
        request,
        "council/notices.html",
        {"notices": shown, "unread": sum(1 for view in shown if view.unread)},
    )


@require_POST
@login_required
def notices_read(request: HttpRequest) -> HttpResponse:
    """Mark one notice (``notice``) or all of the person's notices read."""
    assert isinstance(request.user, User)
    raw = request.POST.get("notice", "")
    notice_id = int(raw) if raw.isdigit() else None
    count = notices.notices_mark_read(person=request.user, now=timezone.now(), notice_id=notice_id)
    if notice_id is None and count:
        messages.success(request, _("Alle berichten staan op gelezen."))
    elif count:
        messages.success(request, _("Het bericht staat op gelezen."))
    return redirect("council_notices")
