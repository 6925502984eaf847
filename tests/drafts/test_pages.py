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
