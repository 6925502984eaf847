"""The participation report's pages: the griffie makes a summit's, a nota's or a closed
poll's report in the workspace (/werkruimte/raad/verslagen/; a poll's managers make their
poll's there too); anyone reads the newest one at /raad/burgertop/<slug>/verslag/,
/raad/nota/<slug>/verslag/ or /raad/peiling/<id>/verslag/ and downloads its files there
(it holds no personal data, like the summit's public council page). Thin: the service
decides, selectors read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from deliberation.drafts.models import Draft
from deliberation.models import Summit
from voting.models import Poll

from . import rules, selectors, services
from .models import Report
from .report import formats
from .report import poll as poll_reports
from .workspace_views import griffie_forbidden

CONTENT_TYPES = {
    "zip": "application/zip",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}


@login_required
@require_http_methods(["GET", "POST"])
def reports(request: HttpRequest) -> HttpResponse:
    """For the griffie: every summit that is not a draft, every nota with a published
    version and every poll of the workspace that was opened, with its newest report and a
    button to make one. Whoever manages a poll of the workspace sees those polls only."""
    griffie = rules.can_record_answers(request.user)
    polls = [
        p
        for p in poll_reports.reportable_polls().select_related("result")
        if griffie or rules.can_make_poll_report(request.user, p)
    ]
    if not griffie and not polls:
        return griffie_forbidden(request)
    refused: dict[int, str] = {}
    refused_notas: dict[int, str] = {}
    refused_polls: dict[int, str] = {}
    if request.method == "POST":
        subject: Summit | Draft | Poll
        try:
            if "poll" in request.POST:
                subject = get_object_or_404(
                    Poll, pk__in=[p.pk for p in polls], pk=_number(request.POST.get("poll"))
                )
                services.poll_report_publish(poll=subject, by=request.user, now=timezone.now())
            elif not griffie:
                return griffie_forbidden(request)
            elif "draft" in request.POST:
                subject = get_object_or_404(
                    selectors.reportable_notas(), slug=request.POST.get("draft")
                )
                services.nota_report_publish(draft=subject, by=request.user, now=timezone.now())
            else:
                subject = get_object_or_404(
                    selectors.readable_summits(), slug=request.POST.get("summit")
                )
                services.report_publish(summit=subject, by=request.user, now=timezone.now())
        except ValidationError as error:
            into = (
                refused_polls
                if isinstance(subject, Poll)
                else refused_notas
                if isinstance(subject, Draft)
                else refused
            )
            into[subject.pk] = " ".join(error.messages)
        else:
            made_text = (
                _(
                    "Het participatieverslag van %(title)s is gemaakt; de uitslagpagina linkt ernaar."
                )
                if isinstance(subject, Poll)
                else _("Het participatieverslag van %(title)s is gemaakt en staat in de leeskamer.")
            )
            messages.success(request, made_text % {"title": subject.title})
            return redirect("council_reports")
    rows: list[tuple[Summit, Report | None, str]] = []
    nota_rows: list[tuple[Draft, Report | None, str]] = []
    if griffie:
        summits = list(selectors.readable_summits())
        made = selectors.latest_reports(s.pk for s in summits)
        rows = [(s, made.get(s.pk), refused.get(s.pk, "")) for s in summits]
        notas = list(selectors.reportable_notas())
        made_notas = selectors.latest_nota_reports(d.pk for d in notas)
        nota_rows = [(d, made_notas.get(d.pk), refused_notas.get(d.pk, "")) for d in notas]
    made_polls = poll_reports.latest_poll_reports([p.pk for p in polls])
    poll_rows = [(p, made_polls.get(p.pk), refused_polls.get(p.pk, "")) for p in polls]
    return render(
        request,
        "council/workspace/reports.html",
        {"griffie": griffie, "rows": rows, "nota_rows": nota_rows, "poll_rows": poll_rows},
        status=400 if refused or refused_notas or refused_polls else 200,
    )


def _number(text: str | None) -> int:
    return int(text) if text and text.isdigit() else 0


def _report(slug: str) -> tuple[Summit, Report]:
    summit = get_object_or_404(Summit.objects.exclude(status=Summit.Status.DRAFT), slug=slug)
    made = selectors.latest_report(summit)
    if made is None:
        raise Http404
    return summit, made


def _nota_report(slug: str) -> tuple[Draft, Report]:
    draft = get_object_or_404(selectors.reportable_notas(), slug=slug)
    made = selectors.latest_nota_report(draft)
    if made is None:
        raise Http404
    return draft, made


@require_GET
def report_page(request: HttpRequest, slug: str) -> HttpResponse:
    summit, made = _report(slug)
    page = selectors.report_page(made)
    return render(
        request,
        "council/report.html",
        {
            "slug": summit.slug,
            "file_view": "council_report_file",
            "back_url": reverse("council_public_outcome", args=[summit.slug]),
            "back_text": _("Wat is er met de voorstellen gedaan?"),
            "made": made,
            "report": page.data,
            "files": page.files,
        },
    )


@require_GET
def nota_report_page(request: HttpRequest, slug: str) -> HttpResponse:
    draft, made = _nota_report(slug)
    page = selectors.report_page(made)
    return render(
        request,
        "council/report.html",
        {
            "slug": draft.slug,
            "file_view": "council_nota_report_file",
            "back_url": reverse("council_public_nota", args=[draft.slug]),
            "back_text": _("Wat is er met de amendementen gedaan?"),
            "made": made,
            "report": page.data,
            "files": page.files,
        },
    )


def _poll_report(pk: int) -> tuple[Poll, Report]:
    """A closed poll's newest report; 404 while it has none (a closed poll's results are
    public, so its report is too)."""
    poll = get_object_or_404(Poll, pk=pk, status=Poll.Status.CLOSED)
    made = poll_reports.latest_poll_report(poll)
    if made is None:
        raise Http404
    return poll, made


@require_GET
def poll_report_page(request: HttpRequest, pk: int) -> HttpResponse:
    poll, made = _poll_report(pk)
    page = selectors.report_page(made)
    page.data["option_word"] = formats.option_word_of(page.data["kind"])
    return render(
        request,
        "council/report.html",
        {
            "slug": poll.pk,
            "file_view": "council_poll_report_file",
            "back_url": reverse("poll_results", args=[poll.pk]),
            "back_text": _("De uitslag van de peiling"),
            "made": made,
            "report": page.data,
            "files": page.files,
        },
    )


@require_GET
def poll_report_file(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """One file of a poll's newest report, or the whole ZIP."""
    _poll, made = _poll_report(pk)
    return _file(made, name)


@require_GET
def report_file(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    """One file of the newest report, or the whole ZIP."""
    _summit, made = _report(slug)
    return _file(made, name)


@require_GET
def nota_report_file(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    """One file of a nota's newest report, or the whole ZIP."""
    _draft, made = _nota_report(slug)
    return _file(made, name)


def _file(made: Report, name: str) -> HttpResponse:
    if name == formats.ARCHIVE:
        body = bytes(made.archive)
    else:
        body = selectors.report_files(made).get(name, b"")
        if not body:
            raise Http404
    kind = CONTENT_TYPES.get(name.rsplit(".", 1)[-1], "text/plain; charset=utf-8")
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name.rsplit("/", 1)[-1]}"'
    return response


@require_GET
def report_schema(request: HttpRequest) -> HttpResponse:
    """The JSON Schema of the report's JSON file, at a stable address."""
    return HttpResponse(formats.schema_text(), content_type="application/schema+json")
