import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from deliberation.drafts import selectors, services
from deliberation.drafts.models import Amendment, Comment
from samenspel.models import Role
from tests.drafts.factories import make_draft, publish
from tests.drafts.test_amendment_preview import propose_and_send
from tests.factories import UserFactory
from voting.models import Poll

pytestmark = pytest.mark.django_db

TEXT = "# Cultuurnota\n\nDe bibliotheek is het huis van de stad.\n"
XSS = (
    "# Nota\n\n<script>alert('x')</script>\n\n<iframe src='https://e.example'></iframe>\n\n"
    "[klik](javascript:alert(1)) <img src=x onerror=alert(1)>\n"
)


@pytest.fixture
def editor():
    return UserFactory(roles=[Role.EDITOR])


@pytest.fixture
def resident():
    return UserFactory(roles=[Role.RESIDENT])


def test_list_and_home_show_the_drafts(client):
    draft = make_draft(text=TEXT)
    assert draft.title in client.get(reverse("drafts:list")).content.decode()
    assert reverse("drafts:detail", args=[draft.slug]) in client.get("/").content.decode()


def test_read_view_renders_the_published_version_harmlessly(client, editor):
    draft = make_draft(text=XSS)
    publish(draft, editor)
    page = client.get(reverse("drafts:detail", args=[draft.slug])).content.decode().lower()
    assert "<script>alert" not in page
    assert "<iframe" not in page
    assert "javascript:" not in page
    assert "onerror" not in page


def test_resident_comments_and_proposes_then_editor_accepts(client, editor, resident):
    draft = make_draft(text=TEXT)
    publish(draft, editor)
    client.force_login(resident)
    url = reverse("drafts:comment", args=[draft.slug])
    client.post(url, {"passage": "de bibliotheek", "body": "Ook in Diemen-Noord?"})
    assert not Comment.objects.exists()  # the passage is not in the text (case differs)
    client.post(url, {"passage": "De bibliotheek", "body": "Ook in Diemen-Noord?"})
    comment = Comment.objects.get()
    assert comment.start == TEXT.index("De bibliotheek")
    propose_and_send(
        client,
        draft,
        {
            "passage": "het huis van de stad",
            "replacement": "de huiskamer van Diemen",
            "rationale": "Diemen is geen stad.",
        },
    )
    amendment = Amendment.objects.get()
    client.post(reverse("drafts:support", args=[draft.slug, amendment.pk]))
    assert amendment.supports.count() == 1
    refused = client.post(reverse("drafts:accept", args=[draft.slug, amendment.pk]), follow=True)
    assert "Alleen redacteuren" in refused.content.decode()
    client.force_login(editor)
    client.post(reverse("drafts:accept", args=[draft.slug, amendment.pk]))
    assert "de huiskamer van Diemen" in selectors.draft_live_text(draft)


def test_editor_page_mounts_the_editor_readonly_for_readers(client, editor, resident):
    draft = make_draft(text=TEXT)
    client.force_login(editor)
    page = client.get(reverse("drafts:editor", args=[draft.slug])).content.decode()
    assert 'data-ws-url="ws://testserver/ws/drafts"' in page
    assert f'data-room="{draft.slug}"' in page
    assert 'data-readonly="false"' in page
    # The browser edits the same shared text the server stores and applies amendments to.
    assert 'data-text-name="codemirror"' in page
    assert "dist/editor.js" in page
    client.force_login(resident)
    page = client.get(reverse("drafts:editor", args=[draft.slug])).content.decode()
    assert 'data-readonly="true"' in page
    client.logout()
    assert client.get(reverse("drafts:editor", args=[draft.slug])).status_code == 302


def test_publish_and_see_what_changed_word_by_word(client, editor):
    draft = make_draft(text=TEXT)
    client.force_login(editor)
    client.post(reverse("drafts:publish", args=[draft.slug]), {"note": "Eerste"})
    client.post(reverse("drafts:publish", args=[draft.slug]), {"note": "Tweede", "final": "on"})
    assert [v.number for v in draft.versions.all()] == [1, 2]
    assert draft.versions.get(number=2).is_final
    page = client.get(reverse("drafts:versions", args=[draft.slug])).content.decode()
    assert "Versie 2" in page
    diff = client.get(reverse("drafts:diff", args=[draft.slug, 1, 2]))
    assert diff.status_code == 200
    assert client.get(reverse("drafts:diff", args=[draft.slug, 1, 9])).status_code == 404


def test_resident_cannot_publish(client, resident):
    draft = make_draft(text=TEXT)
    client.force_login(resident)
    client.post(reverse("drafts:publish", args=[draft.slug]))
    assert not draft.versions.exists()


def test_refused_comment_and_amendment_keep_what_was_typed(client, editor, resident):
    draft = make_draft(text=TEXT)
    publish(draft, editor)
    client.force_login(resident)
    refused = client.post(
        reverse("drafts:comment", args=[draft.slug]),
        {"passage": "niet in de tekst", "body": "Mijn lange reactie."},
    )
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "staat niet (meer) op die plek" in page
    assert "Mijn lange reactie." in page
    refused = client.post(
        reverse("drafts:amendment", args=[draft.slug]),
        {
            "amendement-passage": "het huis van de stad",
            "amendement-replacement": "de huiskamer van Diemen",
            "amendement-rationale": "",
        },
    )
    assert refused.status_code == 400
    assert "de huiskamer van Diemen" in refused.content.decode()
    assert not Comment.objects.exists() and not Amendment.objects.exists()


def test_draft_pages_and_refusals_read_in_english(client, editor, resident):
    draft = make_draft(text=TEXT)
    publish(draft, editor)
    client.force_login(resident)
    client.post("/i18n/setlang/", {"language": "en", "next": "/nota/"})
    page = client.get(reverse("drafts:detail", args=[draft.slug])).content.decode()
    assert "Propose a change" in page and "Post comment" in page
    assert "Stel een wijziging voor" not in page
    refused = client.post(
        reverse("drafts:comment", args=[draft.slug]),
        {"passage": "niet in de tekst", "body": "A comment."},
    ).content.decode()
    assert "This text is not (or no longer) in that place in the version." in refused
    page = client.get(reverse("drafts:editor", args=[draft.slug])).content.decode()
    assert "You can read along." in page


FORMATTED = (
    "# Sportnota\n\n"
    "De **grote zaal** van [Sportpark Diemen](https://www.diemen.nl/sport) gaat open.\n\n"
    "Daarna volgt de *kleine* zaal.\n\n"
    "De kantine gaat open.\n"
)


def test_a_comment_on_words_selected_across_bold_and_a_link_is_anchored_to_them(
    client, editor, resident
):
    draft = make_draft(text=FORMATTED)
    publish(draft, editor)
    client.force_login(resident)
    client.post(
        reverse("drafts:comment", args=[draft.slug]),
        {"passage": "grote zaal van Sportpark Diemen", "body": "Komt er een lift?"},
    )
    comment = Comment.objects.get()
    assert comment.passage == "**grote zaal** van [Sportpark Diemen](https://www.diemen.nl/sport)"
    assert FORMATTED[comment.start :].startswith(comment.passage)
    page = client.get(reverse("drafts:detail", args=[draft.slug])).content.decode()
    # The card quotes the words as the page shows them, and links to them in the text,
    # where they are highlighted.
    assert '<p class="utrecht-paragraph">grote zaal van Sportpark Diemen</p>' in page
    assert f'href="#passage-reactie-{comment.pk}"' in page
    assert f'<span id="passage-reactie-{comment.pk}"></span>' in page
    assert '<mark class="ss-passage-mark">grote zaal</mark>' in page


def test_an_amendment_on_words_across_two_paragraphs_replaces_exactly_them(
    client, editor, resident
):
    draft = make_draft(text=FORMATTED)
    publish(draft, editor)
    client.force_login(resident)
    response = propose_and_send(
        client,
        draft,
        {
            "passage": "gaat open.\n\nDaarna volgt de kleine",
            "replacement": "opent in 2027. Daarna volgt de nieuwe",
            "rationale": "Eerlijker.",
        },
    )
    assert response.status_code == 302
    amendment = Amendment.objects.get()
    assert amendment.passage == "gaat open.\n\nDaarna volgt de *kleine*"
    client.force_login(editor)
    client.post(reverse("drafts:accept", args=[draft.slug, amendment.pk]))
    assert selectors.draft_live_text(draft) == FORMATTED.replace(
        "gaat open.\n\nDaarna volgt de *kleine*", "opent in 2027. Daarna volgt de nieuwe"
    )


def test_an_amendment_that_would_cut_a_link_in_two_is_refused_with_a_clear_message(
    client, editor, resident
):
    draft = make_draft(text=FORMATTED)
    publish(draft, editor)
    client.force_login(resident)
    refused = client.post(
        reverse("drafts:amendment", args=[draft.slug]),
        {
            "amendement-passage": "van Sportpark",
            "amendement-replacement": "bij het zwembad",
            "amendement-rationale": "Verkeerde plek.",
        },
    )
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "begint of eindigt midden in een link, lijst of tabel" in page
    assert "bij het zwembad" in page
    assert not Amendment.objects.exists()


def test_of_words_that_occur_twice_the_selected_one_is_used(client, editor, resident):
    draft = make_draft(text=FORMATTED)
    publish(draft, editor)
    client.force_login(resident)
    second = len(
        "Sportnota De grote zaal van Sportpark Diemen gaat open. Daarna volgt de kleine "
        "zaal. De kantine "
    )
    client.post(
        reverse("drafts:comment", args=[draft.slug]),
        {"passage": "gaat open.", "body": "Wanneer?", "at": str(second)},
    )
    assert Comment.objects.get().start == FORMATTED.index(
        "gaat open.\n", FORMATTED.index("kantine")
    )
    client.post(
        reverse("drafts:comment", args=[draft.slug]),
        {"passage": "gaat open.", "body": "Zonder plek: de eerste."},
    )
    assert Comment.objects.get(body="Zonder plek: de eerste.").start == FORMATTED.index(
        "gaat open."
    )


def test_read_page_offers_choosing_a_passage_to_people_who_may_react(client, editor, resident):
    draft = make_draft(text=FORMATTED)
    publish(draft, editor)
    page = client.get(reverse("drafts:detail", args=[draft.slug])).content.decode()
    assert "data-passage-bar" not in page and "dist/passage.js" not in page
    client.force_login(resident)
    page = client.get(reverse("drafts:detail", args=[draft.slug])).content.decode()
    assert "Reageer op deze passage" in page and "dist/passage.js" in page
    assert 'name="at"' in page and 'name="amendement-at"' in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/nota/"})
    page = client.get(reverse("drafts:detail", args=[draft.slug])).content.decode()
    assert "Comment on this passage" in page and "Or choose a heading or paragraph" in page
    refused = client.post(
        reverse("drafts:amendment", args=[draft.slug]),
        {
            "amendement-passage": "van Sportpark",
            "amendement-replacement": "bij het zwembad",
            "amendement-rationale": "Verkeerde plek.",
        },
    ).content.decode()
    assert "begins or ends in the middle of a link, list or table" in refused


# Putting amendments to a vote from the read page.

VOTE_TEXT = (
    "# Jeugdnota\n\n"
    "Het jongerenwerk is open op **doordeweekse** avonden.\n\n"
    "Elke school krijgt een coach.\n\n"
    "De speeltuin krijgt een hek.\n"
)
PUT_TO_VOTE = "Leg voor aan een stemming"


@pytest.fixture
def amendments(editor, resident):
    """A published nota with three open amendments by a resident."""
    draft = make_draft(text=VOTE_TEXT, kind="jeugdnota")
    version = publish(draft, editor)

    def propose(passage, replacement):
        return services.amendment_propose(
            version=version,
            by=resident,
            passage=passage,
            start=VOTE_TEXT.index(passage),
            replacement=replacement,
            rationale="Jongeren hebben juist in het weekend tijd.",
            now=timezone.now(),
        )

    return [
        propose("**doordeweekse** avonden", "alle avonden, ook in het weekend"),
        propose("Elke school krijgt een coach.", ""),
        propose("een hek", "een lage heg"),
    ]


def put_to_vote(client, draft, chosen, electorate="inwoners", **extra):
    return client.post(
        reverse("drafts:put_to_vote", args=[draft.slug]),
        {"amendments": [str(item) for item in chosen], "electorate": electorate},
        **extra,
    )


def statuses(items):
    return [Amendment.objects.get(pk=item.pk).status for item in items]


def vote_form(page):
    """The part of the read page with the form that puts amendments to a vote."""
    assert 'id="stemming-voorleggen"' in page, "the form is not on the page"
    return page.split('id="stemming-voorleggen"', 1)[1].split("</form>", 1)[0]


def test_editor_puts_two_amendments_to_a_vote_and_lands_on_the_poll(
    client, editor, resident, amendments
):
    first, second, third = amendments
    draft = first.draft
    client.force_login(editor)
    form = vote_form(client.get(reverse("drafts:detail", args=[draft.slug])).content.decode())
    # Each open amendment is offered with its passage as the page shows it and the new text.
    assert "<legend" in form and "Welke amendementen legt u voor?" in form
    assert "„doordeweekse avonden” wordt „alle avonden, ook in het weekend”" in form
    assert "„Elke school krijgt een coach.” schrappen" in form
    assert f'for="stemming-{third.pk}"' in form and f'id="stemming-{third.pk}"' in form
    assert PUT_TO_VOTE in form

    response = put_to_vote(client, draft, [first.pk, second.pk])

    poll = Poll.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("poll_ballot", args=[poll.pk])
    ballot = client.get(response["Location"]).content.decode()
    assert "De stemming over 2 amendementen is geopend." in ballot
    # The residents vote (the editor who put them to the vote does not).
    client.force_login(resident)
    ballot = client.get(response["Location"]).content.decode()
    client.force_login(editor)
    assert "Amendement 1: „" in ballot and "” wordt „alle avonden, ook in het weekend”" in ballot
    assert "Amendement 2: „Elke school krijgt een coach.” schrappen" in ballot
    assert "een lage heg" not in ballot
    assert statuses(amendments) == ["in_vote", "in_vote", "open"]

    page = client.get(reverse("drafts:detail", args=[draft.slug])).content.decode()
    ballot_link = f'href="{reverse("poll_ballot", args=[poll.pk])}"'
    for item in (first, second):
        card = page.split(f'id="amendement-{item.pk}"', 1)[1].split("</article>", 1)[0]
        assert "In stemming" in card and ballot_link in card
        assert "Stem over dit amendement" in card
    # Only the amendment still open is offered for a next vote.
    form = vote_form(page)
    assert f'id="stemming-{third.pk}"' in form
    assert f'id="stemming-{first.pk}"' not in form and f'id="stemming-{second.pk}"' not in form


def test_readers_and_invited_writers_do_not_see_the_vote_form(client, amendments):
    draft = amendments[0].draft
    page = client.get(reverse("drafts:detail", args=[draft.slug])).content.decode()
    assert PUT_TO_VOTE not in page
    for reader in (
        UserFactory(roles=[Role.RESIDENT]),
        UserFactory(roles=[(Role.EDITOR, draft.scope)]),  # co-writes, does not decide
    ):
        client.force_login(reader)
        page = client.get(reverse("drafts:detail", args=[draft.slug])).content.decode()
        assert PUT_TO_VOTE not in page and 'id="stemming-voorleggen"' not in page
        assert "Stel een wijziging voor" in page


def test_a_vote_asked_for_by_someone_who_may_not_is_refused_and_changes_nothing(
    client, resident, amendments
):
    draft = amendments[0].draft
    client.force_login(resident)
    refused = put_to_vote(client, draft, [item.pk for item in amendments])
    assert refused.status_code == 403
    page = refused.content.decode()
    assert "Alleen redacteuren mogen amendementen aan een stemming voorleggen." in page
    assert PUT_TO_VOTE not in page
    client.logout()
    assert put_to_vote(client, draft, [amendments[0].pk]).status_code == 302  # to log in
    assert statuses(amendments) == ["open", "open", "open"]
    assert not Poll.objects.exists()


def propose_huiskamer(version, by, now=None):
    """A resident's amendment on "het huis van de stad" in ``TEXT``."""
    return services.amendment_propose(
        version=version,
        by=by,
        passage="het huis van de stad",
        start=TEXT.index("het huis van de stad"),
        replacement="de huiskamer van Diemen",
        rationale="Diemen is geen stad.",
        now=now or timezone.now(),
    )


def comment_on_library(version, by, body, now=None):
    """A comment on "De bibliotheek" in ``TEXT``."""
    return services.comment_add(
        version=version,
        by=by,
        body=body,
        passage="De bibliotheek",
        start=TEXT.index("De bibliotheek"),
        now=now or timezone.now(),
    )


def _other_drafts_amendment(editor, resident):
    other = make_draft(text=TEXT, kind="cultuurnota")
    version = publish(other, editor)
    return propose_huiskamer(version, resident)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("nothing chosen", "Kies minstens één amendement."),
        ("not a number", "Een gekozen amendement hoort niet bij deze nota."),
        ("another draft", "Een gekozen amendement hoort niet bij deze nota."),
        ("rejected", "Over het amendement op „Elke school krijgt een coach.” is intussen al"),
        ("in a vote", "Het amendement op „Elke school krijgt een coach.” is al in stemming."),
    ],
)
def test_a_choice_that_cannot_go_to_a_vote_gets_a_clear_message_and_changes_nothing(
    client, editor, resident, amendments, case, message
):
    first, second, third = amendments
    draft = first.draft
    chosen: list[object] = [first.pk, second.pk]
    if case == "nothing chosen":
        chosen = []
    elif case == "not a number":
        chosen = [first.pk, "drie"]
    elif case == "another draft":
        chosen = [first.pk, _other_drafts_amendment(editor, resident).pk]
    elif case == "rejected":
        services.amendment_reject(
            amendment=second, by=editor, reason="Geen geld.", now=timezone.now()
        )
    elif case == "in a vote":
        services.amendments_put_to_vote(amendments=[second], by=editor, now=timezone.now())
    before = statuses(amendments), Poll.objects.count()
    client.force_login(editor)

    refused = put_to_vote(client, draft, chosen)

    assert refused.status_code == 400
    page = refused.content.decode()
    assert message in page
    assert "Er is niets aan een stemming voorgelegd." in page or case == "nothing chosen"
    assert (statuses(amendments), Poll.objects.count()) == before
    assert statuses([first]) == ["open"]
    # The form is shown again, with what was chosen still ticked, to choose again.
    form = vote_form(page)
    assert f'id="stemming-{first.pk}" name="amendments" value="{first.pk}" checked' in form or (
        case == "nothing chosen"
    )


def test_a_form_that_is_out_of_date_puts_nothing_to_a_vote(client, editor, amendments):
    first, second, _third = amendments
    draft = first.draft
    client.force_login(editor)
    form = vote_form(client.get(reverse("drafts:detail", args=[draft.slug])).content.decode())
    assert f'id="stemming-{second.pk}"' in form
    # Another editor accepts the second amendment while this form is open.
    services.amendment_accept(amendment=second, by=editor, now=timezone.now())

    refused = put_to_vote(client, draft, [first.pk, second.pk])

    assert refused.status_code == 400
    assert "is intussen al besloten" in refused.content.decode()
    assert statuses([first, second]) == ["open", "accepted"]
    assert not Poll.objects.exists()
    assert f'id="stemming-{second.pk}"' not in vote_form(refused.content.decode())


def test_the_vote_form_and_its_messages_read_in_english(client, editor, amendments):
    first, second, _third = amendments
    draft = first.draft
    client.force_login(editor)
    client.post("/i18n/setlang/", {"language": "en", "next": "/nota/"})
    form = vote_form(client.get(reverse("drafts:detail", args=[draft.slug])).content.decode())
    assert "Put to a vote" in form and "Which amendments do you put to a vote?" in form
    assert "“doordeweekse avonden” becomes “alle avonden, ook in het weekend”" in form
    assert "Leg voor aan een stemming" not in form
    refused = put_to_vote(client, draft, []).content.decode()
    assert "Choose at least one amendment." in refused
    response = put_to_vote(client, draft, [first.pk, second.pk], follow=True)
    assert "The vote on 2 amendments is open." in response.content.decode()


def stamp_on(page: str) -> str:
    import re

    found = re.search(r'data-stand="([0-9a-f]+)"', page)
    assert found, "the read page asks whether the discussion changed"
    return found.group(1)


def test_an_open_read_page_gets_new_comments_amendments_support_and_decisions_in_place(
    client, editor, resident
):
    draft = make_draft(text=TEXT)
    version = publish(draft, editor)
    detail = reverse("drafts:detail", args=[draft.slug])
    news = reverse("drafts:discussion", args=[draft.slug])
    page = client.get(detail).content.decode()  # an anonymous reader's page
    assert 'data-version="1"' in page
    stamp = stamp_on(page)
    assert client.get(news, {"stand": stamp, "versie": "1"}).status_code == 204

    now = timezone.now()
    comment = comment_on_library(version, resident, "Ook in Diemen-Noord?", now)
    changed = client.get(news, {"stand": stamp, "versie": "1"})
    assert changed.status_code == 200
    fragment = changed.content.decode()
    # The parts of the page, by the ids the page has: the new thread, its passage marked in
    # the text, and the new stamp to ask with next.
    assert 'id="reactie-lijst"' in fragment and 'id="amendement-lijst"' in fragment
    assert f'id="reactie-{comment.pk}"' in fragment and "Ook in Diemen-Noord?" in fragment
    assert f'id="passage-reactie-{comment.pk}"' in fragment
    assert "Nog geen reacties." not in fragment and "Nog geen amendementen." in fragment
    assert f'data-stand="{selectors.discussion_stamp(draft)}"' in fragment
    assert "De reacties en amendementen zijn bijgewerkt." in fragment
    assert "<html" not in fragment and "Laad de pagina opnieuw" not in fragment

    # Each change after that is news to a page made before it.
    steps = [
        lambda: services.comment_add(
            version=version, by=editor, body="Ja, bij de Omval.", parent=comment, now=now
        ),
        lambda: services.comment_resolve(comment=comment, by=editor, now=now),
        lambda: propose_huiskamer(version, resident, now),
        lambda: services.amendment_support(amendment=Amendment.objects.get(), by=editor, now=now),
        lambda: services.amendment_accept(amendment=Amendment.objects.get(), by=editor, now=now),
    ]
    seen = ["Ja, bij de Omval.", "Afgerond door", "de huiskamer van Diemen", "1 steunbetuiging"]
    for step, shown in zip(steps, seen + ["Overgenomen"], strict=True):
        stamp = stamp_on(client.get(detail).content.decode())
        assert client.get(news, {"stand": stamp, "versie": "1"}).status_code == 204
        step()
        answer = client.get(news, {"stand": stamp, "versie": "1"})
        assert answer.status_code == 200
        assert shown in answer.content.decode()


def test_the_parts_sent_to_an_open_page_hold_what_that_person_may_do(client, editor, resident):
    draft = make_draft(text=TEXT)
    version = publish(draft, editor)
    propose_huiskamer(version, resident)
    news = reverse("drafts:discussion", args=[draft.slug])

    def parts() -> str:
        return client.get(news, {"stand": "oud", "versie": "1"}).content.decode()

    anonymous = parts()
    assert "de huiskamer van Diemen" in anonymous
    assert "<form" not in anonymous and "Steunen" not in anonymous
    client.force_login(resident)
    mine = parts()
    assert "Steunen" in mine and "csrfmiddlewaretoken" in mine
    assert "Overnemen" not in mine and 'id="stemming-keuze"' not in mine
    client.force_login(editor)
    theirs = parts()
    assert "Overnemen" in theirs and "Afwijzen" in theirs
    assert 'id="stemming-keuze"' in theirs and "Leg voor aan een stemming" in theirs


def test_a_page_of_an_older_version_is_offered_a_reload(client, editor):
    draft = make_draft(text=TEXT)
    news = reverse("drafts:discussion", args=[draft.slug])
    before = stamp_on(client.get(reverse("drafts:detail", args=[draft.slug])).content.decode())
    assert client.get(news, {"stand": before, "versie": ""}).status_code == 204
    publish(draft, editor)
    for shown in ("", "oud"):  # no version yet on the page, or a page of an older script
        answer = client.get(news, {"stand": before, "versie": shown}).content.decode()
        assert "Er is een nieuwe versie van de tekst." in answer and "data-reload" in answer
        assert reverse("drafts:detail", args=[draft.slug]) in answer
        assert 'id="reactie-lijst"' not in answer


def test_the_discussion_answers_read_in_english_and_refuse_what_is_not_a_question(client, editor):
    draft = make_draft(text=TEXT)
    publish(draft, editor)
    news = reverse("drafts:discussion", args=[draft.slug])
    client.post("/i18n/setlang/", {"language": "en", "next": "/nota/"})
    answer = client.get(news, {"stand": "oud"}).content.decode()
    assert "There is a new version of the text." in answer and "Reload the page" in answer
    parts = client.get(news, {"stand": "oud", "versie": "1"}).content.decode()
    assert "The comments and amendments have been updated." in parts and "No comments yet" in parts
    assert 'data-new-label="New"' in parts
    assert client.post(news, {"stand": "oud"}).status_code == 405
    assert client.get(reverse("drafts:discussion", args=["bestaat-niet"])).status_code == 404


def test_a_comment_stored_while_the_page_is_made_is_shown_then_or_at_its_next_question(
    client, editor, resident
):
    draft = make_draft(text=TEXT)
    version = publish(draft, editor)
    stored = []

    def comment_meanwhile(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        result = execute(sql, params, many, context)
        if '"drafts_comment"' in sql and not stored:
            stored.append(None)  # once: the comment's own queries pass through here too
            stored.append(comment_on_library(version, resident, "Tussendoor geschreven."))
        return result

    # Someone comments right after the page's first look at the comments.
    with connection.execute_wrapper(comment_meanwhile):
        page = client.get(reverse("drafts:detail", args=[draft.slug])).content.decode()
    assert stored
    if "Tussendoor geschreven." not in page:
        news = reverse("drafts:discussion", args=[draft.slug])
        answer = client.get(news, {"stand": stamp_on(page), "versie": "1"})
        assert answer.status_code == 200, "the page would never show the comment"
        assert "Tussendoor geschreven." in answer.content.decode()
