"""A summit with theme proposals, a griffie with the right to record answers and a council
member without it, for the council tests."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.utils import timezone

from deliberation.models import Idea, Proposal, Summit, SummitTable, Theme
from samenspel.models import Role, User
from tests.deliberation.factories import make_summit
from tests.factories import UserFactory


@dataclass
class CouncilSetup:
    summit: Summit
    proposals: list[Proposal]
    griffie: User
    member: User
    resident: User


def griffie_user() -> User:
    user = UserFactory(roles=[Role.COUNCIL_MEMBER])
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="council", codename="record_answer")
    )
    return User.objects.get(pk=user.pk)  # without a cached, empty set of permissions


def council_setup(
    slug: str = "burgertop-raad", *, proposals: int = 3, frozen: bool = True
) -> CouncilSetup:
    setup = make_summit(slug)
    summit = setup.summit
    theme = Theme.objects.create(summit=summit, name="Groen en klimaat")
    now = timezone.now()
    made = []
    for number in range(1, proposals + 1):
        table, _new = SummitTable.objects.get_or_create(summit=summit, number=number)
        idea = Idea.objects.create(
            summit=summit,
            table=table,
            author=setup.residents[0],
            text=f"Idee {number}: meer bomen",
            theme=theme,
            created_at=now,
            updated_at=now,
        )
        proposal = Proposal.objects.create(
            summit=summit,
            number=number,
            table=table,
            theme=theme,
            title=f"Voorstel over bomen {number}",
            text=f"Plant **{number * 10}** bomen erbij.",
            status=Proposal.Status.FROZEN if frozen else Proposal.Status.WRITING,
            frozen_at=now if frozen else None,
            created_at=now,
            updated_at=now,
        )
        proposal.ideas.add(idea)
        made.append(proposal)
    return CouncilSetup(
        summit=summit,
        proposals=made,
        griffie=griffie_user(),
        member=UserFactory(roles=[Role.COUNCIL_MEMBER]),
        resident=setup.residents[0],
    )
