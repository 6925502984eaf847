"""Named permission rules of voting: voting.manage_poll, voting.cast_ballot,
voting.enter_paper_ballot (and for whom: paper_ballot_voters), voting.view_poll. Views, consumers and services all ask these."""

from __future__ import annotations

from collections.abc import Callable, Collection

from django.contrib.auth.models import AnonymousUser

from samenspel.models import Role
from samenspel.rules import has_role, roles_of

from . import contexts
from .models import Eligibility, Poll

MANAGER_ROLES = {Role.ADMINISTRATOR, Role.FACILITATOR, Role.EDITOR}


def scope_of(poll: Poll) -> str:
    """The role scope a poll lives in: 'summit:<slug>' for 'summit:<slug>/step:4'."""
    return contexts.scope_of(poll.context)


def can_manage_poll(user: object, poll: Poll) -> bool:
    """voting.manage_poll: open and close; administrators, facilitators and editors
    (everywhere or in the poll's scope) and whoever created the poll."""
    if not isinstance(user, AnonymousUser) and getattr(user, "is_authenticated", False):
        if poll.created_by_id is not None and poll.created_by_id == user.pk:  # type: ignore[attr-defined]
            return True
        return bool(roles_of(user, scope_of(poll)) & MANAGER_ROLES)  # type: ignore[arg-type]
    return False


def is_eligible(user: object, poll: Poll) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Eligibility.objects.filter(poll=poll, participant=user).exists()


def can_cast_ballot(user: object, poll: Poll) -> bool:
    """voting.cast_ballot: an eligible participant while the poll is open."""
    return poll.status == Poll.Status.OPEN and is_eligible(user, poll)


def can_enter_paper_ballot(user: object, poll: Poll) -> bool:
    """voting.enter_paper_ballot: a table host (everywhere or in the poll's scope) or a
    manager, while the poll is open."""
    if poll.status != Poll.Status.OPEN or not getattr(user, "is_authenticated", False):
        return False
    return has_role(user, Role.TABLE_HOST, scope_of(poll)) or can_manage_poll(user, poll)  # type: ignore[arg-type]


def _no_tables(context: str, host_id: int) -> Collection[int]:
    return ()


# Who sits at the tables a person hosts (user ids), for a poll's context. Voting has no
# tables (DESIGN.md: it knows neither summits nor drafts); the app that seats people sets
# this: deliberation, for its summits, in DeliberationConfig.ready. Unset: nobody.
TABLE_MEMBERS: Callable[[str, int], Collection[int]] = _no_tables


def paper_ballot_voters(user: object, poll: Poll) -> Collection[int] | None:
    """voting.enter_paper_ballot, per participant: for whom ``user`` may enter a paper
    ballot. None for a manager (any eligible participant, e.g. at the desk); for a table
    host the people seated at the tables they host in the poll's summit (nobody outside
    a summit). Whether the participant has voted already is the service's check."""
    if can_manage_poll(user, poll):
        return None
    return TABLE_MEMBERS(poll.context, user.pk)  # type: ignore[attr-defined]


def can_view_poll(user: object, poll: Poll) -> bool:
    """voting.view_poll: the ballot page and live turnout for the eligible, table hosts
    and managers; a closed poll's result and files are public."""
    if poll.status == Poll.Status.CLOSED:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if poll.status == Poll.Status.DRAFT:
        return can_manage_poll(user, poll)
    return (
        is_eligible(user, poll)
        or can_manage_poll(user, poll)
        or has_role(user, Role.TABLE_HOST, scope_of(poll))  # type: ignore[arg-type]
    )


def can_create_poll(user: object) -> bool:
    """voting.create_poll: a new poll of the workspace; administrators only (a poll of a
    summit or nota is made by that process, for its facilitator or editor)."""
    return bool(getattr(user, "is_authenticated", False)) and has_role(
        user,  # type: ignore[arg-type]
        str(Role.ADMINISTRATOR),
    )


def can_edit_poll(user: object, poll: Poll) -> bool:
    """voting.edit_poll: change what a poll asks and who may vote, until it opens; a
    manager of the poll, for a poll of the workspace (a summit's or nota's poll is set up
    there)."""
    return poll.status == Poll.Status.DRAFT and not poll.context and can_manage_poll(user, poll)
