"""Core pages: home, the three ways to log in, logout, error pages."""

from __future__ import annotations

import asyncio
import logging
import threading

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import alogin, login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.mail import send_mail
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import rules, services, workspace
from .discovery import project_modules
from .forms import CodeLoginForm, MagicLinkForm, StaffLoginForm
from .models import User

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    """Start page: what Samenspel is, and for each app what is open to this visitor."""
    sections = []
    for module in project_modules("home"):
        sections.extend(module.home_sections(request))
    # A section may stand for the whole page (the council's reading list for a member
    # who does not take part as a resident).
    if any(section.get("instead_of_others") for section in sections):
        sections = [section for section in sections if section.get("instead_of_others")]
    context = {
        "sections": sections,
        "roles": sorted(rules.roles_of(request.user)) if request.user.is_authenticated else [],
    }
    return render(request, "samenspel/home.html", context)


@login_required
def workspace_page(request: HttpRequest) -> HttpResponse:
    """The staff workspace: for each app, what this person may set up and run."""
    return render(
        request,
        "samenspel/workspace.html",
        {"sections": workspace.workspace_sections(request)},
    )


def login_choice(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "samenspel/login.html",
        {"code_form": CodeLoginForm(), "link_form": MagicLinkForm(), "next": _next_url(request)},
    )


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _welcome(user: User) -> str:
    """The welcome after logging in. A name that ends in an initial ("Kees M.") ends the
    sentence with its own full stop, as in writing: never two."""
    return _("Welkom, %(name)s. U bent ingelogd.") % {"name": user.public_name.removesuffix(".")}


class _WaitingRoom:
    """Slowed code attempts this process keeps waiting at once: LOGIN_CODE_MAX_WAITING, and
    one per client address.

    No attempt waits past the ceiling (slowdown.check_times), so without this limit a flood
    of guesses would be checked as fast as it arrived once the first ones had waited it out.
    One place per address keeps a guesser from holding every place, so the holder
    (elsewhere) finds one. An attempt that finds no place is answered at once: try again
    in N seconds. The wait itself holds no thread (the view is asynchronous and passes the
    door in front of Django, samenspel/handler.py)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: set[str] = set()

    def enter(self, limit: int, address: str) -> bool:
        with self._lock:
            if len(self._waiting) >= limit or address in self._waiting:
                return False
            self._waiting.add(address)
            return True

    def leave(self, address: str) -> None:
        with self._lock:
            self._waiting.discard(address)


_code_waiting_room = _WaitingRoom()


def _count_code_attempt(raw_code: str, may_wait: bool) -> services.CodeAttempt:
    attempt = services.invitation_code_attempt(
        raw_code=raw_code, now=timezone.now(), may_wait=may_wait
    )
    if attempt.wait_seconds(timezone.now()) > 0 and not connection.in_atomic_block:
        connection.close()  # back to the pool: a waiting attempt holds no database connection
    return attempt


async def _code_redeem_in_turn(raw_code: str, address: str) -> User:
    """Count the attempt, wait on the event loop until its moment, then check it. The wait
    holds no thread of Django's and no database connection (docs/operations.md)."""
    attempt = await sync_to_async(_count_code_attempt)(raw_code, False)
    if attempt.counted:  # its moment is now
        return await sync_to_async(services.invitation_code_redeem)(
            attempt=attempt, now=timezone.now()
        )
    if not _code_waiting_room.enter(settings.LOGIN_CODE_MAX_WAITING, address):
        raise services.LoginRefused(
            services.code_try_again_message(attempt.wait_seconds(timezone.now()))
        )
    try:
        attempt = await sync_to_async(_count_code_attempt)(raw_code, True)
        await asyncio.sleep(attempt.wait_seconds(timezone.now()))
        return await sync_to_async(services.invitation_code_redeem)(
            attempt=attempt, now=timezone.now()
        )
    finally:
        _code_waiting_room.leave(address)


@require_http_methods(["GET", "POST"])
async def code_login(request: HttpRequest) -> HttpResponse:
    form = CodeLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = await _code_redeem_in_turn(
                form.cleaned_data["code"], request.META.get("REMOTE_ADDR", "")
            )
        except services.LoginRefused as refusal:
            logger.info("code login refused: %s", refusal)
            form.add_error("code", str(refusal))
        else:
            await alogin(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _welcome(user))
            return redirect(_next_url(request) or "home")
    status = 400 if request.method == "POST" else 200
    return await sync_to_async(render)(
        request,
        "samenspel/code_login.html",
        {"form": form, "next": _next_url(request)},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def magic_link_request_view(request: HttpRequest) -> HttpResponse:
    form = MagicLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            user = services.magic_link_request(email=email, now=timezone.now())
        except services.LoginRefused as refusal:
            form.add_error("email", str(refusal))
        else:
            if user is not None:
                token = services.magic_link_token(user=user)
                url = request.build_absolute_uri(reverse("magic_link_confirm", args=[token]))
                send_mail(
                    _("Uw inloglink voor Samenspel"),
                    _(
                        "Hallo %(name)s,\n\nMet deze link logt u in bij Samenspel:\n%(url)s\n\n"
                        "De link werkt één keer en %(minutes)s minuten lang. Heeft u niets "
                        "aangevraagd? Dan kunt u deze e-mail weggooien."
                    )
                    % {
                        "name": user.public_name,
                        "url": url,
                        "minutes": settings.MAGIC_LINK_MAX_AGE_SECONDS // 60,
                    },
                    None,
                    [user.email],
                )
            # The same answer whether or not the address is known: no address harvesting.
            return render(request, "samenspel/magic_link_sent.html", {"email": email})
    status = 400 if request.method == "POST" else 200
    return render(request, "samenspel/magic_link_request.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def magic_link_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm, POST logs in: mail scanners that open links use up nothing."""
    if request.method == "POST":
        try:
            user = services.magic_link_redeem(token=token)
        except services.LoginRefused as refusal:
            logger.info("magic link refused: %s", refusal)
            return render(
                request,
                "samenspel/message.html",
                {
                    "title": _("Inloggen lukt niet"),
                    "message": str(refusal),
                    "link": reverse("magic_link_request"),
                    "link_text": _("Nieuwe link aanvragen"),
                },
                status=400,
            )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _welcome(user))
        return redirect("home")
    return render(request, "samenspel/magic_link_confirm.html", {"token": token})


class StaffLoginView(LoginView):
    """Username and password for municipal staff, locked per account after failures."""

    template_name = "samenspel/staff_login.html"
    authentication_form = StaffLoginForm

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        username = request.POST.get("username", "")[:150]
        try:
            services.password_login_check(username=username, now=timezone.now())
        except services.LoginRefused as refusal:
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, str(refusal))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: StaffLoginForm) -> HttpResponse:  # type: ignore[override]
        # The attempt was counted before the check (services.password_login_check).
        username = self.request.POST.get("username", "")[:150]
        logger.info("password login failed for %r", username)
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def form_valid(self, form: StaffLoginForm) -> HttpResponse:  # type: ignore[override]
        services.password_login_succeeded(username=form.get_user().get_username())
        return super().form_valid(form)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("U bent uitgelogd."))
    return redirect("home")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "samenspel/accessibility.html")


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(
        request,
        "samenspel/message.html",
        {
            "title": title,
            "message": message,
            "link": reverse("home"),
            "link_text": _("Naar de startpagina"),
        },
        status=status,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        400,
        _("Dit verzoek klopt niet"),
        _("Controleer wat u invulde en probeer het opnieuw."),
    )


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        403,
        _("Geen toegang"),
        _("U mag deze pagina niet bekijken. Bent u ingelogd met het goede account?"),
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        404,
        _("Pagina niet gevonden"),
        _("Deze pagina bestaat niet (meer). Controleer het adres."),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(
        request,
        500,
        _("Er ging iets mis"),
        _("Er ging bij ons iets mis. Probeer het over een paar minuten opnieuw."),
    )
