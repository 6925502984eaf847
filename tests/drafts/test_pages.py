import pytest
from django.urls import reverse

from deliberation.drafts import selectors
from deliberation.drafts.models import Amendment, Comment
from samenspel.models import Role
from tests.drafts.factories import make_draft, publish
from tests.factories import UserFactory

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
    client.post(
        reverse("drafts:amendment", args=[draft.slug]),
        {
            "amendement-passage": "het huis van de stad",
            "amendement-replacement": "de huiskamer van Diemen",
            "amendement-rationale": "Diemen is geen stad.",
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
    response = client.post(
        reverse("drafts:amendment", args=[draft.slug]),
        {
            "amendement-passage": "gaat open.\n\nDaarna volgt de kleine",
            "amendement-replacement": "opent in 2027. Daarna volgt de nieuwe",
            "amendement-rationale": "Eerlijker.",
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
