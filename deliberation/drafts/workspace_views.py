"""The nota workspace: staff start a nota, name its editors and co-writers, set its reaction
period and publish versions. Every change is one call of ``setup`` or ``services``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samenspel.forms import show_refusal

from . import rules, selectors, services, setup
from .forms import DraftDetailsForm, DraftStartForm, NamesForm, PeriodForm, PublishForm
from .models import Draft


@login_required
def workspace_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    drafts = selectors.drafts_managed_by(request.user)  # type: ignore[arg-type]
    if not drafts and not rules.can_create(request.user):
        raise PermissionDenied
    rows = [(draft, selectors.draft_state(draft, draft.version_count, now)) for draft in drafts]  # type: ignore[attr-defined]
    return render(
        request,
        "drafts/workspace/list.html",
        {"rows": rows, "can_create": rules.can_create(request.user)},
    )


@login_required
def workspace_create(request: HttpRequest) -> HttpResponse:
    if not rules.can_create(request.user):
        raise PermissionDenied
    form = DraftStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            draft = setup.draft_start(
                by=request.user,  # type: ignore[arg-type]
                title=data["title"],
                kind=data["kind"],
                slug=data["slug"],
                summary=data["summary"],
                from_outline=data["start"] != DraftStartForm.EMPTY,
                now=timezone.now(),
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request, _("De nota is aangemaakt. Kies nu de redacteuren en de reactieperiode.")
            )
            return redirect("drafts:workspace", slug=draft.slug)
    status = 400 if form.is_bound else 200
    return render(request, "drafts/workspace/create.html", {"form": form}, status=status)


def _managed(request: HttpRequest, slug: str) -> Draft:
    draft = get_object_or_404(Draft, slug=slug)
    if not rules.can_manage(request.user, draft):
        raise PermissionDenied
    return draft


def _page(request: HttpRequest, draft: Draft, *, status: int = 200, **forms: Any) -> HttpResponse:
    now = timezone.now()
    versions = list(draft.versions.order_by("-number")[:1])
    query = request.GET.get("zoek", "")
    found = selectors.people_matching(query) if query else []
    people = selectors.draft_people(draft)
    holders = {user.pk for user in people.editors + people.cowriters}
    staff = selectors.staff_ids([user.pk for user in found])
    context = {
        "draft": draft,
        "state": selectors.draft_state(draft, len(versions), now),
        "refusal": rules.reaction_refusal(draft, now),
        "is_closed": draft.reactions_until is not None and draft.reactions_until <= now,
        "latest": versions[0] if versions else None,
        "details_form": forms.get("details_form")
        or DraftDetailsForm(
            initial={
                "title": draft.title,
                "summary": draft.summary,
                "commissioned_by": draft.commissioned_by,
                "ladder": draft.ladder,
            }
        ),
        "period_form": forms.get("period_form")
        or PeriodForm(
            initial={
                "reactions_from": draft.reactions_from and timezone.localtime(draft.reactions_from),
                "reactions_until": draft.reactions_until
                and timezone.localtime(draft.reactions_until),
            }
        ),
        "names_form": NamesForm(initial={"names_visible": draft.names_visible}),
        "publish_form": PublishForm(),
        "people": people,
        "query": query,
        "found": [(user, user.pk in staff, user.pk in holders) for user in found],
        "can_name_editors": rules.can_name_editors(request.user, draft),
        "person_error": forms.get("person_error", ""),
    }
    return render(request, "drafts/workspace/draft.html", context, status=status)


@login_required
def workspace_draft(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, _managed(request, slug))


def _done(
    request: HttpRequest, draft: Draft, action: Callable[[], object], done: str, anchor: str
) -> HttpResponse:
    """Run one service; on success a message and back to the page at ``anchor``."""
    try:
        action()
    except (PermissionError, services.DraftError) as error:
        messages.error(request, str(error))
        return redirect(_at(draft, anchor))
    messages.success(request, done)
    return redirect(_at(draft, anchor))


def _at(draft: Draft, anchor: str) -> str:
    return reverse("drafts:workspace", args=[draft.slug]) + anchor


@login_required
@require_POST
def workspace_details(request: HttpRequest, slug: str) -> HttpResponse:
    draft = _managed(request, slug)
    form = DraftDetailsForm(request.POST)
    if form.is_valid():
        try:
            setup.draft_details_change(
                draft=draft,
                by=request.user,  # type: ignore[arg-type]
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                commissioned_by=form.cleaned_data["commissioned_by"],
                ladder=form.cleaned_data["ladder"],
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("De gegevens zijn opgeslagen."))
            return redirect(_at(draft, "#gegevens"))
    draft.refresh_from_db()
    return _page(request, draft, details_form=form, status=400)


@login_required
@require_POST
def workspace_period(request: HttpRequest, slug: str) -> HttpResponse:
    draft = _managed(request, slug)
    form = PeriodForm(request.POST)
    if form.is_valid():
        try:
            setup.draft_period_set(
                draft=draft,
                by=request.user,  # type: ignore[arg-type]
                opens=form.cleaned_data["reactions_from"],
                closes=form.cleaned_data["reactions_until"],
                now=timezone.now(),
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("De reactieperiode is opgeslagen."))
            return redirect(_at(draft, "#reactieperiode"))
    draft.refresh_from_db()
    return _page(request, draft, period_form=form, status=400)


@login_required
@require_POST
def workspace_period_close(request: HttpRequest, slug: str) -> HttpResponse:
    draft = _managed(request, slug)
    try:
        setup.draft_period_close(draft=draft, by=request.user, now=timezone.now())  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("De reactieperiode is gesloten. Er kan niet meer gereageerd worden.")
        )
    return redirect(_at(draft, "#reactieperiode"))


@login_required
@require_POST
def workspace_names(request: HttpRequest, slug: str) -> HttpResponse:
    draft = _managed(request, slug)
    form = NamesForm(request.POST)
    visible = form.is_valid() and form.cleaned_data["names_visible"]
    setup.draft_names_visible_set(draft=draft, by=request.user, visible=visible)  # type: ignore[arg-type]
    if visible:
        messages.success(request, _("Inwoners zien nu elkaars naam."))
    else:
        messages.success(request, _("Inwoners staan nu op de pagina als ‘Inwoner 1’, ‘Inwoner 2’."))
    return redirect(_at(draft, "#namen"))


@login_required
@require_POST
def workspace_publish(request: HttpRequest, slug: str) -> HttpResponse:
    draft = _managed(request, slug)
    form = PublishForm(request.POST)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    return _done(
        request,
        draft,
        lambda: services.version_publish(
            draft=draft,
            by=request.user,  # type: ignore[arg-type]
            now=timezone.now(),
            note=data.get("note", ""),
            final=bool(data.get("final")),
        ),
        _("De werktekst is gepubliceerd als nieuwe versie."),
        "#versies",
    )


@login_required
@require_POST
def workspace_person(request: HttpRequest, slug: str) -> HttpResponse:
    """Name an editor or invite a co-writer (``rol``), or take the role away (``weg``)."""
    draft = _managed(request, slug)
    username = request.POST.get("person", "")
    name = selectors.public_name_of(username)
    action = request.POST.get("actie", "")
    by = request.user
    try:
        if action == "weg":
            setup.draft_member_remove(draft=draft, by=by, username=username)  # type: ignore[arg-type]
            messages.success(
                request, _("%(name)s kan deze nota niet meer bewerken.") % {"name": name}
            )
        elif action == "redacteur":
            new = setup.draft_editor_name(draft=draft, by=by, username=username)  # type: ignore[arg-type]
            messages.success(
                request,
                (
                    _("%(name)s is nu redacteur van deze nota.")
                    if new
                    else _("%(name)s was al redacteur van deze nota.")
                )
                % {"name": name},
            )
        else:
            new = setup.draft_cowriter_invite(draft=draft, by=by, username=username)  # type: ignore[arg-type]
            messages.success(
                request,
                (
                    _("%(name)s schrijft nu mee aan deze nota.")
                    if new
                    else _("%(name)s was al uitgenodigd om mee te schrijven.")
                )
                % {"name": name},
            )
    except PermissionError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        return _page(request, draft, person_error=" ".join(error.messages), status=400)
    return redirect(_at(draft, "#mensen"))
