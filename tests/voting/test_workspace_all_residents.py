"""A workspace poll for all residents: every resident of the municipality votes; someone who
is a resident only within one summit, or a staff member who is no resident, is told why not."""

import pytest

from samenspel.models import Role
from tests.factories import UserFactory
from tests.voting.test_workspace import admin, settings_for
from voting import services
from voting.models import Poll


@pytest.mark.django_db
def test_a_poll_for_all_residents_lets_every_resident_vote_and_says_why_others_cannot(client):
    by = admin()
    residents = [UserFactory(roles=[Role.RESIDENT]) for _ in range(2)]
    summit_only = UserFactory(roles=[(Role.RESIDENT, "summit:burgertop-test")])
    poll = services.poll_setup_create(by=by, **settings_for(electorate=Poll.Electorate.ALL))
    services.poll_open(poll=poll, by=by)
    for resident in residents:
        services.ballot_cast(poll=poll, participant=resident, choice=["1"])
    for outsider in (summit_only, by):
        with pytest.raises(services.VotingForbidden):
            services.ballot_cast(poll=poll, participant=outsider, choice=["1"])

    client.force_login(summit_only)
    page = client.get(f"/stemmen/{poll.pk}/").content.decode()
    assert "U staat bij ons niet als inwoner ingeschreven" in page
    assert "Stem uitbrengen" not in page
    assert poll.eligibilities.count() == 2
