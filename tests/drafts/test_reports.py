"""Readers report a nota's comment or reply to its editors: a reason from the list and an
optional note, once per person per comment, never their own, not after the reaction period
or once the nota went to the council; the moderation queue shows the reports without the
reporters' names, and an editor hides the comment or dismisses the reports, and undoes that."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from deliberation.drafts import reports, services
from deliberation.drafts.models import Comment, CommentModeration, CommentReport, Draft
from samenspel.models import Role
from tests.drafts.factories import make_draft, publish
from tests.factories import UserFactory
from tests.privacy import as_a_word

pytestmark = pytest.mark.django_db

TEXT = "# Sportnota\n\nDiemen wil dat iedereen kan sporten.\n\nHet zwembad blijft open.\n"
RUDE = "De wethouder is een leugenaar en woont op de Kruislaan 3"
QUEUE = "/werkruimte/moderatie/"


@pytest.fixture
def nota():
    editor = UserFactory(roles=[Role.EDITOR])
    draft = make_draft(text=TEXT)
    version = publish(draft, editor)
    author = UserFactory(roles=[Role.RESIDENT])
    comment = services.comment_add(
        version=version,
        by=author,
        body=RUDE,
        passage="iedereen",
        start=TEXT.index("iedereen"),
        now=timezone.now(),
    )
    return draft, editor, author, comment


def report(comment, user, *, reason="offensive", note=""):
    return reports.comment_report(
        comment_id=comment.pk, by=user, reason=reason, note=note, now=timezone.now()
    )


def refusal(call):
    with pytest.raises(services.DraftError) as refused:
        call()
    return str(refused.value)


def test_a_reader_reports_once_and_refusals_store_nothing(nota):
    draft, editor, author, comment = nota
    reader = UserFactory(roles=[Role.RESIDENT])
    assert refusal(lambda: report(comment, author)) == "Uw eigen reactie kunt u niet melden."
    assert refusal(lambda: report(comment, reader, reason="")) == "Kies waarom u dit meldt."
    assert not CommentReport.objects.exists()

    assert report(comment, reader, reason="personal", note="Een adres") is True
    assert report(comment, reader, reason="spam") is False
    stored = CommentReport.objects.get()
    assert (stored.by, stored.reason, stored.note, stored.draft) == (
        reader,
        "personal",
        "Een adres",
        draft,
    )


def test_no_reports_after_the_reaction_period_or_once_sent_to_the_council(nota):
    draft, editor, author, comment = nota
    reader = UserFactory(roles=[Role.RESIDENT])
    Draft.objects.filter(pk=draft.pk).update(reactions_until=timezone.now() - timedelta(days=1))
    assert refusal(lambda: report(comment, reader)).endswith("Melden kan dan ook niet meer.")
    Draft.objects.filter(pk=draft.pk).update(
        reactions_until=None, sent_to_council_at=timezone.now()
    )
    assert (
        refusal(lambda: report(comment, reader))
        == "Deze nota is naar de raad gestuurd: melden kan niet meer."
    )
    assert not CommentReport.objects.exists()


def test_a_reader_reports_from_the_notas_page_without_javascript(client: Client, nota):
    draft, editor, author, comment = nota
    reader = UserFactory(roles=[Role.RESIDENT])
    client.force_login(reader)
    detail = reverse("drafts:detail", args=[draft.slug])
    url = reverse("drafts:comment_report", args=[draft.slug, comment.pk])
    page = client.get(detail).content.decode()
    assert f'action="{url}"' in page and "Beledigend of kwetsend" in page
    done = client.post(url, {"reason": "offensive", "note": "Noemt een adres"}, follow=True)
    assert "Dank u. De redactie kijkt naar de reactie die u meldde." in done.content.decode()
    twice = client.post(url, {"reason": "offensive"}, follow=True)
    assert "U had deze reactie al gemeld; er is niets veranderd." in twice.content.decode()
    assert CommentReport.objects.count() == 1
    # The author is not offered to report their own comment.
    client.force_login(author)
    assert f'action="{url}"' not in client.get(detail).content.decode()


def test_the_report_form_needs_login_and_its_csrf_token(nota):
    draft, editor, author, comment = nota
    url = reverse("drafts:comment_report", args=[draft.slug, comment.pk])
    anonymous = Client()
    assert anonymous.post(url, {"reason": "offensive"}).status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(UserFactory(roles=[Role.RESIDENT]))
    assert strict.post(url, {"reason": "offensive"}).status_code == 403
    assert not CommentReport.objects.exists()


def test_the_queue_shows_reports_to_the_notas_editors_without_names(client: Client, nota):
    draft, editor, author, comment = nota
    readers = [UserFactory(roles=[Role.RESIDENT]) for _ in range(3)]
    for reader, reason in zip(readers, ["offensive", "offensive", "personal"], strict=True):
        report(comment, reader, reason=reason)
    client.force_login(editor)
    page = client.get(QUEUE).content.decode()
    card = page[page.index(f'id="comment-{comment.pk}"') :]
    card = card[: card.index("</li>")]
    assert RUDE in card and "Gemeld" in card and "<dd>3</dd>" in card
    assert "Beledigend of kwetsend (2)" in card
    assert "Noemt iemand of persoonlijke gegevens (1)" in card
    for reader in readers:
        assert as_a_word(card, reader.username) is None
        assert as_a_word(card, reader.display_name) is None
    client.force_login(readers[0])
    assert RUDE not in client.get(QUEUE).content.decode()


def test_an_editor_dismisses_the_reports_undoes_that_and_hides_the_comment(
    client: Client, nota
):
    draft, editor, author, comment = nota
    reader = UserFactory(roles=[Role.RESIDENT])
    report(comment, reader)
    client.force_login(editor)
    dismissed = client.post(
        reverse("drafts:comment_reports_dismiss", args=[comment.pk]), follow=True
    ).content.decode()
    assert "De meldingen zijn afgewezen; de reactie blijft staan." in dismissed
    assert "Meldingen afgewezen" in dismissed
    assert CommentReport.objects.get().dismissed_by == editor
    undone = client.post(
        reverse("drafts:comment_reports_dismiss_undo", args=[comment.pk]), follow=True
    ).content.decode()
    assert "De meldingen staan weer open." in undone
    assert CommentReport.objects.get().dismissed_at is None

    hidden = client.post(
        reverse("drafts:comment_moderation_hide", args=[comment.pk]),
        {"reason": "Noemt een adres"},
        follow=True,
    ).content.decode()
    assert "De reactie is verborgen." in hidden
    assert Comment.objects.get(pk=comment.pk).hidden_at is not None
    assert CommentModeration.objects.get(comment=comment).reason == "Noemt een adres"
    assert RUDE not in client.get(reverse("drafts:detail", args=[draft.slug])).content.decode()


def test_a_reader_cannot_dismiss_or_hide(client: Client, nota):
    draft, editor, author, comment = nota
    reader = UserFactory(roles=[Role.RESIDENT])
    report(comment, reader)
    client.force_login(reader)
    assert (
        client.post(reverse("drafts:comment_reports_dismiss", args=[comment.pk])).status_code
        == 403
    )
    hide = client.post(reverse("drafts:comment_moderation_hide", args=[comment.pk]), {"reason": "x"})
    assert hide.status_code == 403
    assert CommentReport.objects.get().dismissed_at is None
    assert Comment.objects.get(pk=comment.pk).hidden_at is None
