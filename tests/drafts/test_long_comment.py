"""A comment longer than the limit is refused with the limit, never cut short."""

import re

import pytest
from django.urls import reverse

from deliberation.drafts.models import Comment
from samenspel.models import Role
from tests.drafts.factories import make_draft, publish
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TEXT = "# Cultuurnota\n\nDe bibliotheek is het huis van de stad.\n"


@pytest.fixture
def draft():
    draft = make_draft(text=TEXT)
    publish(draft, UserFactory(roles=[Role.EDITOR]))
    return draft


def test_a_comment_of_7500_characters_is_refused_with_the_limit_and_kept_in_the_form(client, draft):
    client.force_login(UserFactory(roles=[Role.RESIDENT]))
    page = client.get(reverse("drafts:detail", args=[draft.slug])).content.decode()
    textareas = re.findall(r"<textarea[^>]*>", page)
    assert textareas, "the page offers to comment"
    # A browser silently cuts pasted text at a textarea's maxlength: the server says it instead.
    assert not [tag for tag in textareas if "maxlength" in tag]

    body = "Lang verhaal over de bibliotheek. " * 220 + "Einde."
    assert len(body) > 7000
    refused = client.post(
        reverse("drafts:comment", args=[draft.slug]),
        {"passage": "het huis van de stad", "body": body},
    )
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Uw reactie is 7486 tekens lang. Er passen er 5000 in." in page
    assert body in page, "what was typed stays in the form"
    assert not Comment.objects.exists()


def test_the_limit_reads_in_english(client, draft):
    client.force_login(UserFactory(roles=[Role.RESIDENT]))
    client.post("/i18n/setlang/", {"language": "en", "next": "/nota/"})
    refused = client.post(
        reverse("drafts:comment", args=[draft.slug]),
        {"passage": "het huis van de stad", "body": "x" * 5001},
    )
    assert refused.status_code == 400
    assert "Your comment is 5001 characters long. It can hold 5000." in refused.content.decode()
    assert not Comment.objects.exists()


def test_a_reply_of_7500_characters_is_refused_with_the_limit_and_kept_in_its_form(client, draft):
    client.force_login(UserFactory(roles=[Role.RESIDENT]))
    client.post(
        reverse("drafts:comment", args=[draft.slug]),
        {"passage": "het huis van de stad", "body": "Goed plan."},
    )
    comment = Comment.objects.get()
    body = "Lang verhaal over de bibliotheek. " * 220 + "Einde."
    refused = client.post(reverse("drafts:reply", args=[draft.slug, comment.pk]), {"body": body})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Uw reactie is 7486 tekens lang. Er passen er 5000 in." in page
    assert f'id="antwoord-{comment.pk}" name="body" rows="2" required>{body}</textarea>' in page
    assert Comment.objects.count() == 1
