"""Moderating a nota's comments: an editor hides a comment or reply with a reason (the text
leaves the nota's page, and a page already open hears of it), the moderation queue shows it
to the nota's editors only, and its undo puts it back; refusals for a wrong person, a bad
reason, and a nota sent to the council."""

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation.drafts import selectors, services
from deliberation.drafts.models import Comment, CommentModeration, Draft
from samenspel.models import Role
from tests.drafts.factories import make_draft, publish
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TEXT = "# Sportnota\n\nDiemen wil dat iedereen kan sporten.\n\nHet zwembad blijft open.\n"
RUDE = "De wethouder is een leugenaar en woont op de Kruislaan 3"
QUEUE = "/werkruimte/moderatie/"


@pytest.fixture
def nota():
    editor = UserFactory(roles=[Role.EDITOR])
    draft = make_draft(text=TEXT)
    version = publish(draft, editor)
    resident = UserFactory(roles=[Role.RESIDENT])
    comment = services.comment_add(
        version=version,
        by=resident,
        body=RUDE,
        passage="iedereen",
        start=TEXT.index("iedereen"),
        now=timezone.now(),
    )
    return draft, editor, resident, comment


def hide(client, user, draft, comment, reason):
    client.force_login(user)
    url = reverse("drafts:comment_hide", args=[draft.slug, comment.pk])
    return client.post(url, {"reason": reason}, follow=True)


def test_an_editor_hides_a_comment_with_a_reason_and_the_page_no_longer_shows_it(client, nota):
    draft, editor, resident, comment = nota
    detail = reverse("drafts:detail", args=[draft.slug])
    client.force_login(editor)
    page = client.get(detail).content.decode()
    assert (
        RUDE in page
        and f'action="{reverse("drafts:comment_hide", args=[draft.slug, comment.pk])}"' in page
    )
    stamp = selectors.discussion_stamp(draft)

    done = hide(client, editor, draft, comment, "Persoonlijke aanval met een adres")
    assert "De reactie is verborgen; u vindt haar in de moderatielijst." in done.content.decode()
    record = CommentModeration.objects.get(comment=comment)
    assert (record.action, record.reason, record.by) == (
        "hide",
        "Persoonlijke aanval met een adres",
        editor,
    )
    # A page already open hears of it at its next question.
    assert selectors.discussion_stamp(draft) != stamp
    client.force_login(resident)
    page = client.get(detail).content.decode()
    assert RUDE not in page
    assert "Deze reactie is verborgen door de redactie." in page
    assert "Verbergen…" not in page  # a resident gets no hide button


def test_a_resident_or_another_notas_editor_cannot_hide(client, nota):
    draft, _editor, resident, comment = nota
    other = make_draft(text=TEXT)
    other_editor = UserFactory(roles=[(Role.EDITOR, other.scope)], is_staff=True)
    for user in (resident, other_editor):
        client.force_login(user)
        url = reverse("drafts:comment_hide", args=[draft.slug, comment.pk])
        assert client.post(url, {"reason": "Weg ermee"}).status_code == 403, user
    comment.refresh_from_db()
    assert comment.hidden_at is None and not CommentModeration.objects.exists()


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("   ", "Geef een reden op waarom u dit verbergt."),
        ("x" * 501, "Een reden is hoogstens 500 tekens lang."),
    ],
)
def test_an_empty_or_over_long_reason_is_refused(client, nota, reason, message):
    draft, editor, _resident, comment = nota
    page = hide(client, editor, draft, comment, reason).content.decode()
    assert message in page
    comment.refresh_from_db()
    assert comment.hidden_at is None


def test_the_queue_shows_the_notas_hidden_comments_to_its_editors_and_undo_restores(client, nota):
    draft, editor, resident, comment = nota
    reply = services.comment_add(
        version=comment.version,
        by=resident,
        body="Nog erger antwoord",
        parent=comment,
        now=timezone.now(),
    )
    hide(client, editor, draft, reply, "Scheldwoord")
    page = client.get(QUEUE).content.decode()
    assert "Nog erger antwoord" in page and "Scheldwoord" in page and editor.public_name in page
    assert "Antwoord" in page and draft.title in page
    for user in (resident, UserFactory(roles=[Role.FACILITATOR])):
        client.force_login(user)
        assert "Nog erger antwoord" not in client.get(QUEUE).content.decode()
        undo = reverse("drafts:comment_moderation_undo", args=[reply.pk])
        assert client.post(undo).status_code == 403

    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    assert "Nog erger antwoord" in client.get(QUEUE).content.decode()
    undo = reverse("drafts:comment_moderation_undo", args=[reply.pk])
    first = client.post(undo, follow=True).content.decode()
    assert "De reactie staat weer op de pagina van de nota." in first
    again = client.post(undo, follow=True).content.decode()
    assert "Deze reactie was al teruggezet; er is niets veranderd." in again
    assert (
        "Nog erger antwoord"
        in client.get(reverse("drafts:detail", args=[draft.slug])).content.decode()
    )
    assert list(
        CommentModeration.objects.filter(comment=reply)
        .order_by("at", "pk")
        .values_list("action", flat=True)
    ) == [
        "hide",
        "restore",
    ]


def test_a_nota_sent_to_the_council_keeps_its_comments_as_they_were(client, nota):
    draft, editor, _resident, comment = nota
    hide(client, editor, draft, comment, "Persoonlijke aanval")
    Draft.objects.filter(pk=draft.pk).update(sent_to_council_at=timezone.now())
    page = client.get(QUEUE).content.decode()
    assert "Deze nota is naar de raad gestuurd: de reacties blijven zoals ze waren." in page
    assert "reactie/" not in page.split('id="comment-', 1)[1].split("</li>", 1)[0]
    answer = client.post(reverse("drafts:comment_moderation_undo", args=[comment.pk]), follow=True)
    assert "Deze nota is naar de raad gestuurd" in answer.content.decode()
    assert Comment.objects.get(pk=comment.pk).hidden_at is not None
