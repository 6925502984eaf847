"""The griffie's workspace (/werkruimte/raad/): the council's answer per summit proposal and
per nota amendment, the list of statuses, and the answers as a CSV file out and in. Thin:
forms read, services decide."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from deliberation.models import Proposal, Summit
from samenspel.forms import show_refusal

from . import rules, selectors, services
from .forms import AnswerFileForm, AnswerForm, StatusForm
from .models import AnswerStatus

View = Callable[..., HttpResponse]


def griffie_only(view: View) -> View:
    """Only for whoever may record answers; anyone else signed in is told, in words, that
    the griffie records them and where they can read them."""

    @login_required
    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not rules.can_record_answers(request.user):
            return griffie_forbidden(request)
        return view(request, *args, **kwargs)

    return checked


def griffie_forbidden(request: HttpRequest) -> HttpResponse:
    """The 403 page that says the griffie records the answers and where to read them."""
    return render(
        request,
        "samenspel/message.html",
        {
            "title": _("Alleen voor de griffie"),
            "message": services.forbidden_message(),
            "link": reverse("council_room") if rules.can_read_room(request.user) else "",
            "link_text": _("Naar de leeskamer voor de raad"),
        },
        status=403,
    )


@griffie_only
def answers_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.answerable_proposals()
    amendments = selectors.answerable_amendments()
    return render(
        request,
        "council/workspace/answers.html",
        {
            "rows": rows,
            "answered": sum(1 for _p, answer in rows if answer),
            "amendments": amendments,
            "amendments_answered": sum(1 for item in amendments if item.answer),
        },
    )


@griffie_only
@require_http_methods(["GET", "POST"])
def answer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(
        Proposal.objects.select_related("summit", "theme", "table").exclude(
            summit__status=Summit.Status.DRAFT
        ),
        pk=pk,
    )
    answer = selectors.answers_by_proposal([proposal.pk]).get(proposal.pk)
    status = 200
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                services.answer_record(proposal=proposal, by=request.user, given=form.given())  # type: ignore[arg-type]
            except ValidationError as error:
                show_refusal(form, error)
            else:
                messages.success(
                    request,
                    _("Het antwoord op voorstel %(number)s is opgeslagen.")
                    % {"number": proposal.number},
                )
                return redirect("council_answers")
        status = 400
    else:
        form = AnswerForm(answer=answer)
    trail = selectors.proposal_trail(proposal)
    return render(
        request,
        "council/workspace/answer_form.html",
        {"form": form, "proposal": proposal, "trail": trail, "answer": answer},
        status=status,
    )


@griffie_only
@require_http_methods(["GET", "POST"])
def amendment_answer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The council's answer on one amendment of a nota with a published version."""
    item = selectors.answerable_amendment(pk)
    if item is None:
        raise Http404
    status = 200
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                services.amendment_answer_record(
                    amendment=item.amendment,
                    by=request.user,  # type: ignore[arg-type]
                    given=form.given(),
                )
            except ValidationError as error:
                show_refusal(form, error)
            else:
                messages.success(
                    request,
                    _("Het antwoord op amendement %(number)s van %(nota)s is opgeslagen.")
                    % {"number": item.number, "nota": item.draft.title},
                )
                return redirect(f"{reverse('council_answers')}#nota-{item.draft.pk}")
        status = 400
    else:
        form = AnswerForm(answer=item.answer)
    return render(
        request,
        "council/workspace/amendment_form.html",
        {"form": form, "item": item, "history": selectors.amendment_history(item.answer)},
        status=status,
    )


@griffie_only
@require_http_methods(["GET", "POST"])
def statuses(request: HttpRequest) -> HttpResponse:
    """The list of statuses: add one, move one up or down, delete one no answer uses."""
    form = StatusForm()
    status_code = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        raw = request.POST.get("status", "")
        chosen = AnswerStatus.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
        try:
            if action in {"up", "down"} and chosen:
                services.status_move(by=request.user, status=chosen, up=action == "up")  # type: ignore[arg-type]
                messages.success(request, _("De volgorde is opgeslagen."))
                return redirect("council_statuses")
            if action == "delete" and chosen:
                services.status_delete(by=request.user, status=chosen)  # type: ignore[arg-type]
                messages.success(
                    request, _("De status '%(label)s' is verwijderd.") % {"label": chosen.label}
                )
                return redirect("council_statuses")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("council_statuses")
        form = StatusForm(request.POST)
        if form.is_valid():
            try:
                services.status_save(by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
            except ValidationError as error:
                show_refusal(form, error)
            else:
                messages.success(request, _("De status is toegevoegd."))
                return redirect("council_statuses")
        status_code = 400
    in_use = set(AnswerStatus.objects.filter(answers__isnull=False).values_list("pk", flat=True))
    return render(
        request,
        "council/workspace/statuses.html",
        {"form": form, "statuses": selectors.statuses(), "in_use": in_use},
        status=status_code,
    )


@griffie_only
@require_http_methods(["GET", "POST"])
def status_edit(request: HttpRequest, pk: int) -> HttpResponse:
    status = get_object_or_404(AnswerStatus, pk=pk)
    if request.method == "POST":
        form = StatusForm(request.POST, editing=True)
        if form.is_valid():
            try:
                services.status_save(by=request.user, status=status, **form.cleaned_data)  # type: ignore[arg-type]
            except ValidationError as error:
                show_refusal(form, error)
            else:
                messages.success(request, _("De status is opgeslagen."))
                return redirect("council_statuses")
        code = 400
    else:
        form = StatusForm(
            editing=True, initial={"label": status.label, "progress": status.progress}
        )
        code = 200
    return render(
        request, "council/workspace/status_form.html", {"form": form, "status": status}, status=code
    )


@griffie_only
def answers_export(request: HttpRequest) -> HttpResponse:
    excel = request.GET.get("dialect") == "excel"
    response = HttpResponse(
        selectors.answers_csv(excel=excel), content_type="text/csv; charset=utf-8"
    )
    name = "antwoorden-raad-excel.csv" if excel else "antwoorden-raad.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@griffie_only
@require_http_methods(["GET", "POST"])
def answers_import(request: HttpRequest) -> HttpResponse:
    """Upload, see every row with what it changes or what is wrong, then store all rows
    (the preview carries the file along; nothing is stored before, or if a row is wrong)."""
    context: dict[str, Any] = {"form": AnswerFileForm()}
    status = 200
    if request.method == "POST":
        data = _uploaded(request)
        if data is None:
            context["file_errors"] = [_("Kies een CSV-bestand.")]
            status = 400
        elif request.POST.get("store"):
            try:
                check = services.answer_file_import(by=request.user, data=data)  # type: ignore[arg-type]
            except ValidationError as error:
                context["file_errors"] = error.messages
                status = 400
            else:
                messages.success(
                    request,
                    _("%(count)s antwoord(en) opgeslagen.") % {"count": len(check.to_store)},
                )
                return redirect("council_answers")
        else:
            try:
                check = services.answer_file_check(data=data)
            except ValidationError as error:
                context["file_errors"] = error.messages
                status = 400
            else:
                context["check"] = check
                context["carried"] = base64.b64encode(data).decode("ascii")
                status = 200 if check.ok else 400
    return render(request, "council/workspace/import.html", context, status=status)


def _uploaded(request: HttpRequest) -> bytes | None:
    upload = request.FILES.get("file")
    if upload is not None:
        return upload.read(3_000_000)
    carried = request.POST.get("carried", "")
    if carried:
        try:
            return base64.b64decode(carried, validate=True)
        except (binascii.Error, ValueError):
            return None
    return None
