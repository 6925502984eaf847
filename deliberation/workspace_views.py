"""The summit workspace (/werkruimte/burgertop/): staff prepare a summit's frame and open,
close and archive it. Thin: each form goes to one service in ``services.setup``."""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samenspel.forms import show_refusal
from samenspel.models import Role, RoleGrant, User
from voting.models import Method

from . import rules, services
from .models import Step, Summit, SummitTable
from .workspace_forms import (
    LADDER_EXPLAINED,
    RoleGrantForm,
    StepForm,
    SummitCreateForm,
    SummitDetailsForm,
    TableForm,
    TablesAddForm,
)

STATUS_ORDER = [Summit.Status.OPEN, Summit.Status.DRAFT, Summit.Status.CLOSED]


def manageable_summits(user: User) -> QuerySet[Summit]:
    """The summits ``user`` may manage: all for an administrator or a facilitator everywhere,
    else those of their facilitator grants."""
    if not user.is_authenticated:
        return Summit.objects.none()
    summits = Summit.objects.order_by("-date", "-pk")
    if rules.can_create_summit(user):
        return summits
    scopes = set(
        RoleGrant.objects.filter(
            user=user, role__in=[Role.FACILITATOR, Role.ADMINISTRATOR]
        ).values_list("scope", flat=True)
    )
    if "" in scopes:
        return summits
    slugs = [scope.removeprefix("summit:") for scope in scopes if scope.startswith("summit:")]
    return summits.filter(slug__in=slugs)


def _managed(request: HttpRequest, slug: str) -> Summit:
    summit = get_object_or_404(Summit, slug=slug)
    if not rules.can_manage_summit(request.user, summit):
        raise PermissionDenied
    return summit


def _page(request: HttpRequest, summit: Summit, template: str, **context: Any) -> HttpResponse:
    context.update(
        summit=summit,
        editable=rules.summit_is_editable(summit),
        can_manage_roles=rules.can_manage_summit_roles(request.user, summit),
    )
    status = 400 if any(f.errors for f in context.values() if hasattr(f, "errors")) else 200
    return render(request, f"deliberation/workspace/{template}", context, status=status)


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
def summit_list(request: HttpRequest) -> HttpResponse:
    summits = list(manageable_summits(request.user))
    active = [s for s in summits if s.status != Summit.Status.ARCHIVED]
    active.sort(key=lambda s: STATUS_ORDER.index(Summit.Status(s.status)))
    if not summits and not rules.can_create_summit(request.user):
        raise PermissionDenied
    return render(
        request,
        "deliberation/workspace/summit_list.html",
        {
            "active": active,
            "archived": [s for s in summits if s.status == Summit.Status.ARCHIVED],
            "can_create": rules.can_create_summit(request.user),
        },
    )


@login_required
def summit_create(request: HttpRequest) -> HttpResponse:
    if not rules.can_create_summit(request.user):
        raise PermissionDenied
    form = SummitCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            summit = services.summit_create(
                by=request.user, now=timezone.now(), **form.cleaned_data
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("De burgertop is gemaakt. Vul nu de gegevens aan."))
            return redirect("summit_workspace", slug=summit.slug)
    return render(
        request,
        "deliberation/workspace/summit_create.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
def summit_workspace(request: HttpRequest, slug: str) -> HttpResponse:
    summit = _managed(request, slug)
    links = [
        (_("Regie (gespreksleider)"), reverse("summit_control", args=[slug])),
        (_("Balie"), reverse("summit_desk", args=[slug])),
        (_("Themateam"), reverse("summit_themes", args=[slug])),
        (_("Zaalscherm"), reverse("summit_hall", args=[slug, summit.hall_token])),
    ]
    with contextlib.suppress(NoReverseMatch):
        links.insert(0, (_("Deelnemers"), reverse("summit_participants", args=[slug])))
    return _page(
        request,
        summit,
        "summit.html",
        links=links,
        ladder_explained=LADDER_EXPLAINED[Summit.Ladder(summit.ladder)],
        step_count=summit.steps.count(),
        hall_tables=summit.tables.filter(online=False).count(),
        online_tables=summit.tables.filter(online=True).count(),
    )


@login_required
@require_POST
def summit_status(request: HttpRequest, slug: str) -> HttpResponse:
    summit = _managed(request, slug)
    change = {
        "open": (services.summit_open, _("De burgertop is open.")),
        "close": (services.summit_close, _("De burgertop is gesloten.")),
        "archive": (services.summit_archive, _("De burgertop is gearchiveerd.")),
    }.get(request.POST.get("action", ""))
    if change is None:
        messages.error(request, _("Kies wat u wilt doen."))
    else:
        service, done = change
        try:
            service(summit=summit, by=request.user, now=timezone.now())
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, done)
    return redirect("summit_workspace", slug=slug)


@login_required
def summit_details(request: HttpRequest, slug: str) -> HttpResponse:
    summit = _managed(request, slug)
    initial = {
        "title": summit.title,
        "slug": summit.slug,
        "date": summit.date,
        "place": summit.place,
        "question": summit.question,
        "limits": summit.limits,
        "commissioned_by": summit.commissioned_by,
        "ladder": summit.ladder,
    }
    readonly_slug = summit.status != Summit.Status.DRAFT
    form = SummitDetailsForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        readonly_slug=readonly_slug,
    )
    if request.method == "POST" and form.is_valid():
        try:
            summit = services.summit_update(
                summit=summit, by=request.user, now=timezone.now(), **form.cleaned_data
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("De gegevens zijn opgeslagen."))
            return redirect("summit_workspace", slug=summit.slug)
    return _page(request, summit, "summit_details.html", form=form)


@login_required
def summit_agenda(request: HttpRequest, slug: str) -> HttpResponse:
    summit = _managed(request, slug)
    form = StepForm(request.POST or None, initial={"minutes": 15})
    if request.method == "POST" and form.is_valid():
        try:
            services.summit_step_add(summit=summit, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("De stap is toegevoegd."))
            return redirect("summit_agenda", slug=slug)
    steps = list(summit.steps.order_by("position"))
    current = summit.current_step
    rows = [
        {
            "step": step,
            "minutes": step.duration_seconds // 60,
            "done": current is not None and step.position <= current.position,
            "vote": Method(step.vote_method or services.DEFAULT_VOTE_METHOD).label
            if step.kind == Step.Kind.VOTE
            else "",
            "first": index == 0,
            "last": index == len(steps) - 1,
        }
        for index, step in enumerate(steps)
    ]
    return _page(request, summit, "summit_agenda.html", rows=rows, form=form)


def _step(summit: Summit, step_id: int) -> Step:
    return get_object_or_404(Step, pk=step_id, summit=summit)


@login_required
def summit_step_edit(request: HttpRequest, slug: str, step_id: int) -> HttpResponse:
    summit = _managed(request, slug)
    step = _step(summit, step_id)
    initial = {
        "kind": step.kind,
        "title": step.title,
        "question": step.question,
        "minutes": step.duration_seconds // 60,
        "vote_method": step.vote_method,
        "vote_number": step.vote_number,
        "vote_reveal_on_close": step.vote_reveal_on_close,
    }
    form = StepForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.summit_step_update(step=step, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("De stap is opgeslagen."))
            return redirect("summit_agenda", slug=slug)
    return _page(request, summit, "summit_step.html", step=step, form=form)


@login_required
@require_POST
def summit_step_move(request: HttpRequest, slug: str, step_id: int) -> HttpResponse:
    summit = _managed(request, slug)
    step = _step(summit, step_id)
    try:
        services.summit_step_move(step=step, by=request.user, up=request.POST.get("to") == "up")
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("De stap „%(title)s” is verplaatst.") % {"title": step.title})
    return redirect(reverse("summit_agenda", args=[slug]) + f"#stap-{step.pk}")


@login_required
@require_POST
def summit_step_remove(request: HttpRequest, slug: str, step_id: int) -> HttpResponse:
    summit = _managed(request, slug)
    step = _step(summit, step_id)
    try:
        services.summit_step_remove(step=step, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("De stap „%(title)s” is weggehaald.") % {"title": step.title})
    return redirect("summit_agenda", slug=slug)


@login_required
def summit_tables(request: HttpRequest, slug: str) -> HttpResponse:
    summit = _managed(request, slug)
    form = TablesAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.summit_tables_add(summit=summit, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("%(count)d tafels toegevoegd.") % {"count": len(added)})
            return redirect("summit_tables", slug=slug)
    tables = summit.tables.select_related("host").order_by("number")
    return _page(request, summit, "summit_tables.html", tables=tables, form=form)


def _hosts(summit: Summit, table: SummitTable) -> list[tuple[str, str]]:
    """Who can host a table here: everyone with the table-host role, everywhere or here."""
    grants = RoleGrant.objects.filter(
        role=Role.TABLE_HOST, scope__in=["", summit.scope]
    ).select_related("user")
    users = {grant.user.pk: grant.user for grant in grants}
    if table.host is not None:
        users[table.host.pk] = table.host
    ordered = sorted(users.values(), key=lambda user: user.public_name.lower())
    return [(str(user.pk), f"{user.public_name} ({user.username})") for user in ordered]


@login_required
def summit_table_edit(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    summit = _managed(request, slug)
    table = get_object_or_404(
        SummitTable.objects.select_related("host"), summit=summit, number=number
    )
    hosts = _hosts(summit, table)
    initial = {
        "capacity": table.capacity,
        "video_url": table.video_url,
        "host": str(table.host_id or ""),
    }
    form = TableForm(
        request.POST if request.method == "POST" else None, initial=initial, hosts=hosts
    )
    if request.method == "POST" and form.is_valid():
        host_id = form.cleaned_data["host"]
        host = User.objects.filter(pk=host_id).first() if host_id else None
        try:
            services.summit_table_update(
                table=table,
                by=request.user,
                capacity=form.cleaned_data["capacity"],
                video_url=form.cleaned_data["video_url"],
                host=host,
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Tafel %(number)d is opgeslagen.") % {"number": number})
            return redirect("summit_tables", slug=slug)
    return _page(request, summit, "summit_table.html", table=table, form=form)


@login_required
def summit_roles(request: HttpRequest, slug: str) -> HttpResponse:
    summit = _managed(request, slug)
    form = RoleGrantForm(request.POST or None)
    if request.method == "POST":
        if not rules.can_manage_summit_roles(request.user, summit):
            raise PermissionDenied
        if form.is_valid():
            user = User.objects.filter(username=form.cleaned_data["username"].strip()).first()
            if user is None:
                form.add_error("username", _("Er is niemand met deze gebruikersnaam."))
            else:
                try:
                    services.summit_role_grant(
                        summit=summit, by=request.user, user=user, role=form.cleaned_data["role"]
                    )
                except ValidationError as error:
                    show_refusal(form, error)
                else:
                    messages.success(
                        request,
                        _("%(name)s heeft nu de rol %(role)s.")
                        % {"name": user.public_name, "role": Role(form.cleaned_data["role"]).label},
                    )
                    return redirect("summit_roles", slug=slug)
    grants = (
        RoleGrant.objects.filter(role__in=rules.SCOPED_ROLES, scope__in=["", summit.scope])
        .select_related("user")
        .order_by("role", "user__username")
    )
    labels = dict(Role.choices)
    groups = [
        {
            "role": role,
            "label": labels[role],
            "grants": [g for g in grants if g.role == role],
        }
        for role in rules.SCOPED_ROLES
    ]
    return _page(request, summit, "summit_roles.html", groups=groups, form=form)


@login_required
@require_POST
def summit_role_revoke(request: HttpRequest, slug: str) -> HttpResponse:
    summit = _managed(request, slug)
    user = get_object_or_404(User, pk=request.POST.get("user", "0") or "0")
    try:
        services.summit_role_revoke(
            summit=summit, by=request.user, user=user, role=request.POST.get("role", "")
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request, _("%(name)s heeft deze rol niet meer.") % {"name": user.public_name}
        )
    return redirect("summit_roles", slug=slug)
