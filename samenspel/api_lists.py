"""What the read API's lists share: limit/offset pages, filters read from the query string
by a serializer (a bad value is answered 400 with the field and the reason, never 500), and
the shape of an error for the schema."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response

# Beyond this an offset is refused: the databases cannot take every integer as an offset.
MAX_OFFSET = 1_000_000


class ReadPagination(LimitOffsetPagination):
    """``?limit=`` (at most ``max_limit``) and ``?offset=``; the answer holds ``count``,
    ``next``, ``previous`` and ``results``."""

    default_limit = 50
    max_limit = 200

    def get_offset(self, request: Request) -> int:
        offset = super().get_offset(request)
        if offset > MAX_OFFSET:
            raise ValidationError(
                {"offset": [_("De offset is te groot: hoogstens %(max)d.") % {"max": MAX_OFFSET}]}
            )
        return offset

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.limit_query_param: {"minimum": 1, "maximum": self.max_limit},
            self.offset_query_param: {"minimum": 0, "maximum": MAX_OFFSET},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters


class ErrorSerializer(serializers.Serializer):
    """A refusal (404, 401, 403): ``detail`` says why."""

    detail = serializers.CharField()


# A refused filter or page (400) names each parameter with its reasons.
FILTER_ERROR = OpenApiResponse(
    response={
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
    description="A filter or page parameter is refused: each one named with its reasons.",
)


class DateRangeFilter(serializers.Serializer):
    """``since`` and ``until`` (YYYY-MM-DD, both days included); ``since`` after ``until``
    is refused."""

    since = serializers.DateField(required=False, help_text="From this day (YYYY-MM-DD).")
    until = serializers.DateField(
        required=False, help_text="Up to and including this day (YYYY-MM-DD)."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and since > until:
            raise ValidationError({"until": [_("De einddatum ligt voor de begindatum.")]})
        return attrs


def unknown_value(known: list[str]) -> serializers.ValidationError:
    """A refusal of a filter's value that names the values there are."""
    return serializers.ValidationError(
        _("Onbekende waarde. Kies uit: %(keys)s.") % {"keys": ", ".join(known)}
    )


class ReadList(GenericAPIView):
    """A public, paged list: ``rows`` picks the rows with the filters, ``item`` turns one row
    of the page into the data ``serializer_class`` shows."""

    permission_classes = [permissions.AllowAny]
    pagination_class = ReadPagination
    filter_serializer: type[serializers.Serializer] | None = None

    def filters(self) -> dict[str, Any]:
        if self.filter_serializer is None:
            return {}
        form = self.filter_serializer(data=self.request.query_params)
        form.is_valid(raise_exception=True)
        return dict(form.validated_data)

    def rows(self, filters: dict[str, Any]) -> QuerySet[Any] | Sequence[Any]:
        raise NotImplementedError

    def item(self, row: Any) -> dict[str, Any]:
        raise NotImplementedError

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            # Drawing the schema (also a deploy check) has no request and needs no rows: a
            # list's rows are read from the database, which a check must not wait for.
            return []
        # The browsable API (a browser's request) asks for the rows to draw its filter form.
        return self.rows(self.filters())

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        filters = self.filters()
        page = self.paginate_queryset(self.rows(filters))  # type: ignore[arg-type]
        data = [self.item(row) for row in page or []]
        return self.get_paginated_response(self.get_serializer(data, many=True).data)
