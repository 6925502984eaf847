"""Named permissions of co-writing: editors (global or per draft) write, readers read and react."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from samenspel.models import Role, RoleGrant, User
from samenspel.rules import has_role

from .models import Draft

# Roles that, held everywhere, make an account a municipal one (electorates.py agrees).
STAFF_ROLES = [Role.EDITOR, Role.ADMINISTRATOR, Role.FACILITATOR, Role.THEME_TEAM]


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

    Civil servants only: an invited resident co-writes but does not decide. Editors
    everywhere, and the administrators and editors of this nota (``can_manage``)."""
    return has_role(user, str(Role.EDITOR)) or can_manage(user, draft)


def can_moderate(user: User | AnonymousUser, draft: Draft) -> bool:
    """drafts.moderate: hide a comment or reply with a reason, see it in the moderation queue
    and put it back. The nota's editors who decide (``can_decide``), administrators."""
    return can_decide(user, draft) or has_role(user, str(Role.ADMINISTRATOR))


def can_report(user: User | AnonymousUser, draft: Draft) -> bool:
    """drafts.report: report someone else's comment or reply to the moderators; every
    logged-in reader who may react."""
    return can_react(user, draft)


def is_staff_account(user: User | AnonymousUser) -> bool:
    """A municipal account (civil servant, administrator), as opposed to a resident's: staff
    named editor of a nota run it; a resident given the same role only co-writes."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return RoleGrant.objects.filter(user=user, role__in=STAFF_ROLES, scope="").exists()


def can_create(user: User | AnonymousUser) -> bool:
    """drafts.create: start a new nota. Administrators only; they name its editors."""
    return has_role(user, str(Role.ADMINISTRATOR))


def can_manage(user: User | AnonymousUser, draft: Draft) -> bool:
    """drafts.manage: change a nota's details, its reaction period, who co-writes, and
    publish. Administrators, and civil servants who are editor of this nota (or of all)."""
    if has_role(user, str(Role.ADMINISTRATOR)):
        return True
    return has_role(user, str(Role.EDITOR), draft.scope) and is_staff_account(user)


def can_name_editors(user: User | AnonymousUser, draft: Draft) -> bool:
    """drafts.name_editors: give or take the editor role of a nota from civil servants."""
    return has_role(user, str(Role.ADMINISTRATOR))


def reaction_refusal(draft: Draft, now: datetime) -> str | None:
    """Why nobody can react to ``draft`` at ``now`` (outside its reaction period), or None."""
    if draft.reactions_from is not None and now < draft.reactions_from:
        return _("U kunt reageren vanaf %(date)s.") % {"date": _moment(draft.reactions_from)}
    if draft.reactions_until is not None and now >= draft.reactions_until:
        return _("De reactieperiode is gesloten sinds %(date)s.") % {
            "date": _moment(draft.reactions_until)
        }
    return None


def _moment(value: datetime) -> str:
    return date_format(timezone.localtime(value), "j F Y, H:i")
