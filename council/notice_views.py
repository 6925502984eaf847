"""A resident's notices about the council's answers (``/raad/nieuws/``): read them, mark
them read, choose whether they come by e-mail, and stop the e-mail from its own link. Thin:
``council.notices`` gathers and writes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from samenspel.models import User

from . import notices
from .forms import NoticeEmailForm


@login_required
def notices_page(request: HttpRequest) -> HttpResponse:
    """``/raad/nieuws/``: the person's notices, unread first, each with its link, and their
    choice about the e-mail."""
    assert isinstance(request.user, User)
    shown = notices.notices_of(request.user)
    form = NoticeEmailForm(initial={"email": notices.notice_email_wanted(request.user)})
    return render(
        request,
        "council/notices.html",
        {
            "notices": shown,
            "unread": sum(1 for view in shown if view.unread),
            "email_form": form,
            "has_address": bool(request.user.email),
        },
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


@require_POST
@login_required
def notices_email(request: HttpRequest) -> HttpResponse:
    """Save the person's own choice about the e-mail; never anyone else's."""
    assert isinstance(request.user, User)
    form = NoticeEmailForm(request.POST)
    wanted = form.is_valid() and bool(form.cleaned_data["email"])
    notices.notice_email_set(person=request.user, email=wanted, now=timezone.now())
    if wanted:
        messages.success(request, _("Opgeslagen: u krijgt een e-mail als er nieuws is."))
    else:
        messages.success(
            request, _("Opgeslagen: u krijgt geen e-mail meer. Het nieuws blijft op deze pagina.")
        )
    return redirect("council_notices")


@require_http_methods(["GET", "POST"])
def notices_stop(request: HttpRequest, token: str) -> HttpResponse:
    """``/raad/nieuws/stoppen/<token>/``, the e-mail's stop link: no login needed. GET only
    shows a button (mail scanners open links); POST turns the e-mail off."""
    person = notices.stop_token_person(token)
    if person is None:
        return render(request, "council/notices_stop.html", {"bad": True}, status=400)
    stopped = False
    if request.method == "POST":
        notices.notice_email_set(person=person, email=False, now=timezone.now())
        stopped = True
    return render(request, "council/notices_stop.html", {"bad": False, "stopped": stopped})
