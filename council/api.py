"""Read API for the council (/api/v1/answers/, /api/v1/reports/): per frozen proposal of a
summit and per amendment of a nota the council's answer (status, reasons, decision,
milestones), and each summit's and nota's newest participation report with its download
addresses.

Only what the public council pages (``/raad/burgertop/<slug>/``, ``/raad/nota/<slug>/``)
and the report's page show: summits still being prepared and notas without a published
version stay out, and so does who recorded an answer or made a report.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, overload

from django.db.models import Q, QuerySet
from django.urls import path, reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from deliberation.drafts.markdown import render_markdown
from deliberation.drafts.models import Amendment
from deliberation.models import Proposal
from samenspel.api_lists import FILTER_ERROR, DateRangeFilter, ReadList, unknown_value
from voting.models import Poll

from .answer_file import KIND_AMENDMENT, KIND_PROPOSAL
from .models import Answer, AnswerStatus, Report
from .report import formats
from .selectors import (
    UNANSWERED,
    amendment_numbers,
    amendment_title,
    answers_by_proposal,
    readable_summits,
    reportable_notas,
)

KINDS = [KIND_PROPOSAL, KIND_AMENDMENT]


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
    kind = serializers.ChoiceField(
        choices=KINDS,
        help_text="What is answered: a summit's proposal (voorstel) or a nota's amendment "
        "(amendement).",
    )
    summit = serializers.CharField(
        allow_null=True, help_text="The summit's slug; null for an amendment."
    )
    nota = serializers.CharField(
        allow_null=True, help_text="The nota's slug (as in drafts/); null for a proposal."
    )
    number = serializers.IntegerField(
        help_text="The proposal's number, or the amendment's number in its nota (1, 2, ... in "
        "the order they were proposed, as the nota's report numbers them)."
    )
    title = serializers.CharField(
        help_text="The proposal's title, or the start of the passage the amendment replaces."
    )
    answer = AnswerSerializer(allow_null=True, help_text="Null while the council has not answered.")
    page_url = serializers.CharField(help_text="The summit's or the nota's public council page.")
    proposal_url = serializers.CharField(
        allow_null=True,
        help_text="The proposal in the summits API, once its outcome is published; null for an "
        "amendment.",
    )
    nota_url = serializers.CharField(
        allow_null=True, help_text="The nota in the drafts API; null for a proposal."
    )


class AnswerFilter(DateRangeFilter):
    """``since``/``until``: the summit's date, or the day an amendment was proposed."""

    kind = serializers.ChoiceField(
        choices=KINDS, required=False, help_text="Only proposals (voorstel) or amendments."
    )
    summit = serializers.SlugField(
        required=False, help_text="The summit's slug (only its proposals)."
    )
    nota = serializers.SlugField(required=False, help_text="The nota's slug (only its amendments).")
    status = serializers.SlugField(
        required=False,
        help_text="An answer status's key, or 'geen' for what is not answered yet.",
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


class _Chained(Sequence[Any]):
    """Two querysets as one list for a page: the count and the slice of each is asked of
    the database, never the whole of either."""

    def __init__(self, first: QuerySet[Any], second: QuerySet[Any]) -> None:
        self.first, self.second = first, second
        self._first_count: int | None = None

    def count(self) -> int:  # type: ignore[override]
        return self._count_first() + self.second.count()

    def _count_first(self) -> int:
        if self._first_count is None:
            self._first_count = self.first.count()
        return self._first_count

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, int):
            found = self[index : index + 1]
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop = index.start or 0, index.stop
        split = self._count_first()
        rows = list(self.first[start : min(stop, split)]) if start < split else []
        if stop > split:
            rows += list(self.second[max(start - split, 0) : stop - split])
        return rows


@extend_schema_view(
    get=extend_schema(
        operation_id="answers_list",
        parameters=[AnswerFilter],
        responses={200: AnsweredProposalSerializer(many=True), 400: FILTER_ERROR},
    )
)
class AnswerList(ReadList):
    """The frozen proposals of every summit that is not being prepared, newest summit first,
    then the amendments of every nota with a published version (by the nota's title), each
    with the council's answer; filter by ``kind``, ``summit``, ``nota``, by the answer's
    ``status`` (``geen``: not answered yet) and by date (``since``, ``until``: the summit's
    date, or the day an amendment was proposed)."""

    serializer_class = AnsweredProposalSerializer
    filter_serializer = AnswerFilter

    def rows(self, filters: dict[str, Any]) -> Sequence[Any]:
        proposals = Proposal.objects.filter(
            status=Proposal.Status.FROZEN, summit__in=readable_summits()
        ).select_related("summit")
        amendments = Amendment.objects.filter(
            draft__in=reportable_notas().values("pk")
        ).select_related("draft")
        if filters.get("kind") == KIND_AMENDMENT or "nota" in filters:
            proposals = proposals.none()
        if filters.get("kind") == KIND_PROPOSAL or "summit" in filters:
            amendments = amendments.none()
        if "summit" in filters:
            proposals = proposals.filter(summit__slug=filters["summit"])
        if "nota" in filters:
            amendments = amendments.filter(draft__slug=filters["nota"])
        if "since" in filters:
            proposals = proposals.filter(summit__date__gte=filters["since"])
            amendments = amendments.filter(created_at__date__gte=filters["since"])
        if "until" in filters:
            proposals = proposals.filter(summit__date__lte=filters["until"])
            amendments = amendments.filter(created_at__date__lte=filters["until"])
        status = filters.get("status")
        if status == UNANSWERED:
            proposals = proposals.exclude(
                pk__in=Answer.objects.filter(proposal__isnull=False).values("proposal_id")
            )
            amendments = amendments.exclude(
                pk__in=Answer.objects.filter(amendment__isnull=False).values("amendment_id")
            )
        elif status:
            answered = Answer.objects.filter(status__key=status)
            proposals = proposals.filter(pk__in=answered.values("proposal_id"))
            amendments = amendments.filter(
                pk__in=answered.filter(amendment__isnull=False).values("amendment_id")
            )
        return _Chained(
            proposals.order_by("-summit__date", "-summit_id", "number"),
            amendments.order_by("draft__title", "draft_id", "created_at", "pk"),
        )

    def paginate_queryset(self, queryset: Any) -> list[Any] | None:
        page = super().paginate_queryset(queryset)
        rows = page or []
        self.answers = answers_by_proposal(r.pk for r in rows if isinstance(r, Proposal))
        amendments = [r for r in rows if isinstance(r, Amendment)]
        self.amendment_answers = {
            a.amendment_id: a
            for a in Answer.objects.filter(amendment__in=amendments)
            .select_related("status")
            .prefetch_related("milestones")
        }
        self.numbers = amendment_numbers({a.draft_id for a in amendments})
        return page

    def item(self, row: Proposal | Amendment) -> dict[str, Any]:
        if isinstance(row, Amendment):
            return self.amendment_item(row)
        answer = self.answers.get(row.pk)
        summit = row.summit
        published = summit.outcome_published_at is not None
        return {
            "kind": KIND_PROPOSAL,
            "summit": summit.slug,
            "nota": None,
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
            "nota_url": None,
        }

    def amendment_item(self, row: Amendment) -> dict[str, Any]:
        answer = self.amendment_answers.get(row.pk)
        slug = row.draft.slug
        return {
            "kind": KIND_AMENDMENT,
            "summit": None,
            "nota": slug,
            "number": self.numbers[row.pk],
            "title": amendment_title(row),
            "answer": _answer_data(answer) if answer else None,
            "page_url": self.request.build_absolute_uri(
                reverse("council_public_nota", args=[slug])
            ),
            "proposal_url": None,
            "nota_url": self.request.build_absolute_uri(reverse("api-draft", args=[slug])),
        }


class ReportSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["burgertop", "nota", "peiling"],
        help_text="The report of a summit, of a nota or of a closed poll of the workspace.",
    )
    summit = serializers.CharField(
        allow_null=True, help_text="The summit's slug; null for a nota's or a poll's report."
    )
    nota = serializers.CharField(
        allow_null=True, help_text="The nota's slug; null for a summit's or a poll's report."
    )
    poll = serializers.IntegerField(
        allow_null=True,
        help_text="The poll's id (as in /stemmen/<id>/uitslag/); null unless a poll's report.",
    )
    title = serializers.CharField(help_text="The summit's, the nota's or the poll's title.")
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
    """The newest participation report of each summit, each nota and each closed poll
    (whose results are public) that has one, newest first; filter by the day it was made
    (``since``, ``until``)."""

    serializer_class = ReportSerializer
    filter_serializer = ReportFilter

    def rows(self, filters: dict[str, Any]) -> list[Report]:
        newest: dict[tuple[int | None, int | None, int | None], Report] = {}
        made = Report.objects.filter(
            Q(summit__in=readable_summits())
            | Q(draft__in=reportable_notas().values("pk"))
            | Q(poll__status=Poll.Status.CLOSED)
        ).select_related("summit", "draft", "poll")
        for report in made.defer("archive").order_by("-generated_at", "-pk"):
            subject = (report.summit_id, report.draft_id, report.poll_id)
            newest.setdefault(subject, report)
        rows = list(newest.values())
        if "since" in filters:
            rows = [r for r in rows if _day(r) >= filters["since"]]
        if "until" in filters:
            rows = [r for r in rows if _day(r) <= filters["until"]]
        return rows

    def item(self, row: Report) -> dict[str, Any]:
        if row.poll is not None:
            return self._poll_item(row, row.poll)
        nota = row.draft is not None
        slug = row.draft.slug if row.draft is not None else row.summit.slug
        file_view = "council_nota_report_file" if nota else "council_report_file"

        def file_url(name: str) -> str:
            return self.request.build_absolute_uri(reverse(file_view, args=[slug, name]))

        page = reverse("council_nota_report" if nota else "council_report", args=[slug])
        return {
            "kind": "nota" if nota else "burgertop",
            "summit": None if nota else slug,
            "nota": slug if nota else None,
            "poll": None,
            "title": row.draft.title if row.draft is not None else row.summit.title,
            "generated_at": row.generated_at,
            "sha256": row.sha256,
            "page_url": self.request.build_absolute_uri(page),
            "archive_url": file_url(formats.ARCHIVE),
            "pdf_url": file_url(formats.PDF),
            "json_url": file_url(formats.JSON),
        }

    def _poll_item(self, row: Report, poll: Poll) -> dict[str, Any]:
        def url(name: str, *args: Any) -> str:
            return self.request.build_absolute_uri(reverse(name, args=[poll.pk, *args]))

        return {
            "kind": "peiling",
            "summit": None,
            "nota": None,
            "poll": poll.pk,
            "title": poll.title,
            "generated_at": row.generated_at,
            "sha256": row.sha256,
            "page_url": url("council_poll_report"),
            "archive_url": url("council_poll_report_file", formats.ARCHIVE),
            "pdf_url": url("council_poll_report_file", formats.PDF),
            "json_url": url("council_poll_report_file", formats.JSON),
        }


def _day(report: Report) -> date:
    return timezone.localtime(report.generated_at).date()


urlpatterns = [
    path("answers/", AnswerList.as_view(), name="api-answers"),
    path("reports/", ReportList.as_view(), name="api-reports"),
]
