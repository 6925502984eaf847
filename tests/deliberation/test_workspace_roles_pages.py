"""People and roles on a process's own workspace page: an administrator sees who holds what in
a summit and in a nota, gives a role there and takes it away there, without the admin."""

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation import services
from deliberation.drafts import setup
from samenspel.models import Role, RoleGrant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(roles=[Role.ADMINISTRATOR], is_staff=True)


def section(html: str, start: str, end: str) -> str:
    """The part of a page from the heading ``start`` to the next heading ``end``."""
    return html[html.index(start) : html.index(end, html.index(start))]


def test_the_summits_roles_page_shows_who_holds_what_and_takes_a_role_away(client, admin):
    summit = services.summit_create(by=admin, title="Burgertop Rollen", now=timezone.now())
    volunteer = UserFactory(username="vrijwilliger", display_name="Noor Vrijwilliger")
    everywhere = UserFactory(username="overalteam", roles=[Role.THEME_TEAM])
    page = reverse("summit_roles", args=[summit.slug])
    client.force_login(admin)

    answer = client.post(page, {"username": "vrijwilliger", "role": Role.FACILITATOR}, follow=True)
    html = answer.content.decode()
    assert "Noor Vrijwilliger heeft nu de rol Gespreksleider." in html
    facilitators = section(html, ">Gespreksleider<", "<h2")
    assert "Noor Vrijwilliger (vrijwilliger)" in facilitators and "Rol afnemen" in facilitators
    # A role held everywhere is listed as such, and is changed in the admin, not here.
    team = section(html, ">Themateam<", "<h2")
    assert f"{everywhere.public_name} (overalteam), overal" in team
    assert "Rol afnemen" not in team

    answer = client.post(
        reverse("summit_role_revoke", args=[summit.slug]),
        {"user": volunteer.pk, "role": Role.FACILITATOR},
        follow=True,
    )
    html = answer.content.decode()
    assert "Noor Vrijwilliger heeft deze rol niet meer." in html
    assert "Noor Vrijwilliger (vrijwilliger)" not in html
    assert not RoleGrant.objects.filter(user=volunteer).exists()


def test_the_notas_page_shows_its_editors_and_cowriters_and_takes_them_off(client, admin):
    draft = setup.draft_start(
        by=admin, title="Sportnota 2027", kind="sportnota", now=timezone.now()
    )
    civil_servant = UserFactory(username="sportambtenaar", display_name="Eva Sport", is_staff=True)
    resident = UserFactory(username="meeschrijfster", display_name="Sara Schrijft")
    page = reverse("drafts:workspace", args=[draft.slug])
    person = reverse("drafts:workspace_person", args=[draft.slug])
    client.force_login(admin)
    client.post(person, {"person": "sportambtenaar", "actie": "redacteur"})
    client.post(person, {"person": "meeschrijfster", "actie": "meeschrijver"})

    html = client.get(page).content.decode()
    editors = section(html, 'id="redacteuren"', "<h3")
    cowriters = section(html, 'id="meeschrijvers"', "<h3")
    assert "Eva Sport</strong> (sportambtenaar)" in editors and "Eva Sport weghalen" in editors
    assert "Sara Schrijft</strong> (meeschrijfster)" in cowriters
    assert "Sara Schrijft" not in editors

    answer = client.post(person, {"person": "meeschrijfster", "actie": "weg"}, follow=True)
    html = answer.content.decode()
    assert "Sara Schrijft kan deze nota niet meer bewerken." in html
    assert "Sara Schrijft</strong>" not in section(html, 'id="meeschrijvers"', "<h3")
    assert not RoleGrant.objects.filter(user=resident).exists()
    assert RoleGrant.objects.filter(user=civil_servant, scope=draft.scope).exists()
