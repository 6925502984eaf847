"""A vote after the day for the people who took part: a summit's invitees become the voters
of a draft poll for a list of names, from the summit's page in the workspace."""

import pytest

from samenspel.models import Role
from tests.deliberation.factories import make_summit
from tests.factories import UserFactory
from voting import rules as voting_rules
from voting import services as voting
from voting.models import Eligibility, Method

SLUG = "burgertop-na-afloop"
URL = f"/werkruimte/burgertop/{SLUG}/deelnemers/"


def list_poll(by, title="Wat vond u van de dag?"):
    return voting.poll_setup_create(
        by=by,
        title=title,
        method=Method.APPROVAL,
        options=[voting.OptionSpec("Goed"), voting.OptionSpec("Kan beter")],
        electorate="list",
    )


@pytest.fixture
def admin():
    return UserFactory(roles=[(Role.ADMINISTRATOR, "")])


@pytest.mark.django_db
def test_the_invitees_of_a_summit_become_the_voters_of_a_poll(client, admin):
    setup = make_summit(SLUG)
    poll = list_poll(admin)
    client.force_login(admin)
    page = client.get(URL).content.decode()
    assert "De deelnemers laten stemmen in een peiling" in page
    assert f'<option value="{poll.pk}">Wat vond u van de dag?</option>' in page
    done = client.post(URL + "peiling/", {"poll": poll.pk}, follow=True)
    assert "De 4 deelnemers mogen stemmen in &#x27;Wat vond u van de dag?&#x27;." in (
        done.content.decode()
    )
    voters = set(Eligibility.objects.filter(poll=poll).values_list("participant", flat=True))
    assert voters == {person.pk for person in setup.residents}
    # Again: the same four, not eight; then the poll opens and they can vote.
    client.post(URL + "peiling/", {"poll": poll.pk})
    assert Eligibility.objects.filter(poll=poll).count() == 4
    poll = voting.poll_open(poll=poll, by=admin)
    assert voting_rules.can_cast_ballot(setup.residents[0], poll)
    assert not voting_rules.can_cast_ballot(setup.outsider, poll)


@pytest.mark.django_db
def test_a_wrong_poll_or_person_changes_no_voters(client, admin):
    setup = make_summit(SLUG)
    poll = list_poll(admin)
    client.force_login(admin)
    for wrong in ("", "abc", "-3", "999999"):
        page = client.post(URL + "peiling/", {"poll": wrong}, follow=True).content.decode()
        assert "Kies een peiling uit de lijst." in page
    everyone = list_poll(admin, "Voor iedereen")
    type(everyone).objects.filter(pk=everyone.pk).update(electorate="all")
    page = client.post(URL + "peiling/", {"poll": everyone.pk}, follow=True).content.decode()
    assert "niet voor een lijst met namen" in page
    voting.poll_open(poll=poll, by=admin)
    page = client.post(URL + "peiling/", {"poll": poll.pk}, follow=True).content.decode()
    assert "Deze peiling is al geopend" in page
    assert not Eligibility.objects.exists()
    # A resident of the summit may not, nor may a facilitator of the summit change a poll
    # that is not theirs.
    other = list_poll(admin, "Nog een")
    client.force_login(setup.residents[0])
    assert client.post(URL + "peiling/", {"poll": other.pk}).status_code == 403
    client.force_login(setup.facilitator)
    assert client.post(URL + "peiling/", {"poll": other.pk}).status_code == 403
    assert not Eligibility.objects.exists()
    # Without the CSRF token the form is refused.
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin)
    assert strict.post(URL + "peiling/", {"poll": other.pk}).status_code == 403
    assert not Eligibility.objects.exists()
