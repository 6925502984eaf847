"""The demo summit's residents are invited, checked in and seated through the services the
workspace and the check-in desk use, so the demo is built as a municipality builds one."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from deliberation import services
from deliberation.demo import SLUG
from deliberation.models import Participant, Summit
from deliberation.services import invitees
from samenspel.models import Role, RoleGrant
from tests.deliberation.factories import make_summit
from tests.demo_seed import seed_demo
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_demo_residents_are_invited_checked_in_and_seated_as_staff_do_it(tmp_path):
    files = ["--logins-file", str(tmp_path / "l.txt"), "--codes-file", str(tmp_path / "c.csv")]
    seed_demo(tmp_path / "l.txt", tmp_path / "c.csv")
    summit = Summit.objects.get(slug=SLUG)
    participants = Participant.objects.filter(summit=summit)
    invited = set(participants.values_list("user_id", flat=True))
    assert len(invited) == 60
    # Invited as the workspace invites: each holds the resident role in this summit.
    granted = RoleGrant.objects.filter(scope=summit.scope, role=Role.RESIDENT)
    assert set(granted.values_list("user_id", flat=True)) == invited
    # Checked in at the desk (each check-in went to the summit's screens as an event) and
    # seated by its 'Tafels indelen': everyone at a hall table, no table over capacity.
    checked_in = participants.filter(checked_in_at__isnull=False)
    assert checked_in.count() == 60 and summit.seq >= 60
    assert not checked_in.filter(table__isnull=True).exists()
    assert not checked_in.filter(table__online=True).exists()
    for table in summit.tables.filter(online=False):
        assert 0 < table.members.count() <= table.capacity
    # Seeding again invites nobody twice.
    call_command("seed_demo", "--small", *files)
    assert participants.count() == 60


def test_inviting_people_with_an_account_skips_those_invited_and_refuses_a_closed_summit():
    setup = make_summit(residents=2, seated=False)
    admin = UserFactory(roles=[(Role.ADMINISTRATOR, "")])
    newcomer = UserFactory()
    added = invitees.invitees_invite_accounts(
        summit=setup.summit, by=admin, users=[*setup.residents, newcomer]
    )
    assert [participant.user for participant in added] == [newcomer]
    assert RoleGrant.objects.filter(
        user=newcomer, role=Role.RESIDENT, scope=setup.summit.scope
    ).exists()
    with pytest.raises(PermissionDenied):
        invitees.invitees_invite_accounts(summit=setup.summit, by=newcomer, users=[admin])
    services.summit_close(summit=setup.summit, by=admin, now=timezone.now())
    with pytest.raises(ValidationError):
        invitees.invitees_invite_accounts(summit=setup.summit, by=admin, users=[admin])
    assert Participant.objects.filter(summit=setup.summit).count() == 3


def test_the_demo_builds_in_the_hour_after_midnight_in_diemen():
    """Between 23:00 and 24:00 UTC it is already tomorrow in Diemen: the demo's summits are
    dated by Diemen's calendar, as the workspace checks them (the demo failed in that hour
    with "Deze datum is al voorbij")."""
    from samenspel import demo
    from samenspel.discovery import project_modules

    now = timezone.now().replace(hour=23, minute=30, second=0, microsecond=0)
    if now > timezone.now():
        now -= timedelta(days=1)
    assert timezone.localdate(now) != now.date()  # the hour this test is about
    context = demo.seed_core(now=now, small=True)
    for module in project_modules("demo"):
        module.seed(context)
    assert Summit.objects.get(slug=SLUG).date == timezone.localdate(now)
