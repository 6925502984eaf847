"""The read API (/api/v1/): the core's endpoints and each app's ``api.urlpatterns``."""

from django.urls import path
from rest_framework import permissions, serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.request import Request
from rest_framework.response import Response

from .discovery import project_modules
from .models import Neighbourhood


class NeighbourhoodSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Neighbourhood
        fields = ["code", "name", "level", "parent"]


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()
    roles = serializers.ListField(child=serializers.DictField())


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


neighbourhoods.cls.serializer_class = NeighbourhoodSerializer  # type: ignore[attr-defined]
me.cls.serializer_class = MeSerializer  # type: ignore[attr-defined]

urlpatterns = [
    path("neighbourhoods/", neighbourhoods, name="api-neighbourhoods"),
    path("me/", me, name="api-me"),
]
for module in project_modules("api"):
    urlpatterns += module.urlpatterns
