"""'The participants of a summit' as a workspace poll's electorate: chosen in the poll form
with a summit (voting asks a source deliberation registers, and imports no summit); at
opening everyone on the summit's participant list may vote and no one else; no summit, or
one the staff member may not use, is refused with a message and nothing is stored."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from deliberation.models import Participant
from samenspel.models import Role
from tests.deliberation.factories import make_summit
from tests.factories import UserFactory
from voting import services
from voting.models import Eligibility, Method, Option, Poll
from voting.services import OptionSpec

pytestmark = pytest.mark.django_db

NEW = "/werkruimte/peiling/nieuw/"


def settings_for(**changes):
    base = {
        "title": "Wat doen we eerst met de uitkomst?",
        "method": Method.APPROVAL,
        "options": [OptionSpec("Groen"), OptionSpec("Sport"), OptionSpec("Veiligheid")],
        "electorate": Poll.Electorate.SOURCE,
    }
    base.update(changes)
    return base


def form_data(**changes):
    data = {
        "title": "Wat doen we eerst met de uitkomst?",
        "description": "",
        "method": "approval",
        "seats": "1",
        "min_choices": "0",
        "max_choices": "",
        "points": "",
        "budget": "",
        "majority_rule": "simple",
        "electorate": "summit",
        "neighbourhood": "",
        "source_summit": "",
        "opens_at": "",
        "closes_at": "",
        "live_turnout": "on",
        "option-count": "3",
        "option-1-title": "Groen",
        "option-2-title": "Sport",
        "option-3-title": "Veiligheid",
        "save": "1",
    }
    data.update(changes)
    return data


def test_the_summits_participants_vote_and_no_one_else():
    setup = make_summit()
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    outsider = UserFactory(roles=[Role.RESIDENT])
    poll = services.poll_setup_create(
        by=admin, **settings_for(electorate_source=setup.summit.scope)
    )
    services.poll_open(poll=poll, by=admin)
    assert set(Eligibility.objects.filter(poll=poll).values_list("participant_id", flat=True)) == {
        person.pk for person in setup.residents
    }
    services.ballot_cast(poll=poll, participant=setup.residents[0], choice=["1"])
    with pytest.raises(services.VotingForbidden):
        services.ballot_cast(poll=poll, participant=outsider, choice=["1"])


def test_someone_who_joins_the_summit_after_opening_does_not_vote():
    setup = make_summit()
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    poll = services.poll_setup_create(
        by=admin, **settings_for(electorate_source=setup.summit.scope)
    )
    services.poll_open(poll=poll, by=admin)
    late = UserFactory(roles=[Role.RESIDENT])
    Participant.objects.create(summit=setup.summit, user=late)
    with pytest.raises(services.VotingForbidden):
        services.ballot_cast(poll=poll, participant=late, choice=["1"])


def refusal(by, **changes) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        services.poll_setup_create(by=by, **settings_for(**changes))
    assert Poll.objects.count() == 0 and Option.objects.count() == 0  # nothing half-stored
    return caught.value.message_dict


def test_no_summit_chosen_is_refused():
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    assert refusal(admin, electorate_source="summit:")["electorate_source"] == [
        "Kies de burgertop waarvan de deelnemers mogen stemmen."
    ]
    assert refusal(admin, electorate_source="")["electorate_source"] == [
        "Kies wie mag stemmen."
    ]


def test_a_summit_the_staff_member_may_not_use_is_refused():
    setup = make_summit()
    other = make_summit("andere-top")
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    message = (
        "U kunt deze burgertop niet kiezen: alleen een beheerder of een gespreksleider "
        "van de burgertop kan haar deelnemers laten stemmen."
    )
    assert refusal(admin, electorate_source="summit:bestaat-niet")["electorate_source"] == [
        message
    ]
    # An editor may change a workspace poll but not hand it a summit's participants; the
    # summit's own facilitator may, and not another summit's.
    poll = services.poll_setup_create(by=admin, **settings_for(electorate=Poll.Electorate.ALL))
    editor = UserFactory(roles=[Role.EDITOR])
    with pytest.raises(ValidationError) as caught:
        services.poll_setup_update(
            poll=poll, by=editor, **settings_for(electorate_source=setup.summit.scope)
        )
    assert caught.value.message_dict["electorate_source"] == [message]
    assert Poll.objects.get(pk=poll.pk).electorate == Poll.Electorate.ALL
    Poll.objects.filter(pk=poll.pk).update(created_by=other.facilitator)
    with pytest.raises(ValidationError) as caught:
        services.poll_setup_update(
            poll=poll, by=other.facilitator, **settings_for(electorate_source=setup.summit.scope)
        )
    assert caught.value.message_dict["electorate_source"] == [message]
    Poll.objects.filter(pk=poll.pk).update(created_by=setup.facilitator)
    services.poll_setup_update(
        poll=poll, by=setup.facilitator, **settings_for(electorate_source=setup.summit.scope)
    )
    assert Poll.objects.get(pk=poll.pk).electorate_source == setup.summit.scope


def test_the_poll_form_offers_the_summits_and_names_the_voters(client: Client):
    setup = make_summit()
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    client.force_login(admin)
    page = client.get(NEW).content.decode()
    assert "Deelnemers van een burgertop" in page
    assert f'<option value="{setup.summit.scope}">{setup.summit.title}</option>' in page

    missing = client.post(NEW, form_data())
    assert missing.status_code == 400
    assert "Kies de burgertop waarvan de deelnemers mogen stemmen." in missing.content.decode()
    assert not Poll.objects.exists()

    done = client.post(NEW, form_data(source_summit=setup.summit.scope), follow=True)
    assert "De peiling is opgeslagen." in done.content.decode()
    poll = Poll.objects.get()
    assert (poll.electorate, poll.electorate_source) == ("source", setup.summit.scope)
    listing = client.get("/werkruimte/peiling/").content.decode()
    assert f"Deelnemers van {setup.summit.title}" in listing
    # Changing it shows the summit chosen.
    edit = client.get(f"/werkruimte/peiling/{poll.pk}/bewerken/").content.decode()
    assert f'<option value="{setup.summit.scope}" selected>' in edit


def test_the_poll_form_refuses_a_summit_the_person_may_not_use(client: Client):
    setup = make_summit()
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    poll = services.poll_setup_create(by=admin, **settings_for(electorate=Poll.Electorate.ALL))
    editor = UserFactory(roles=[Role.EDITOR])
    client.force_login(editor)
    url = f"/werkruimte/peiling/{poll.pk}/bewerken/"
    page = client.get(url).content.decode()
    assert setup.summit.scope not in page  # not offered
    refused = client.post(url, form_data(source_summit=setup.summit.scope))
    assert refused.status_code == 400
    assert "U kunt deze burgertop niet kiezen" in refused.content.decode()
    assert Poll.objects.get(pk=poll.pk).electorate == Poll.Electorate.ALL


def test_the_poll_form_needs_its_csrf_token():
    setup = make_summit()
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    assert client.post(NEW, form_data(source_summit=setup.summit.scope)).status_code == 403
    assert not Poll.objects.exists()
    token = client.get(NEW).context["csrf_token"]
    data = form_data(source_summit=setup.summit.scope, csrfmiddlewaretoken=str(token))
    assert client.post(NEW, data).status_code == 302
    assert Poll.objects.get().electorate_source == setup.summit.scope
