"""Read API for notas (/api/v1/drafts/): the notas that have published a version, and their
published versions with the text as it was frozen.

The live text being written, comments and amendments stay out, and so does who wrote what:
the versions page names contributors, some of them residents; the API names nobody.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from samenspel.api_lists import FILTER_ERROR, DateRangeFilter, ErrorSerializer, ReadList

from .markdown import render_markdown
from .models import Draft, NotaKind, Version

REACTIONS = ["open", "upcoming", "closed"]


def public_drafts() -> QuerySet[Draft]:
    """Notas with at least one published version, with their count and newest moment."""
    return (
        Draft.objects.annotate(
            version_count=Count("versions"), last_published_at=Max("versions__published_at")
        )
        .filter(version_count__gt=0)
        .order_by("-last_published_at", "slug")
    )


def reactions_state(draft: Draft, now: Any) -> str:
    """``upcoming`` before the reaction period, ``closed`` after it, else ``open``."""
    if draft.reactions_from is not None and now < draft.reactions_from:
        return "upcoming"
    if draft.reactions_until is not None and now >= draft.reactions_until:
        return "closed"
    return "open"


class DraftSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=NotaKind.choices)
    summary = serializers.CharField()
    versions = serializers.IntegerField(help_text="How many versions are published.")
    last_published_at = serializers.DateTimeField()
    final = serializers.BooleanField(help_text="Whether a version was published as final.")
    reactions = serializers.ChoiceField(choices=REACTIONS)
    reactions_from = serializers.DateTimeField(allow_null=True)
    reactions_until = serializers.DateTimeField(allow_null=True)
    sent_to_council_at = serializers.DateTimeField(allow_null=True)
    api_url = serializers.CharField()
    page_url = serializers.CharField()
    versions_url = serializers.CharField()


class VersionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    note = serializers.CharField()
    final = serializers.BooleanField()
    api_url = serializers.CharField()
    page_url = serializers.CharField()


class VersionTextSerializer(VersionSerializer):
    text = serializers.CharField(help_text="Markdown, as published.")
    html = serializers.CharField(help_text="The text rendered and sanitised.")


class DraftFilter(DateRangeFilter):
    """``since``/``until``: the day the newest version was published (Dutch time)."""

    kind = serializers.ChoiceField(
        choices=NotaKind.choices, required=False, help_text="The kind of nota."
    )
    reactions = serializers.ChoiceField(
        choices=REACTIONS,
        required=False,
        help_text="The reaction period: open, not begun yet (upcoming) or over (closed).",
    )


class VersionFilter(DateRangeFilter):
    """``since``/``until``: the day the version was published (Dutch time)."""


def _draft_data(request: Request, draft: Draft, now: Any) -> dict[str, Any]:
    api = request.build_absolute_uri(reverse("api-draft", args=[draft.slug]))
    return {
        "slug": draft.slug,
        "title": draft.title,
        "kind": draft.kind,
        "summary": draft.summary,
        "versions": draft.version_count,  # type: ignore[attr-defined]
        "last_published_at": draft.last_published_at,  # type: ignore[attr-defined]
        "final": draft.versions.filter(is_final=True).exists(),
        "reactions": reactions_state(draft, now),
        "reactions_from": draft.reactions_from,
        "reactions_until": draft.reactions_until,
        "sent_to_council_at": draft.sent_to_council_at,
        "api_url": api,
        "page_url": request.build_absolute_uri(reverse("drafts:detail", args=[draft.slug])),
        "versions_url": api + "versions/",
    }


def _version_data(request: Request, draft: Draft, version: Version) -> dict[str, Any]:
    return {
        "number": version.number,
        "published_at": version.published_at,
        "note": version.note,
        "final": version.is_final,
        "api_url": request.build_absolute_uri(
            reverse("api-draft-version", args=[draft.slug, version.number])
        ),
        "page_url": request.build_absolute_uri(
            reverse("drafts:version", args=[draft.slug, version.number])
        ),
    }


def _day_range(rows: QuerySet[Any], field: str, filters: dict[str, Any]) -> QuerySet[Any]:
    if "since" in filters:
        rows = rows.filter(**{f"{field}__date__gte": filters["since"]})
    if "until" in filters:
        rows = rows.filter(**{f"{field}__date__lte": filters["until"]})
    return rows


@extend_schema_view(
    get=extend_schema(
        operation_id="drafts_list",
        parameters=[DraftFilter],
        responses={200: DraftSerializer(many=True), 400: FILTER_ERROR},
    )
)
class DraftList(ReadList):
    """Notas with a published version, the most recently published first; filter by
    ``kind``, by the state of the reaction period (``reactions``) and by the day the newest
    version came out (``since``, ``until``)."""

    serializer_class = DraftSerializer
    filter_serializer = DraftFilter

    def rows(self, filters: dict[str, Any]) -> QuerySet[Draft]:
        self.now = timezone.now()
        rows = _day_range(public_drafts(), "last_published_at", filters)
        if "kind" in filters:
            rows = rows.filter(kind=filters["kind"])
        state = filters.get("reactions")
        upcoming = Q(reactions_from__isnull=False, reactions_from__gt=self.now)
        closed = Q(reactions_until__isnull=False, reactions_until__lte=self.now)
        if state == "upcoming":
            rows = rows.filter(upcoming)
        elif state == "closed":
            rows = rows.filter(closed).exclude(upcoming)
        elif state == "open":
            rows = rows.exclude(upcoming).exclude(closed)
        return rows

    def item(self, row: Draft) -> dict[str, Any]:
        return _draft_data(self.request, row, self.now)


def _draft(slug: str) -> Draft:
    draft = public_drafts().filter(slug=slug).first()
    if draft is None:
        raise NotFound(_("Er is geen gepubliceerde nota onder deze naam."))
    return draft


class DraftDetail(APIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = DraftSerializer

    @extend_schema(
        operation_id="drafts_retrieve", responses={200: DraftSerializer, 404: ErrorSerializer}
    )
    def get(self, request: Request, slug: str) -> Response:
        return Response(DraftSerializer(_draft_data(request, _draft(slug), timezone.now())).data)


@extend_schema_view(
    get=extend_schema(
        operation_id="drafts_versions",
        parameters=[VersionFilter],
        responses={200: VersionSerializer(many=True), 400: FILTER_ERROR, 404: ErrorSerializer},
    )
)
class VersionList(ReadList):
    """The nota's published versions in number order; filter by the day they came out."""

    serializer_class = VersionSerializer
    filter_serializer = VersionFilter

    def rows(self, filters: dict[str, Any]) -> QuerySet[Version]:
        self.draft = _draft(self.kwargs["slug"])
        rows = self.draft.versions.defer("text").order_by("number")
        return _day_range(rows, "published_at", filters)

    def item(self, row: Version) -> dict[str, Any]:
        return _version_data(self.request, self.draft, row)


class VersionDetail(APIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = VersionTextSerializer

    @extend_schema(
        operation_id="drafts_version",
        responses={200: VersionTextSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request, slug: str, number: int) -> Response:
        draft = _draft(slug)
        version = draft.versions.filter(number=number).first()
        if version is None:
            raise NotFound(_("Deze nota heeft geen versie met dit nummer."))
        data = _version_data(request, draft, version)
        data.update(text=version.text, html=render_markdown(version.text))
        return Response(VersionTextSerializer(data).data)


urlpatterns = [
    path("drafts/", DraftList.as_view(), name="api-drafts"),
    path("drafts/<slug:slug>/", DraftDetail.as_view(), name="api-draft"),
    path("drafts/<slug:slug>/versions/", VersionList.as_view(), name="api-draft-versions"),
    path(
        "drafts/<slug:slug>/versions/<int:number>/",
        VersionDetail.as_view(),
        name="api-draft-version",
    ),
]
