"""The read API (/api/v1/): the core's endpoints and each app's ``api.urlpatterns``."""

import re

from django.urls import URLPattern, path, reverse
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.request import Request
from rest_framework.response import Response

from .discovery import project_modules
from .models import Neighbourhood


class NeighbourhoodSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Neighbourhood
        fields = ["code", "name", "level", "parent"]


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()
    roles = serializers.ListField(child=serializers.DictField())


@extend_schema(responses=NeighbourhoodSerializer(many=True))
@api_view(["GET"])
@permission_classes([permissions.AllowAny])
def neighbourhoods(request: Request) -> Response:
    """The wijken and buurten of the municipality with their CBS codes."""
    rows = Neighbourhood.objects.select_related("parent")
    return Response(NeighbourhoodSerializer(rows, many=True).data)


@api_view(["GET"])
@permission_classes([permissions.IsAuthenticated])
def me(request: Request) -> Response:
    """Who the token or session belongs to, and the roles they hold."""
    user = request.user
    grants = [{"role": g.role, "scope": g.scope} for g in user.role_grants.all()]
    return Response(
        MeSerializer({"username": user.username, "name": user.public_name, "roles": grants}).data
    )


class ApiRootSerializer(serializers.Serializer):
    endpoints = serializers.DictField(child=serializers.CharField())
    schema = serializers.CharField()
    docs = serializers.CharField()


def _endpoint_template(pattern: URLPattern) -> str:
    """The route with its parameters as ``{name}``: ``polls/<int:pk>/`` becomes ``polls/{pk}/``."""
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))


@extend_schema(operation_id="api_root", responses=ApiRootSerializer)
@api_view(["GET"])
@permission_classes([permissions.AllowAny])
def api_root(request: Request) -> Response:
    """Every endpoint of the read API by name, with the schema and the documentation."""
    base = request.build_absolute_uri(reverse("api-root"))
    endpoints = {
        pattern.name.removeprefix("api-"): base + _endpoint_template(pattern)
        for pattern in urlpatterns
        if isinstance(pattern, URLPattern) and pattern.name and pattern.name != "api-root"
    }
    return Response(
        {
            "endpoints": endpoints,
            "schema": request.build_absolute_uri(reverse("api-schema")),
            "docs": request.build_absolute_uri(reverse("api-docs")),
        }
    )


api_root.cls.serializer_class = ApiRootSerializer  # type: ignore[attr-defined]
neighbourhoods.cls.serializer_class = NeighbourhoodSerializer  # type: ignore[attr-defined]
me.cls.serializer_class = MeSerializer  # type: ignore[attr-defined]

urlpatterns = [
    path("", api_root, name="api-root"),
    path("neighbourhoods/", neighbourhoods, name="api-neighbourhoods"),
    path("me/", me, name="api-me"),
]
for module in project_modules("api"):
    urlpatterns += module.urlpatterns
