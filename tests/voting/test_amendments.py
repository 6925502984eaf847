"""A batch of draft amendments put to a vote opens a yes/no/abstain poll: drafts calls
voting's amendment vote with the options and the voters (no stand-in for either side)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation.drafts import services as draft_services
from samenspel.models import Role
from tests.drafts.factories import make_draft, publish
from tests.factories import UserFactory
from voting import amendments, contexts, rules, selectors, services
from voting.models import Method, Poll

pytestmark = pytest.mark.django_db

TEXT = "# Jeugdnota\n\nHet jongerenwerk is open op doordeweekse avonden.\n\nElke school krijgt een coach.\n"


def poll_for(draft, batch):
    return amendments.poll_of(contexts.draft_amendments(draft.slug, batch))


def propose(version, by, passage, replacement):
    return draft_services.amendment_propose(
        version=version,
        by=by,
        passage=passage,
        start=TEXT.index(passage),
        replacement=replacement,
        rationale="Jongeren hebben juist in het weekend tijd.",
        now=timezone.now(),
    )


def test_putting_amendments_to_a_vote_opens_a_poll_residents_can_vote_in():
    editor = UserFactory(roles=[Role.EDITOR])
    anna, bram, cees = (UserFactory(roles=[Role.RESIDENT]) for _ in range(3))
    draft = make_draft(text=TEXT, kind="jeugdnota")
    version = publish(draft, editor)
    first = propose(version, anna, "doordeweekse avonden", "alle avonden, ook in het weekend")
    second = propose(version, bram, "Elke school krijgt een coach.", "")

    batch = draft_services.amendments_put_to_vote(
        amendments=[first, second], by=editor, now=timezone.now()
    )

    poll = poll_for(draft, batch)
    assert poll is not None and poll.status == Poll.Status.OPEN
    assert poll.method == Method.YES_NO and poll.majority_rule == Poll.MajorityRule.SIMPLE
    assert poll.title == f"Amendementen op {draft.title}"
    options = selectors.poll_options(poll)
    assert [o.reference for o in options] == [f"amendment:{first.pk}", f"amendment:{second.pk}"]
    assert "„doordeweekse avonden” wordt „alle avonden, ook in het weekend”" in options[0].title
    assert options[1].title.endswith("schrappen")
    assert poll in selectors.open_polls_for(anna)
    assert rules.can_manage_poll(editor, poll) and not rules.can_manage_poll(anna, poll)

    services.ballot_cast(poll=poll, participant=anna, choice={"1": "yes", "2": "no"})
    services.ballot_cast(poll=poll, participant=bram, choice={"1": "yes", "2": "yes"})
    services.ballot_cast(poll=poll, participant=cees, choice={"1": "abstain", "2": "no"})
    result = services.poll_close(poll=poll, by=editor)
    rows = {row["key"]: row for row in selectors.result_rows(poll, result.outcome)}
    assert rows["1"]["winner"] and not rows["2"]["winner"]


def test_a_refused_batch_opens_no_poll():
    editor = UserFactory(roles=[Role.EDITOR])
    resident = UserFactory(roles=[Role.RESIDENT])
    draft = make_draft(text=TEXT, kind="jeugdnota")
    version = publish(draft, editor)
    amendment = propose(version, resident, "doordeweekse avonden", "alle avonden")
    with pytest.raises(PermissionError):
        draft_services.amendments_put_to_vote(
            amendments=[amendment], by=resident, now=timezone.now()
        )
    assert not Poll.objects.exists()


def test_the_draft_page_links_to_the_vote_while_open_and_to_the_result_once_closed(client):
    editor = UserFactory(roles=[Role.EDITOR])
    resident = UserFactory(roles=[Role.RESIDENT])
    draft = make_draft(text=TEXT, kind="jeugdnota")
    version = publish(draft, editor)
    in_vote = propose(version, resident, "doordeweekse avonden", "alle avonden")
    still_open = propose(version, resident, "Elke school krijgt een coach.", "")
    page = reverse("drafts:detail", args=[draft.slug])
    assert "Stem over dit amendement" not in client.get(page).content.decode()

    batch = draft_services.amendments_put_to_vote(
        amendments=[in_vote], by=editor, now=timezone.now()
    )
    poll = poll_for(draft, batch)
    assert poll is not None
    client.force_login(resident)
    html = client.get(page).content.decode()
    ballot = f'href="{reverse("poll_ballot", args=[poll.pk])}"'
    assert html.count(ballot) == 1 and "Stem over dit amendement" in html
    # Only the amendment in the vote has the link.
    card = html.split(f'id="amendement-{still_open.pk}"', 1)[1].split("</article>", 1)[0]
    assert "Stem over dit amendement" not in card

    services.poll_close(poll=poll, by=editor)
    html = client.get(page).content.decode()
    assert ballot not in html
    assert f'href="{reverse("poll_results", args=[poll.pk])}"' in html
    assert "Bekijk de uitslag van de stemming" in html


def test_a_ballot_names_an_amendment_in_the_words_the_draft_page_shows():
    editor = UserFactory(roles=[Role.EDITOR])
    resident = UserFactory(roles=[Role.RESIDENT])
    text = "# Jeugdnota\n\nHet **jongerenwerk** is open op [doordeweekse](https://diemen.nl) avonden.\n"
    draft = make_draft(text=text, kind="jeugdnota")
    version = publish(draft, editor)
    passage = "**jongerenwerk** is open op [doordeweekse](https://diemen.nl) avonden"
    amendment = draft_services.amendment_propose(
        version=version,
        by=resident,
        passage=passage,
        start=text.index(passage),
        replacement="*jeugdwerk* is elke avond open",
        rationale="Ook in het weekend.",
        now=timezone.now(),
    )
    batch = draft_services.amendments_put_to_vote(
        amendments=[amendment], by=editor, now=timezone.now()
    )
    option = selectors.poll_options(poll_for(draft, batch))[0]
    assert (
        "„jongerenwerk is open op doordeweekse avonden” wordt „jeugdwerk is elke avond open”"
        in (option.title)
    )
    assert "**" not in option.title and "https" not in option.title
