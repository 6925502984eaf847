"""Named permission rules of the core. Apps define their own in their rules.py."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from .models import Role, RoleGrant, User


def has_role(user: User | AnonymousUser, role: str, scope: str = "") -> bool:
    """True if ``user`` holds ``role`` everywhere, or in ``scope`` (e.g. 'summit:<slug>')."""
    if not user.is_authenticated:
        return False
    if user.is_superuser and role == Role.ADMINISTRATOR:
        return True
    scopes = {""} if not scope else {"", scope}
    return RoleGrant.objects.filter(user=user, role=role, scope__in=scopes).exists()


def roles_of(user: User | AnonymousUser, scope: str = "") -> set[str]:
    """All roles ``user`` holds in ``scope`` (global grants included)."""
    if not user.is_authenticated:
        return set()
    scopes = {""} if not scope else {"", scope}
    roles = set(
        RoleGrant.objects.filter(user=user, scope__in=scopes).values_list("role", flat=True)
    )
    if user.is_superuser:
        roles.add(Role.ADMINISTRATOR)
    return roles


def can_manage_users(user: User | AnonymousUser) -> bool:
    """samenspel.manage_users: administrators and staff with the admin permission."""
    return bool(user.is_authenticated and (user.is_superuser or has_role(user, str(Role.ADMINISTRATOR))))


def can_manage_participants(user: User | AnonymousUser, scope: str) -> bool:
    """samenspel.manage_participants: who may invite people to a process (``scope``, such as
    'summit:<slug>') and print their letters: administrators, and facilitators of it."""
    return has_role(user, str(Role.ADMINISTRATOR)) or has_role(
        user, str(Role.FACILITATOR), scope
    )
