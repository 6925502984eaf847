import pytest

from samenspel import rules, services
from samenspel.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_role_can_hold_everywhere_or_in_one_summit():
    host = UserFactory(roles=[(Role.TABLE_HOST, "summit:burgertop")])
    facilitator = UserFactory(roles=[Role.FACILITATOR])
    assert rules.has_role(host, Role.TABLE_HOST, "summit:burgertop")
    assert not rules.has_role(host, Role.TABLE_HOST, "summit:andere-top")
    assert not rules.has_role(host, Role.TABLE_HOST)
    assert rules.has_role(facilitator, Role.FACILITATOR, "summit:burgertop")
    assert rules.has_role(facilitator, Role.FACILITATOR, "summit:andere-top")


def test_a_person_can_hold_several_roles():
    person = UserFactory(roles=[Role.RESIDENT, (Role.EDITOR, "draft:sportnota")])
    assert rules.roles_of(person, "draft:sportnota") == {Role.RESIDENT, Role.EDITOR}
    assert rules.roles_of(person) == {Role.RESIDENT}


def test_granting_twice_keeps_one_grant_and_revoking_removes_it():
    person = UserFactory()
    services.role_grant(user=person, role=Role.THEME_TEAM)
    services.role_grant(user=person, role=Role.THEME_TEAM)
    assert person.role_grants.count() == 1
    services.role_revoke(user=person, role=Role.THEME_TEAM)
    assert not rules.has_role(person, Role.THEME_TEAM)


def test_anonymous_visitors_hold_no_role():
    from django.contrib.auth.models import AnonymousUser

    assert rules.roles_of(AnonymousUser()) == set()
    assert not rules.has_role(AnonymousUser(), Role.RESIDENT)
