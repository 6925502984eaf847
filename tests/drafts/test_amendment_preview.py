"""Proposing a change shows it first: the new text starts from the chosen text, and the
amendment is sent from a preview of the change as a word diff (without JavaScript too)."""

import html
import re

import pytest
from django.urls import reverse

from deliberation.drafts import selectors
from deliberation.drafts.models import Amendment
from samenspel.models import Role
from tests.drafts.factories import make_draft, publish
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PARAGRAPH = (
    "Het zwembad gaat om zeven uur open. Op zondag is het dicht. "
    "Kinderen tot twaalf jaar zwemmen gratis."
)
TEXT = f"# Sportnota\n\n{PARAGRAPH}\n\nDe kantine gaat open.\n"


def seen_in(page: str) -> str:
    return re.search(r'name="amendement-seen" value="([^"]*)"', page)[1]


def new_text_in(page: str) -> str:
    found = re.search(r'<textarea name="amendement-replacement"[^>]*>(.*?)</textarea>', page, re.S)
    return html.unescape(found[1]).strip()


def propose(client, draft, fields, stap="bekijken"):
    """The read page's form: its only button shows the change."""
    data = {f"amendement-{name}": value for name, value in fields.items()}
    return client.post(reverse("drafts:amendment", args=[draft.slug]), {**data, "stap": stap})


def send(client, draft, fields, preview):
    """The preview's send button, with what the preview showed."""
    return propose(client, draft, {**fields, "seen": seen_in(preview)}, stap="versturen")


def propose_and_send(client, draft, fields):
    """Propose a change and send it from its preview, as a person without JavaScript does."""
    preview = propose(client, draft, fields)
    assert preview.status_code == 200, preview.content.decode()
    return send(client, draft, fields, preview.content.decode())


@pytest.fixture
def draft():
    editor = UserFactory(roles=[Role.EDITOR])
    draft = make_draft(text=TEXT)
    publish(draft, editor)
    draft.editor = editor
    return draft


@pytest.fixture
def resident(client):
    person = UserFactory(roles=[Role.RESIDENT])
    client.force_login(person)
    return person


def test_a_new_text_left_empty_starts_from_the_chosen_paragraph(client, draft, resident):
    response = propose(client, draft, {"passage": PARAGRAPH, "replacement": "", "rationale": "X"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Bekijk uw wijziging" in page and "Er is nog niets verstuurd." in page
    assert new_text_in(page) == PARAGRAPH
    assert "U schreef nog geen nieuwe tekst." in page
    assert "Er verandert nog niets" in page and "Amendement versturen" not in page
    assert not Amendment.objects.exists()


def test_rewriting_one_sentence_of_a_paragraph_shows_only_that_change_and_keeps_the_rest(
    client, draft, resident
):
    rewritten = PARAGRAPH.replace("Op zondag is het dicht.", "Zondags vanaf tien uur.")
    fields = {"passage": PARAGRAPH, "replacement": rewritten, "rationale": "Gezinnen zwemmen."}
    preview = propose(client, draft, fields)
    page = preview.content.decode()
    assert preview.status_code == 200 and not Amendment.objects.exists()
    diff = page.split("data-amendment-diff>", 1)[1].split("</div>", 1)[0]
    deleted = [re.sub(r"<span.*?</span>", "", part) for part in re.findall(r"<del>(.*?)</del>", diff)]
    inserted = [re.sub(r"<span.*?</span>", "", part) for part in re.findall(r"<ins>(.*?)</ins>", diff)]
    assert "".join(deleted) == "Op zondag is het dicht."
    assert "".join(inserted) == "Zondags vanaf tien uur."
    assert "Het zwembad gaat om zeven uur open." in diff and "zwemmen gratis." in diff
    assert "Amendement versturen" in page

    sent = send(client, draft, fields, page)
    assert sent.status_code == 302
    amendment = Amendment.objects.get()
    assert (amendment.passage, amendment.replacement) == (PARAGRAPH, rewritten)
    client.force_login(draft.editor)
    client.post(reverse("drafts:accept", args=[draft.slug, amendment.pk]))
    assert selectors.draft_live_text(draft) == TEXT.replace(PARAGRAPH, rewritten)


def test_a_text_changed_after_the_preview_is_shown_again_and_not_sent(client, draft, resident):
    fields = {"passage": PARAGRAPH, "replacement": "Het zwembad is open.", "rationale": "Korter."}
    preview = propose(client, draft, fields).content.decode()
    changed = {**fields, "replacement": "Het zwembad is dicht."}
    again = send(client, draft, changed, preview)
    page = again.content.decode()
    assert again.status_code == 200 and not Amendment.objects.exists()
    assert "U veranderde de tekst nog." in page and "Het zwembad is dicht." in page
    assert send(client, draft, changed, page).status_code == 302
    assert Amendment.objects.get().replacement == "Het zwembad is dicht."


def test_emptying_the_new_text_in_the_preview_proposes_to_strike_the_passage(
    client, draft, resident
):
    fields = {"passage": "De kantine gaat open.", "replacement": "", "rationale": "Geen geld."}
    first = propose(client, draft, fields).content.decode()
    assert new_text_in(first) == "De kantine gaat open."
    emptied = {**fields, "seen": seen_in(first)}
    preview = propose(client, draft, emptied).content.decode()
    assert "<del>" in preview and "<ins>" not in preview and "Amendement versturen" in preview
    assert send(client, draft, fields, preview).status_code == 302
    assert Amendment.objects.get().replacement == ""


def test_the_read_page_previews_before_it_sends(client, draft, resident):
    page = client.get(reverse("drafts:detail", args=[draft.slug])).content.decode()
    form = page.split('id="amendement-indienen"', 1)[1].split("</form>", 1)[0]
    assert 'name="stap" value="bekijken"' in form and "Bekijk de wijziging" in form
    assert "Begint met de gekozen tekst." in form
    assert 'data-passage-start="id_amendement-replacement"' in page
    # A post without the preview's fingerprint shows the change instead of sending it.
    response = propose(
        client, draft, {"passage": PARAGRAPH, "replacement": "Open.", "rationale": "Korter."},
        stap="versturen",
    )
    assert response.status_code == 200 and not Amendment.objects.exists()
