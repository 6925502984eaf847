"""Named permissions of co-writing: editors (global or per draft) write, readers read and react."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from samenspel.models import Role, User
from samenspel.rules import has_role

from .models import Draft


def can_edit(user: User | AnonymousUser, draft: Draft) -> bool:
    """drafts.edit: civil servants (editor everywhere) and people invited to this draft."""
    return has_role(user, str(Role.EDITOR), draft.scope)


def can_read(user: User | AnonymousUser, draft: Draft) -> bool:
    """drafts.read: published versions and the live text are open to every logged-in person."""
    return bool(user.is_authenticated)


def can_react(user: User | AnonymousUser, draft: Draft) -> bool:
    """drafts.react: comment, propose and support amendments."""
    return bool(user.is_authenticated and user.is_active)


def can_decide(user: User | AnonymousUser, draft: Draft) -> bool:
    """drafts.decide: accept or reject amendments, publish versions, resolve comments.

    Civil servants only: an invited resident co-writes but does not decide."""
    return has_role(user, str(Role.EDITOR))
