"""Read API for the council (/api/v1/answers/, /api/v1/reports/): per frozen proposal of a
summit the council's answer (status, reasons, decision, milestones), and each summit's
newest participation report with its download addresses.

Only what the public council page (``/raad/burgertop/<slug>/``) and the report's page show:
summits still being prepared stay out, and so does who recorded an answer or made a report.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.urls import path, reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from deliberation.drafts.markdown import render_markdown
from deliberation.models import Proposal
from samenspel.api_lists import FILTER_ERROR, DateRangeFilter, ReadList, unknown_value

from .models import Answer, AnswerStatus, Report
from .report import formats
from .selectors import UNANSWERED, answers_by_proposal, readable_summits


class StatusSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    progress = serializers.IntegerField(help_text="How far the work is, in percent.")


class MilestoneSerializer(serializers.Serializer):
    date = serializers.DateField()
    progress = serializers.IntegerField()
    description = serializers.CharField()


class AnswerSerializer(serializers.Serializer):
    status = StatusSerializer()
    reasons = serializers.CharField(help_text="Markdown, as written.")
    reasons_html = serializers.CharField(help_text="The reasons rendered and sanitised.")
    decision_date = serializers.DateField(allow_null=True)
    decision_reference = serializers.CharField()
    milestones = MilestoneSerializer(many=True)
    updated_at = serializers.DateTimeField()


class AnsweredProposalSerializer(serializers.Serializer):
    summit = serializers.CharField(help_text="The summit's slug.")
    number = serializers.IntegerField()
    title = serializers.CharField()
    answer = AnswerSerializer(allow_null=True, help_text="Null while the council has not answered.")
    page_url = serializers.CharField(help_text="The summit's public council page.")
    proposal_url = serializers.CharField(
        allow_null=True, help_text="The proposal in the summits API, once its outcome is published."
    )


class AnswerFilter(DateRangeFilter):
    """``since``/``until``: the summit's date, as in the council's reading room."""

    summit = serializers.SlugField(required=False, help_text="The summit's slug.")
    status = serializers.SlugField(
        required=False,
        help_text="An answer status's key, or 'geen' for proposals not answered yet.",
    )

    def validate_status(self, value: str) -> str:
        if value != UNANSWERED and not AnswerStatus.objects.filter(key=value).exists():
            raise unknown_value([*AnswerStatus.objects.values_list("key", flat=True), UNANSWERED])
        return value


def _answer_data(answer: Answer) -> dict[str, Any]:
    return {
        "status": {
            "key": answer.status.key,
            "label": answer.status.label,
            "progress": answer.status.progress,
        },
        "reasons": answer.reasons,
        "reasons_html": render_markdown(answer.reasons) if answer.reasons else "",
        "decision_date": answer.decision_date,
        "decision_reference": answer.decision_reference,
        "milestones": [
            {"date": m.date, "progress": m.progress, "description": m.description}
            for m in answer.milestones.all()
        ],
        "updated_at": answer.updated_at,
    }


@extend_schema_view(
    get=extend_schema(
        operation_id="answers_list",
        parameters=[AnswerFilter],
        responses={200: AnsweredProposalSerializer(many=True), 400: FILTER_ERROR},
    )
)
class AnswerList(ReadList):
    """The frozen proposals of every summit that is not being prepared, newest summit first,
    each with the council's answer; filter by ``summit``, by the answer's ``status`` (``geen``:
    not answered yet) and by the summit's date (``since``, ``until``)."""

    serializer_class = AnsweredProposalSerializer
    filter_serializer = AnswerFilter

    def rows(self, filters: dict[str, Any]) -> QuerySet[Proposal]:
        rows = Proposal.objects.filter(
            status=Proposal.Status.FROZEN, summit__in=readable_summits()
        ).select_related("summit")
        if "summit" in filters:
            rows = rows.filter(summit__slug=filters["summit"])
        if "since" in filters:
            rows = rows.filter(summit__date__gte=filters["since"])
        if "until" in filters:
            rows = rows.filter(summit__date__lte=filters["until"])
        answered = Answer.objects.filter(proposal__isnull=False)
        status = filters.get("status")
        if status == UNANSWERED:
            rows = rows.exclude(pk__in=answered.values("proposal_id"))
        elif status:
            rows = rows.filter(pk__in=answered.filter(status__key=status).values("proposal_id"))
        return rows.order_by("-summit__date", "-summit_id", "number")

    def paginate_queryset(self, queryset: Any) -> list[Any] | None:
        page = super().paginate_queryset(queryset)
        self.answers = answers_by_proposal(p.pk for p in page or [])
        return page

    def item(self, row: Proposal) -> dict[str, Any]:
        answer = self.answers.get(row.pk)
        summit = row.summit
        published = summit.outcome_published_at is not None
        return {
            "summit": summit.slug,
            "number": row.number,
            "title": row.title,
            "answer": _answer_data(answer) if answer else None,
            "page_url": self.request.build_absolute_uri(
                reverse("council_public_outcome", args=[summit.slug])
            ),
            "proposal_url": (
                self.request.build_absolute_uri(
                    reverse("api-summit-proposal", args=[summit.slug, row.number])
                )
                if published
                else None
            ),
        }


class ReportSerializer(serializers.Serializer):
    summit = serializers.CharField(help_text="The summit's slug.")
    title = serializers.CharField(help_text="The summit's title.")
    generated_at = serializers.DateTimeField()
    sha256 = serializers.CharField(help_text="SHA-256 of the ZIP.")
    page_url = serializers.CharField()
    archive_url = serializers.CharField(help_text="Every file of the report in one ZIP.")
    pdf_url = serializers.CharField()
    json_url = serializers.CharField()


class ReportFilter(DateRangeFilter):
    """``since``/``until``: the day the report was made (Dutch time)."""


@extend_schema_view(
    get=extend_schema(
        operation_id="reports_list",
        parameters=[ReportFilter],
        responses={200: ReportSerializer(many=True), 400: FILTER_ERROR},
    )
)
class ReportList(ReadList):
    """The newest participation report of each summit that has one, newest first; filter by
    the day it was made (``since``, ``until``)."""

    serializer_class = ReportSerializer
    filter_serializer = ReportFilter

    def rows(self, filters: dict[str, Any]) -> list[Report]:
        newest: dict[int, Report] = {}
        made = Report.objects.filter(summit__in=readable_summits()).select_related("summit")
        for report in made.defer("archive").order_by("-generated_at", "-pk"):
            newest.setdefault(report.summit_id, report)
        rows = list(newest.values())
        if "since" in filters:
            rows = [r for r in rows if _day(r) >= filters["since"]]
        if "until" in filters:
            rows = [r for r in rows if _day(r) <= filters["until"]]
        return rows

    def item(self, row: Report) -> dict[str, Any]:
        slug = row.summit.slug

        def file_url(name: str) -> str:
            return self.request.build_absolute_uri(
                reverse("council_report_file", args=[slug, name])
            )

        return {
            "summit": slug,
            "title": row.summit.title,
            "generated_at": row.generated_at,
            "sha256": row.sha256,
            "page_url": self.request.build_absolute_uri(reverse("council_report", args=[slug])),
            "archive_url": file_url(formats.ARCHIVE),
            "pdf_url": file_url(formats.PDF),
            "json_url": file_url(formats.JSON),
        }


def _day(report: Report) -> date:
    return timezone.localtime(report.generated_at).date()


urlpatterns = [
    path("answers/", AnswerList.as_view(), name="api-answers"),
    path("reports/", ReportList.as_view(), name="api-reports"),
]
