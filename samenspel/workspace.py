"""The staff workspace: what each app lets this person manage, gathered from the apps' own
``workspace.py`` modules (``workspace_sections(request)``), so the core imports no app."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import moderation
from .discovery import project_modules
from .models import Role, RoleGrant

# Only these roles manage a process; anyone else has no section, and the header asks no app.
MANAGING_ROLES = (str(Role.ADMINISTRATOR), str(Role.FACILITATOR), str(Role.EDITOR))


def may_manage_something(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return RoleGrant.objects.filter(user=user, role__in=MANAGING_ROLES).exists()


def workspace_sections(request: HttpRequest) -> list[dict[str, Any]]:
    """Every app's sections for this person, in the order the apps are installed."""
    if not may_manage_something(request):
        return []
    sections: list[dict[str, Any]] = []
    for module in project_modules("workspace"):
        sections.extend(module.workspace_sections(request))
    sections.extend(moderation.workspace_sections(request))
    return sections


def context(request: HttpRequest) -> dict[str, Any]:
    """``workspace_link``: whether the header links to the workspace; asked only when a
    page shows the header."""
    return {"workspace_link": SimpleLazyObject(lambda: bool(workspace_sections(request)))}
