"""Read API for polls (/api/v1/polls/): what is voted on, turnout, and closed results."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.request import Request
from rest_framework.response import Response

from samenspel.api_lists import FILTER_ERROR, ReadList

from . import selectors
from .models import Poll

PUBLIC_STATUSES = [Poll.Status.OPEN, Poll.Status.CLOSED]


class OptionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    cost = serializers.IntegerField(allow_null=True)
    reference = serializers.CharField()


class PollSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    context = serializers.CharField()
    method = serializers.CharField()
    status = serializers.CharField()
    seats = serializers.IntegerField()
    budget = serializers.IntegerField(allow_null=True)
    points = serializers.IntegerField(allow_null=True)
    voted = serializers.IntegerField(
        allow_null=True, help_text="Null while open, if the poll shows its turnout only at closing."
    )
    eligible = serializers.IntegerField()
    options = OptionSerializer(many=True)


class ResultSerializer(serializers.Serializer):
    poll = serializers.IntegerField()
    method = serializers.CharField()
    seed = serializers.CharField()
    winners = serializers.ListField(child=serializers.DictField())
    ballots_counted = serializers.IntegerField()
    paper_ballots = serializers.IntegerField()
    eligible = serializers.IntegerField()
    outcome = serializers.DictField()
    explanation = serializers.ListField(child=serializers.CharField())
    file_url = serializers.CharField()
    file_sha256 = serializers.CharField()
    tracker_file_url = serializers.CharField()
    tracker_file_sha256 = serializers.CharField()


def _poll_data(poll: Poll) -> dict[str, object]:
    counts = selectors.turnout(poll)
    return {
        "id": poll.pk,
        "title": poll.title,
        "description": poll.description,
        "context": poll.context,
        "method": poll.method,
        "status": poll.status,
        "seats": poll.seats,
        "budget": poll.budget,
        "points": poll.points,
        "voted": selectors.shown_turnout(poll, counts.voted),
        "eligible": counts.eligible,
        "options": [
            {
                "key": option.key,
                "title": option.title,
                "description": option.description,
                "cost": option.cost,
                "reference": option.reference,
            }
            for option in poll.options.all()
        ],
    }


class PollFilter(serializers.Serializer):
    context = serializers.CharField(
        required=False, max_length=200, help_text="Where the poll is held, e.g. summit:<slug>/step:6."
    )
    status = serializers.ChoiceField(
        choices=PUBLIC_STATUSES, required=False, help_text="open or closed."
    )


@extend_schema_view(
    get=extend_schema(
        operation_id="polls_list",
        parameters=[PollFilter],
        responses={200: PollSerializer(many=True), 400: FILTER_ERROR},
    )
)
class PollList(ReadList):
    """Open and closed polls (not drafts), newest first, with turnout; filter by ``context``
    and ``status``."""

    serializer_class = PollSerializer
    filter_serializer = PollFilter

    def rows(self, filters: dict[str, Any]) -> QuerySet[Poll]:
        rows = Poll.objects.filter(status__in=PUBLIC_STATUSES).prefetch_related("options")
        if "context" in filters:
            rows = rows.filter(context=filters["context"])
        if "status" in filters:
            rows = rows.filter(status=filters["status"])
        return rows.order_by("-created_at", "-pk")

    def item(self, row: Poll) -> dict[str, Any]:
        return _poll_data(row)


@extend_schema(operation_id="polls_retrieve", responses=PollSerializer)
@api_view(["GET"])
@permission_classes([permissions.AllowAny])
def poll_detail(request: Request, pk: int) -> Response:
    poll = get_object_or_404(Poll.objects.exclude(status=Poll.Status.DRAFT), pk=pk)
    return Response(PollSerializer(_poll_data(poll)).data)


@extend_schema(operation_id="polls_result", responses=ResultSerializer)
@api_view(["GET"])
@permission_classes([permissions.AllowAny])
def poll_result(request: Request, pk: int) -> Response:
    """The stored result of a closed poll, with its published files and their SHA-256."""
    poll = get_object_or_404(Poll, pk=pk, status=Poll.Status.CLOSED)
    result = poll.result
    titles = {option.key: option.title for option in poll.options.all()}
    data = {
        "poll": poll.pk,
        "method": poll.method,
        "seed": poll.seed,
        "winners": [{"key": k, "title": titles.get(k, k)} for k in result.outcome["winners"]],
        "ballots_counted": result.ballots_counted,
        "paper_ballots": result.paper_ballots,
        "eligible": result.eligible,
        "outcome": result.outcome,
        "explanation": result.explanation,
        "file_url": request.build_absolute_uri(reverse("poll_file", args=[poll.pk])),
        "file_sha256": result.file_sha256,
        "tracker_file_url": request.build_absolute_uri(
            reverse("poll_tracker_file", args=[poll.pk])
        ),
        "tracker_file_sha256": result.tracker_file_sha256,
    }
    return Response(ResultSerializer(data).data)


poll_detail.cls.serializer_class = PollSerializer  # type: ignore[attr-defined]
poll_result.cls.serializer_class = ResultSerializer  # type: ignore[attr-defined]

urlpatterns = [
    path("polls/", PollList.as_view(), name="api-polls"),
    path("polls/<int:pk>/", poll_detail, name="api-poll"),
    path("polls/<int:pk>/result/", poll_result, name="api-poll-result"),
]
