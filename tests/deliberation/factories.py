"""A small summit for the deliberation tests: agenda, two hall tables and one online table."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from deliberation.models import Participant, Step, Summit, SummitTable
from samenspel.models import Role, User
from tests.factories import UserFactory

AGENDA = [
    (Step.Kind.WELCOME, "Welkom", "", 300),
    (Step.Kind.TABLE_ROUND, "Tafelronde", "Wat maakt Diemen fijn om te wonen?", 900),
    (Step.Kind.CLUSTERING, "Clusteren", "", 600),
    (Step.Kind.VOTE, "Stemmen", "", 0),
    (Step.Kind.CLOSING, "Afsluiting", "", 0),
]


@dataclass
class SummitSetup:
    summit: Summit
    facilitator: User
    theme_team: User
    hosts: list[User]
    residents: list[User]
    outsider: User
    participants: list[Participant] = field(default_factory=list)


def make_summit(
    slug: str = "burgertop-test", *, residents: int = 4, seated: bool = True
) -> SummitSetup:
    summit = Summit.objects.create(slug=slug, title="Burgertop test")
    for position, (kind, title, question, duration) in enumerate(AGENDA, start=1):
        Step.objects.create(
            summit=summit,
            position=position,
            kind=kind,
            title=title,
            question=question,
            duration_seconds=duration,
        )
    scope = summit.scope
    facilitator = UserFactory(roles=[(Role.FACILITATOR, scope)])
    theme_team = UserFactory(roles=[(Role.THEME_TEAM, scope)])
    hosts = [UserFactory(roles=[(Role.TABLE_HOST, scope)]) for _ in range(2)]
    tables = [
        SummitTable.objects.create(summit=summit, number=n + 1, host=host, capacity=5)
        for n, host in enumerate(hosts)
    ]
    SummitTable.objects.create(summit=summit, number=3, online=True, capacity=5)
    people = [UserFactory(roles=[(Role.RESIDENT, scope)]) for _ in range(residents)]
    setup = SummitSetup(summit, facilitator, theme_team, hosts, people, UserFactory())
    now = timezone.now()
    for index, person in enumerate(people):
        setup.participants.append(
            Participant.objects.create(
                summit=summit,
                user=person,
                checked_in_at=now if seated else None,
                table=tables[index % 2] if seated else None,
            )
        )
    return setup


def go_to_step(summit: Summit, kind: str, *, state: str = "running") -> Step:
    """Make the summit's current step one of ``kind`` (added at the end when missing)."""
    step = Step.objects.filter(summit=summit, kind=kind).first()
    if step is None:
        last = Step.objects.filter(summit=summit).order_by("-position").first()
        step = Step.objects.create(
            summit=summit, position=(last.position + 1) if last else 1, kind=kind, title=kind
        )
    Summit.objects.filter(pk=summit.pk).update(current_step=step, step_state=state)
    summit.refresh_from_db()
    return step
