"""Read API for summits (/api/v1/summits/): the summits whose outcome is published, their
themes, and their frozen proposals with the trail (ideas -> theme -> table -> proposal ->
result of the vote), as the public outcome page shows them.

A summit whose outcome is not published (or that is still being prepared) does not exist
here. Nothing of a resident is shown but the texts they wrote for everyone: ideas carry
their table's number, never a name.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import path, resolve, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from samenspel.api_lists import FILTER_ERROR, DateRangeFilter, ErrorSerializer, ReadList

from . import outcome_page
from .models import Proposal, Summit

PUBLIC_STATUSES = [Summit.Status.OPEN, Summit.Status.CLOSED, Summit.Status.ARCHIVED]


def published_summits() -> QuerySet[Summit]:
    """Summits anyone may read through the API: the outcome is published."""
    return Summit.objects.filter(
        outcome_published_at__isnull=False, status__in=PUBLIC_STATUSES
    ).order_by("-date", "-pk")


class TurnoutSerializer(serializers.Serializer):
    voted = serializers.IntegerField()
    eligible = serializers.IntegerField()
    paper = serializers.IntegerField()


class SummitVoteSerializer(serializers.Serializer):
    poll = serializers.IntegerField()
    closed = serializers.BooleanField()
    revealed = serializers.BooleanField(help_text="Whether the result was shown in the hall.")
    turnout = TurnoutSerializer(allow_null=True, help_text="Null until the result is shown.")
    result_url = serializers.CharField(allow_null=True, help_text="The poll's result (API).")


class SummitSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=PUBLIC_STATUSES)
    date = serializers.DateField(allow_null=True)
    place = serializers.CharField()
    question = serializers.CharField()
    commissioned_by = serializers.CharField()
    ladder = serializers.ChoiceField(choices=Summit.Ladder.choices)
    outcome_published_at = serializers.DateTimeField()
    vote = SummitVoteSerializer(allow_null=True, help_text="Null when the summit held no vote.")
    api_url = serializers.CharField()
    page_url = serializers.CharField(help_text="The public outcome page.")
    themes_url = serializers.CharField()
    proposals_url = serializers.CharField()


class SummitFilter(DateRangeFilter):
    """``since``/``until``: the summit's date."""

    status = serializers.ChoiceField(
        choices=PUBLIC_STATUSES, required=False, help_text="The summit's status."
    )


def _summit_data(request: Request, summit: Summit) -> dict[str, Any]:
    result = outcome_page.summit_result(summit)
    vote = None
    if result is not None:
        poll = int(resolve(result.url).kwargs["pk"])
        vote = {
            "poll": poll,
            "closed": result.closed,
            "revealed": result.revealed,
            "turnout": (
                {
                    "voted": result.turnout.voted,
                    "eligible": result.turnout.eligible,
                    "paper": result.turnout.paper,
                }
                if result.turnout
                else None
            ),
            "result_url": (
                request.build_absolute_uri(reverse("api-poll-result", args=[poll]))
                if result.closed
                else None
            ),
        }
    api = request.build_absolute_uri(reverse("api-summit", args=[summit.slug]))
    return {
        "slug": summit.slug,
        "title": summit.title,
        "status": summit.status,
        "date": summit.date,
        "place": summit.place,
        "question": summit.question,
        "commissioned_by": summit.commissioned_by,
        "ladder": summit.ladder,
        "outcome_published_at": summit.outcome_published_at,
        "vote": vote,
        "api_url": api,
        "page_url": request.build_absolute_uri(reverse("summit_outcome", args=[summit.slug])),
        "themes_url": api + "themes/",
        "proposals_url": api + "proposals/",
    }


class IdeaSerializer(serializers.Serializer):
    text = serializers.CharField()
    table = serializers.IntegerField(help_text="The number of the table that wrote it.")


class ProposalResultSerializer(serializers.Serializer):
    chosen = serializers.BooleanField()
    text = serializers.CharField(
        help_text="The number that decided, as the results page writes it."
    )
    value_label = serializers.CharField()


class ProposalSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    html = serializers.CharField(help_text="The text (Markdown) rendered and sanitised.")
    theme = serializers.CharField()
    table = serializers.IntegerField(help_text="The number of the table that wrote it.")
    ideas = IdeaSerializer(many=True)
    result = ProposalResultSerializer(
        allow_null=True, help_text="Null until the vote's result is shown."
    )
    api_url = serializers.CharField()
    page_url = serializers.CharField()


class ThemeSerializer(serializers.Serializer):
    name = serializers.CharField()
    proposals = serializers.ListField(
        child=serializers.IntegerField(), help_text="The numbers of its proposals."
    )


def _summit(slug: str) -> Summit:
    summit = published_summits().filter(slug=slug).first()
    if summit is None:
        raise NotFound(_("Er is geen burgertop met een gepubliceerde uitkomst onder deze naam."))
    return summit


def _proposal_data(
    request: Request, summit: Summit, proposal: outcome_page.OutcomeProposal
) -> dict[str, Any]:
    result = proposal.result
    return {
        "number": proposal.number,
        "title": proposal.title,
        "html": proposal.html,
        "theme": proposal.theme,
        "table": proposal.table,
        "ideas": [{"text": idea.text, "table": idea.table} for idea in proposal.ideas],
        "result": (
            {"chosen": result.chosen, "text": result.text, "value_label": result.value_label}
            if result
            else None
        ),
        "api_url": request.build_absolute_uri(
            reverse("api-summit-proposal", args=[summit.slug, proposal.number])
        ),
        "page_url": request.build_absolute_uri(
            reverse("summit_proposal", args=[summit.slug, proposal.number])
        ),
    }


ERRORS = {400: FILTER_ERROR, 404: ErrorSerializer}


@extend_schema_view(
    get=extend_schema(
        operation_id="summits_list",
        parameters=[SummitFilter],
        responses={200: SummitSerializer(many=True), 400: FILTER_ERROR},
    )
)
class SummitList(ReadList):
    """Summits whose outcome is published, newest first; filter by ``status`` and by the
    summit's date (``since``, ``until``)."""

    serializer_class = SummitSerializer
    filter_serializer = SummitFilter

    def rows(self, filters: dict[str, Any]) -> QuerySet[Summit]:
        rows = published_summits()
        if "status" in filters:
            rows = rows.filter(status=filters["status"])
        if "since" in filters:
            rows = rows.filter(date__gte=filters["since"])
        if "until" in filters:
            rows = rows.filter(date__lte=filters["until"])
        return rows

    def item(self, row: Summit) -> dict[str, Any]:
        return _summit_data(self.request, row)


class SummitDetail(APIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = SummitSerializer

    @extend_schema(
        operation_id="summits_retrieve", responses={200: SummitSerializer, 404: ErrorSerializer}
    )
    def get(self, request: Request, slug: str) -> Response:
        return Response(SummitSerializer(_summit_data(request, _summit(slug))).data)


@extend_schema_view(
    get=extend_schema(
        operation_id="summits_themes",
        responses={200: ThemeSerializer(many=True), 400: FILTER_ERROR, 404: ErrorSerializer},
    )
)
class ThemeList(ReadList):
    """The themes the summit's proposals were written under, with their proposals' numbers."""

    serializer_class = ThemeSerializer

    def rows(self, filters: dict[str, Any]) -> list[dict[str, Any]]:
        summit = _summit(self.kwargs["slug"])
        themes: dict[int, dict[str, Any]] = {}
        frozen = Proposal.objects.filter(summit=summit, status=Proposal.Status.FROZEN)
        for theme_id, name, number in frozen.order_by("theme_id", "number").values_list(
            "theme_id", "theme__name", "number"
        ):
            themes.setdefault(theme_id, {"name": name, "proposals": []})["proposals"].append(number)
        return list(themes.values())

    def item(self, row: dict[str, Any]) -> dict[str, Any]:
        return row


@extend_schema_view(
    get=extend_schema(
        operation_id="summits_proposals",
        responses={200: ProposalSerializer(many=True), 400: FILTER_ERROR, 404: ErrorSerializer},
    )
)
class ProposalList(ReadList):
    """The summit's frozen proposals in number order, each with its trail and result."""

    serializer_class = ProposalSerializer

    def rows(self, filters: dict[str, Any]) -> list[outcome_page.OutcomeProposal]:
        self.summit = _summit(self.kwargs["slug"])
        return outcome_page.outcome_proposals(self.summit, outcome_page.summit_result(self.summit))

    def item(self, row: outcome_page.OutcomeProposal) -> dict[str, Any]:
        return _proposal_data(self.request, self.summit, row)


class ProposalDetail(APIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = ProposalSerializer

    @extend_schema(
        operation_id="summits_proposal", responses={200: ProposalSerializer, 404: ErrorSerializer}
    )
    def get(self, request: Request, slug: str, number: int) -> Response:
        summit = _summit(slug)
        proposals = outcome_page.outcome_proposals(summit, outcome_page.summit_result(summit))
        found = next((p for p in proposals if p.number == number), None)
        if found is None:
            raise NotFound(_("Deze burgertop heeft geen vastgezet voorstel met dit nummer."))
        return Response(ProposalSerializer(_proposal_data(request, summit, found)).data)


urlpatterns = [
    path("summits/", SummitList.as_view(), name="api-summits"),
    path("summits/<slug:slug>/", SummitDetail.as_view(), name="api-summit"),
    path("summits/<slug:slug>/themes/", ThemeList.as_view(), name="api-summit-themes"),
    path("summits/<slug:slug>/proposals/", ProposalList.as_view(), name="api-summit-proposals"),
    path(
        "summits/<slug:slug>/proposals/<int:number>/",
        ProposalDetail.as_view(),
        name="api-summit-proposal",
    ),
]
