"""Named permissions of live summits: who may send which command during which step."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import connection

from samenspel.models import Role, User
from samenspel.rules import has_role

from .models import Step, Summit

PARTICIPANT = "participant"  # a resident checked in at this summit (not a stored role)
# Plain strings (str() of the choices), so the sets are typed as set[str].
FACILITATOR, ADMINISTRATOR = str(Role.FACILITATOR), str(Role.ADMINISTRATOR)
THEME_TEAM, TABLE_HOST = str(Role.THEME_TEAM), str(Role.TABLE_HOST)
RESIDENT = str(Role.RESIDENT)
STAFF_ROLES = {FACILITATOR, ADMINISTRATOR}
IDEA_STEPS = {str(Step.Kind.TABLE_ROUND), str(Step.Kind.IDEA_COLLECTION), str(Step.Kind.PROPOSALS)}
CURATION_STEPS = IDEA_STEPS | {str(Step.Kind.CLUSTERING), str(Step.Kind.THEME_CHOICE)}
THEME_TABLE_STEPS = {str(Step.Kind.CLUSTERING), str(Step.Kind.THEME_CHOICE)}
CHOICE_STEPS = {str(Step.Kind.THEME_CHOICE)}
PROPOSAL_STEPS = {str(Step.Kind.PROPOSALS)}
VOTE_STEPS = {str(Step.Kind.VOTE)}


@dataclass(frozen=True)
class CommandRule:
    """Who may send a live command, and during which step; each command names one."""

    roles: frozenset[str]
    steps: frozenset[str] | None = None  # None: any step (and before the first one)
    needs_running: bool = False  # the step's timer must run (not paused or not started)


def _rule(roles: set[str], steps: set[str] | None = None, running: bool = False) -> CommandRule:
    return CommandRule(frozenset(roles), frozenset(steps) if steps is not None else None, running)


WRITERS = {TABLE_HOST, PARTICIPANT}
CURATORS = {THEME_TEAM, FACILITATOR}
# Registered residents who are not in the hall may join an online table themselves.
JOINERS = {RESIDENT, PARTICIPANT}

# The named rules of live commands; each command declares one (``deliberation.services``).
RUN_AGENDA = _rule(STAFF_ROLES)  # the steps, their timer and messages to every screen
RUN_DESK = _rule(STAFF_ROLES)  # check-in, walk-ins and seating
WRITE_IDEAS = _rule(WRITERS, IDEA_STEPS, running=True)
CURATE = _rule(CURATORS, CURATION_STEPS)  # hide and merge ideas, make and fill themes
SPREAD_THEME_TABLES = _rule(CURATORS, THEME_TABLE_STEPS)
CHOOSE_THEME_TABLE = _rule({PARTICIPANT}, CHOICE_STEPS)
JOIN_ONLINE = _rule(JOINERS)
# A theme table's host writes its proposal; staff freeze them all (the vote names them).
WRITE_PROPOSAL = _rule({TABLE_HOST}, PROPOSAL_STEPS)
FREEZE_PROPOSALS = _rule(STAFF_ROLES)
# Checked-in participants vote during a vote step; staff close the vote and show its result.
CAST_BALLOT = _rule({PARTICIPANT}, VOTE_STEPS)
RUN_VOTE = _rule(STAFF_ROLES, VOTE_STEPS)


# Table and column names as the migrations create them (checked by tests/deliberation).
_ROLES_SQL = (
    "SELECT role FROM samenspel_rolegrant WHERE user_id = %s AND scope IN ('', %s)"
    " UNION ALL SELECT 'participant' FROM deliberation_participant"
    " WHERE summit_id = %s AND user_id = %s AND checked_in_at IS NOT NULL"
)


def summit_roles(user: User | AnonymousUser, summit: Summit) -> set[str]:
    """The user's roles in this summit, plus ``participant`` when checked in here.

    One plain query: this runs for every live command, and the two ORM queries it replaces
    cost about 20 times as much in Python (bench/live_summit.py, docs/performance.md).
    """
    if not user.is_authenticated:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(_ROLES_SQL, [user.pk, summit.scope, summit.pk, user.pk])
        roles = {str(row[0]) for row in cursor.fetchall()}
    if user.is_superuser:
        roles.add(ADMINISTRATOR)
    return roles


def summit_roles_of(users: Sequence[User], summit: Summit) -> dict[int, set[str]]:
    """``summit_roles`` of several signed-in users at once, by user id, in one query."""
    ids = [user.pk for user in users]
    found: dict[int, set[str]] = {pk: set() for pk in ids}
    if not ids:
        return found
    marks = ", ".join(["%s"] * len(ids))  # only placeholders are put into the text
    sql = (
        f"SELECT user_id, role FROM samenspel_rolegrant WHERE user_id IN ({marks})"  # noqa: S608
        " AND scope IN ('', %s)"
        " UNION ALL SELECT user_id, 'participant' FROM deliberation_participant"
        f" WHERE summit_id = %s AND user_id IN ({marks}) AND checked_in_at IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, summit.scope, summit.pk, *ids])
        for user_id, role in cursor.fetchall():
            found[user_id].add(str(role))
    for user in users:
        if user.is_superuser:
            found[user.pk].add(ADMINISTRATOR)
    return found


def can_view_summit(roles: set[str]) -> bool:
    """deliberation.view_summit: staff, the theme team, hosts and checked-in participants."""
    return bool(roles & (STAFF_ROLES | CURATORS | WRITERS))


MODERATORS = CURATORS | {ADMINISTRATOR}


def can_moderate_ideas(roles: set[str]) -> bool:
    """deliberation.moderate_ideas: see a summit's hidden ideas in the moderation queue, with
    who hid them and why, and put them back: its theme team, facilitators, administrators."""
    return bool(roles & MODERATORS)


def can_mark_for_report(roles: set[str]) -> bool:
    """deliberation.mark_for_report: mark a theme or an idea as a minority view or open
    question for the participation report: the theme team, facilitators, administrators."""
    return bool(roles & MODERATORS)


def can_report_ideas(roles: set[str]) -> bool:
    """deliberation.report_ideas: report an idea they see to the moderators (not their own):
    checked-in participants and table hosts."""
    return bool(roles & WRITERS)


def command_refusal(
    rule: CommandRule, *, roles: set[str], step_kind: str | None, step_state: str
) -> str | None:
    """Why ``rule`` refuses a command now (``forbidden`` or ``step_closed``), or None when it
    allows it: the role x step matrix. Object checks (whose idea, which table) are in the
    services, which run this for every command."""
    if not roles & rule.roles:
        return "forbidden"
    if rule.steps is not None and step_kind not in rule.steps:
        return "step_closed"
    if rule.needs_running and step_state != "running":
        return "step_closed"
    return None


# The workspace: preparing a summit's frame ------------------------------------------------

# Roles the workspace gives and takes in one summit's scope.
SCOPED_ROLES = (FACILITATOR, THEME_TEAM, TABLE_HOST)


def can_create_summit(user: User | AnonymousUser) -> bool:
    """deliberation.create_summit: administrators only (a new process is the municipality's
    decision; a facilitator runs the summits they are given)."""
    return bool(user.is_authenticated and (user.is_superuser or has_role(user, ADMINISTRATOR)))


def can_manage_summit(user: User | AnonymousUser, summit: Summit) -> bool:
    """deliberation.manage_summit: an administrator, or a facilitator of this summit."""
    return bool(summit_roles(user, summit) & STAFF_ROLES)


def can_manage_summit_roles(user: User | AnonymousUser, summit: Summit) -> bool:
    """deliberation.manage_summit_roles: who holds which role in the summit; administrators."""
    return ADMINISTRATOR in summit_roles(user, summit)


def summit_is_editable(summit: Summit) -> bool:
    """A closed or archived summit is evidence of what happened: read-only."""
    return summit.status in {Summit.Status.DRAFT, Summit.Status.OPEN}
