"""Named permissions of the council app: council.record_answer (write the council's answers
and manage their statuses), council.read_room (the reading room) and council.make_report
(a summit's or a nota's participation report). Views hide what these refuse; the services check them
again."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from deliberation.drafts import rules as draft_rules
from deliberation.drafts.models import Amendment, Draft
from deliberation.models import Summit
from deliberation.rules import can_manage_summit
from samenspel.models import Role, User
from samenspel.rules import roles_of
from voting import rules as voting_rules
from voting.models import Poll

RECORD_ANSWER = "council.record_answer"
# Who reads the council's room besides those who record answers: council members and staff.
READERS = {
    str(Role.COUNCIL_MEMBER),
    str(Role.ADMINISTRATOR),
    str(Role.FACILITATOR),
    str(Role.EDITOR),
}


def can_record_answers(user: User | AnonymousUser) -> bool:
    """council.record_answer: the griffie (the Django permission of that name, given to a
    person or a group in the admin) and administrators."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.has_perm(RECORD_ANSWER):
        return True
    return str(Role.ADMINISTRATOR) in roles_of(user)


def can_read_room(user: User | AnonymousUser) -> bool:
    """council.read_room: council members, staff, and whoever records answers."""
    if not user.is_authenticated:
        return False
    return bool(roles_of(user) & READERS) or can_record_answers(user)


def can_make_report(user: User | AnonymousUser, summit: Summit) -> bool:
    """council.make_report: whoever records answers, or manages the summit (its facilitator,
    administrators)."""
    return can_record_answers(user) or can_manage_summit(user, summit)


def can_make_nota_report(user: User | AnonymousUser, draft: Draft) -> bool:
    """council.make_report for a nota: whoever records answers, or manages the nota (its
    civil-servant editors, administrators)."""
    return can_record_answers(user) or draft_rules.can_manage(user, draft)


def can_make_poll_report(user: User | AnonymousUser, poll: Poll) -> bool:
    """council.make_report for a poll of the workspace: whoever records answers, or manages
    the poll (voting.manage_poll: administrators and whoever created it)."""
    return can_record_answers(user) or voting_rules.can_manage_poll(user, poll)


# The amendments the council answers: those the editors decided (taken over or turned down),
# and every amendment of a nota sent to the council. An open amendment of a nota still in
# its reaction period has nothing for the council to answer yet.
AMENDMENT_DECIDED = (Amendment.Status.ACCEPTED, Amendment.Status.REJECTED)
AMENDMENT_ANSWERABLE = Q(status__in=AMENDMENT_DECIDED) | Q(draft__sent_to_council_at__isnull=False)


def amendment_answerable(amendment: Amendment) -> bool:
    """Whether the council can answer this amendment now (``AMENDMENT_ANSWERABLE``)."""
    return amendment.status in AMENDMENT_DECIDED or amendment.draft.sent_to_council_at is not None
