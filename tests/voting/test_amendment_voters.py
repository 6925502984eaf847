"""Who may vote on a nota's amendments is the editor's choice when putting them to a vote:
the invited co-writers, the residents, or the residents of one wijk; never staff or council
members."""

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation.drafts import electorates
from deliberation.drafts import services as draft_services
from deliberation.drafts.electorates import Electorate
from samenspel.models import Neighbourhood, Role
from tests.drafts.factories import make_draft, publish
from tests.factories import UserFactory
from tests.voting.test_amendments import TEXT, poll_for, propose
from voting import rules, selectors
from voting.models import Poll

pytestmark = pytest.mark.django_db


def voters(poll):
    return set(poll.eligibilities.values_list("participant__username", flat=True))


@pytest.fixture
def people():
    """A civil servant, a council member, a facilitator, and two residents."""
    return {
        "ambtenaar": UserFactory(username="ambtenaar", roles=[Role.EDITOR], is_staff=True),
        "raadslid": UserFactory(username="raadslid", roles=[Role.COUNCIL_MEMBER]),
        "griffie": UserFactory(username="griffie", roles=[Role.COUNCIL_MEMBER, Role.RESIDENT]),
        "gespreksleider": UserFactory(
            username="gespreksleider", roles=[Role.FACILITATOR], is_staff=True
        ),
        "anna": UserFactory(username="anna", roles=[Role.RESIDENT]),
        "bram": UserFactory(username="bram", roles=[Role.RESIDENT]),
    }


def put_to_vote(people, electorate=None):
    editor = people["ambtenaar"]
    draft = make_draft(text=TEXT, kind="jeugdnota")
    version = publish(draft, editor)
    amendment = propose(version, people["anna"], "doordeweekse avonden", "alle avonden")
    batch = draft_services.amendments_put_to_vote(
        amendments=[amendment], by=editor, now=timezone.now(), electorate=electorate
    )
    return draft, poll_for(draft, batch)


def test_staff_and_council_members_do_not_vote_on_amendments(people):
    draft, poll = put_to_vote(people)
    assert voters(poll) == {"anna", "bram"}
    for name in ("ambtenaar", "raadslid", "griffie", "gespreksleider"):
        assert not rules.can_cast_ballot(people[name], poll), name
        assert poll not in selectors.open_polls_for(people[name])
    assert "Stemmen mogen: de inwoners van de gemeente." in poll.description


def test_only_the_invited_cowriters_vote_when_the_editor_chooses_them(people):
    editor = people["ambtenaar"]
    draft = make_draft(text=TEXT, kind="jeugdnota")
    draft_services.draft_editor_invite(draft=draft, user=people["bram"], by=editor)
    version = publish(draft, editor)
    amendment = propose(version, people["anna"], "doordeweekse avonden", "alle avonden")
    batch = draft_services.amendments_put_to_vote(
        amendments=[amendment],
        by=editor,
        now=timezone.now(),
        electorate=Electorate(electorates.COWRITERS),
    )
    poll = poll_for(draft, batch)
    assert voters(poll) == {"bram"}
    assert "de uitgenodigde meeschrijvers van deze nota" in poll.description


def test_only_the_residents_of_the_chosen_wijk_vote(people):
    wijk, other = Neighbourhood.objects.filter(level=Neighbourhood.Level.WIJK)[:2]
    buurt = wijk.buurten.first()
    people["anna"].neighbourhood = buurt
    people["anna"].save(update_fields=["neighbourhood"])
    people["bram"].neighbourhood = other
    people["bram"].save(update_fields=["neighbourhood"])
    UserFactory(username="cees", roles=[Role.RESIDENT], neighbourhood=wijk)
    UserFactory(username="ambtenaar-in-de-wijk", roles=[Role.EDITOR], neighbourhood=buurt)
    _draft, poll = put_to_vote(people, Electorate(electorates.NEIGHBOURHOOD, wijk))
    assert voters(poll) == {"anna", "cees"}
    assert f"de inwoners van {wijk.name}" in poll.description


def test_a_group_without_anyone_in_it_opens_no_vote(people):
    with pytest.raises(draft_services.DraftError, match="niemand"):
        put_to_vote(people, Electorate(electorates.COWRITERS))
    assert not Poll.objects.exists()


def test_the_editor_chooses_who_votes_on_the_page_and_the_ballot_says_so(client, people):
    editor = people["ambtenaar"]
    draft = make_draft(text=TEXT, kind="jeugdnota")
    draft_services.draft_editor_invite(draft=draft, user=people["bram"], by=editor)
    version = publish(draft, editor)
    amendment = propose(version, people["anna"], "doordeweekse avonden", "alle avonden")
    client.force_login(editor)
    page = client.get(reverse("drafts:detail", args=[draft.slug])).content.decode()
    form = page.split('id="stemming-voorleggen"', 1)[1].split("</form>", 1)[0]
    assert "Wie mogen stemmen?" in form
    assert "De uitgenodigde meeschrijvers van deze nota (1 persoon)" in form
    assert "Alle inwoners (2 personen)" in form
    assert "De inwoners van één wijk" in form

    url = reverse("drafts:put_to_vote", args=[draft.slug])
    refused = client.post(url, {"amendments": [str(amendment.pk)]})
    assert refused.status_code == 400
    assert "Kies wie over de amendementen mogen stemmen." in refused.content.decode()
    refused = client.post(url, {"amendments": [str(amendment.pk)], "electorate": "wijk"})
    assert refused.status_code == 400
    assert "Kies de wijk waarvan de inwoners mogen stemmen." in refused.content.decode()
    assert not Poll.objects.exists()

    response = client.post(
        url, {"amendments": [str(amendment.pk)], "electorate": "meeschrijvers"}, follow=True
    )
    poll = Poll.objects.get()
    assert voters(poll) == {"bram"}
    assert "Stemmen mogen: de uitgenodigde meeschrijvers van deze nota." in (
        response.content.decode()
    )
