"""The poll workspace (/werkruimte/peiling/): staff set up a poll, import its voters, open
and close it. Thin: the forms read, the services decide and write."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from samenspel.models import RoleGrant

from . import contexts, electorates, rules, selectors, services, workspace_forms
from .models import Eligibility, Poll


def managed_polls(user: Any) -> list[Poll]:
    """Every poll this user may manage, newest first: two queries for someone who manages
    nothing (the home page asks for every visitor)."""
    if not getattr(user, "is_authenticated", False):
        return []
    polls = Poll.objects.select_related("neighbourhood").order_by("-created_at", "-pk")
    scopes = set(
        RoleGrant.objects.filter(user=user, role__in=rules.MANAGER_ROLES).values_list(
            "scope", flat=True
        )
    )
    if user.is_superuser or "" in scopes:
        return list(polls[:500])
    near = Q(created_by=user)
    for scope in scopes:
        near |= Q(context=scope) | Q(context__startswith=f"{scope}/")
    return [poll for poll in polls.filter(near)[:500] if rules.can_manage_poll(user, poll)]


def status_text(poll: Poll) -> str:
    if poll.status == Poll.Status.DRAFT:
        if poll.opens_at:
            return _("Gepland: gaat open op %(when)s") % {"when": _when(poll.opens_at)}
        return _("In voorbereiding")
    if poll.status == Poll.Status.OPEN:
        if poll.closes_at:
            return _("Open tot %(when)s") % {"when": _when(poll.closes_at)}
        return _("Open")
    return _("Gesloten en geteld")


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M")


def electorate_text(poll: Poll) -> str:
    if poll.electorate == Poll.Electorate.ALL:
        return _("Alle inwoners")
    if poll.electorate == Poll.Electorate.NEIGHBOURHOOD and poll.neighbourhood:
        return _("Inwoners van %(place)s") % {"place": poll.neighbourhood.name}
    source = electorates.source_of(poll.electorate_source)
    if poll.electorate == Poll.Electorate.SOURCE and source is not None:
        return source.describe(poll.electorate_source)
    if contexts.summit_slug(poll.context):
        return _("Deelnemers van de burgertop")
    if poll.context:
        return _("Gekozen bij de nota")
    return _("Een lijst met namen")


@login_required
def workspace_list(request: HttpRequest) -> HttpResponse:
    services.polls_due()
    polls = managed_polls(request.user)
    can_create = rules.can_create_poll(request.user)
    if not polls and not can_create:
        raise PermissionDenied
    return render(
        request,
        "voting/workspace/list.html",
        {
            "rows": [
                {"poll": p, "status": status_text(p), "electorate": electorate_text(p)}
                for p in polls
            ],
            "can_create": can_create,
        },
    )


def _setup_page(
    request: HttpRequest, form: workspace_forms.PollSetupForm, poll: Poll | None, status: int = 200
) -> HttpResponse:
    method = form["method"].value() or ""
    return render(
        request,
        "voting/workspace/form.html",
        {
            "form": form,
            "poll": poll,
            "rows": workspace_forms.with_spare_rows(form.rows),
            "needs": workspace_forms.method_needs(str(method)),
            "methods": workspace_forms.radio_choices(form, "method"),
            "electorates": workspace_forms.radio_choices(form, "electorate"),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def workspace_create(request: HttpRequest) -> HttpResponse:
    if not rules.can_create_poll(request.user):
        raise PermissionDenied
    if request.method != "POST":
        form = workspace_forms.PollSetupForm(user=request.user)  # type: ignore[arg-type]
        return _setup_page(request, form, None)
    form = workspace_forms.PollSetupForm(
        request.POST,
        rows=workspace_forms.rows_from_post(request.POST),
        user=request.user,  # type: ignore[arg-type]
    )
    if request.POST.get("add_rows") or not form.is_valid():
        return _setup_page(request, form, None, 200 if request.POST.get("add_rows") else 400)
    arguments = form.arguments()
    if form.option_errors:
        return _setup_page(request, form, None, 400)
    try:
        poll = services.poll_setup_create(by=request.user, **arguments)  # type: ignore[arg-type]
    except ValidationError as error:
        form.show(error)
        return _setup_page(request, form, None, 400)
    messages.success(request, _("De peiling is opgeslagen."))
    return redirect("poll_workspace", pk=poll.pk)


@login_required
@require_http_methods(["GET", "POST"])
def workspace_edit(request: HttpRequest, pk: int) -> HttpResponse:
    services.polls_due()
    poll = get_object_or_404(Poll, pk=pk)
    if not rules.can_manage_poll(request.user, poll):
        raise PermissionDenied
    if not rules.can_edit_poll(request.user, poll):
        messages.error(request, _("Deze peiling is al geopend en kan niet meer worden gewijzigd."))
        return redirect("poll_workspace", pk=poll.pk)
    if request.method != "POST":
        form = workspace_forms.PollSetupForm(
            initial=workspace_forms.initial_of(poll),
            rows=workspace_forms.rows_of(selectors.poll_options(poll)),
            user=request.user,  # type: ignore[arg-type]
        )
        return _setup_page(request, form, poll)
    form = workspace_forms.PollSetupForm(
        request.POST,
        rows=workspace_forms.rows_from_post(request.POST),
        user=request.user,  # type: ignore[arg-type]
    )
    if request.POST.get("add_rows") or not form.is_valid():
        return _setup_page(request, form, poll, 200 if request.POST.get("add_rows") else 400)
    arguments = form.arguments()
    if form.option_errors:
        return _setup_page(request, form, poll, 400)
    try:
        services.poll_setup_update(poll=poll, by=request.user, **arguments)  # type: ignore[arg-type]
    except ValidationError as error:
        form.show(error)
        return _setup_page(request, form, poll, 400)
    messages.success(request, _("De wijzigingen zijn opgeslagen."))
    return redirect("poll_workspace", pk=poll.pk)


@login_required
def workspace_detail(request: HttpRequest, pk: int) -> HttpResponse:
    services.polls_due()
    poll = get_object_or_404(Poll.objects.select_related("neighbourhood"), pk=pk)
    if not rules.can_manage_poll(request.user, poll):
        raise PermissionDenied
    voters = Eligibility.objects.filter(poll=poll).count()
    return render(
        request,
        "voting/workspace/detail.html",
        {
            "poll": poll,
            "options": selectors.poll_options(poll),
            "status": status_text(poll),
            "electorate": electorate_text(poll),
            "voters": voters,
            "voters_now": selectors.electorate(poll).count()
            if poll.electorate != Poll.Electorate.LIST
            else voters,
            "can_edit": rules.can_edit_poll(request.user, poll),
            "turnout": selectors.turnout(poll),
            "opens_at": _when(poll.opens_at) if poll.opens_at else "",
            "closes_at": _when(poll.closes_at) if poll.closes_at else "",
        },
    )


@login_required
@require_POST
def workspace_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Open now / close now from the workspace; the same services as the ballot page's
    buttons and the schedule."""
    poll = get_object_or_404(Poll, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "open":
            services.poll_open(poll=poll, by=request.user)  # type: ignore[arg-type]
            messages.success(request, _("De peiling is geopend."))
        elif action == "close":
            services.poll_close(poll=poll, by=request.user)  # type: ignore[arg-type]
            messages.success(request, _("De peiling is gesloten en geteld."))
    except services.VotingForbidden as error:
        raise PermissionDenied(str(error)) from error
    except services.VotingError as error:
        messages.error(request, str(error))
    return redirect("poll_workspace", pk=poll.pk)


@login_required
@require_http_methods(["GET", "POST"])
def workspace_voters(request: HttpRequest, pk: int) -> HttpResponse:
    """Import the voters of a poll for a named list: upload, see every row and its error,
    then store (the preview carries the file along; nothing is stored before)."""
    poll = get_object_or_404(Poll, pk=pk)
    if not rules.can_manage_poll(request.user, poll):
        raise PermissionDenied
    form = workspace_forms.VoterFileForm()
    context: dict[str, Any] = {
        "poll": poll,
        "form": form,
        "can_edit": rules.can_edit_poll(request.user, poll),
    }
    status = 200
    if request.method == "POST":
        data = _uploaded(request)
        if request.POST.get("store") and data is not None:
            try:
                count = services.poll_voters_import(poll=poll, by=request.user, data=data)  # type: ignore[arg-type]
            except ValidationError as error:
                context["file_errors"] = error.messages
                status = 400
            else:
                messages.success(request, _("%(count)s kiezers opgeslagen.") % {"count": count})
                return redirect("poll_workspace", pk=poll.pk)
        elif data is None:
            context["file_errors"] = [_("Kies een bestand.")]
            status = 400
        else:
            try:
                preview = services.voter_list_preview(data=data)
            except ValidationError as error:
                context["file_errors"] = error.messages
                status = 400
            else:
                context["preview"] = preview
                context["carried"] = base64.b64encode(data).decode("ascii")
    context["voters"] = Eligibility.objects.filter(poll=poll).select_related("participant")[:200]
    return render(request, "voting/workspace/voters.html", context, status=status)


def _uploaded(request: HttpRequest) -> bytes | None:
    upload = request.FILES.get("file")
    if upload is not None:
        return upload.read(2_000_000)
    carried = request.POST.get("carried", "")
    if carried:
        try:
            return base64.b64decode(carried, validate=True)
        except (binascii.Error, ValueError):
            return None
    return None
