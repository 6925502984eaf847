"""A resident rewrites one sentence of a paragraph: the new text starts from the chosen
paragraph, the change is shown as a diff before it is sent, and accepting it keeps the rest
of the paragraph (axe-clean, keyboard only, and on a phone)."""

import uuid

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import (
    DemoServer,
    assert_accessible,
    assert_fits_phone,
    login_code,
    login_staff,
    new_page,
)
from tests.e2e.test_ballot import assert_apart
from tests.e2e.test_drafts import publish_nota

PARAGRAPH = (
    "Het zwembad gaat om zeven uur open. Op zondag is het dicht. "
    "Kinderen tot twaalf jaar zwemmen gratis."
)
REWRITTEN = PARAGRAPH.replace("Op zondag is het dicht.", "Zondags vanaf tien uur.")


def test_rewriting_one_sentence_starts_from_the_paragraph_and_shows_the_change_first(
    browser: Browser, demo_server: DemoServer
):
    title = f"Zwemnota {uuid.uuid4().hex[:6]}"
    url = publish_nota(demo_server, title, f"# {title}\n\n{PARAGRAPH}\n\nDe kantine gaat open.\n")
    resident = new_page(browser)
    login_code(resident, demo_server, demo_server.next_resident()["code"])
    resident.goto(url)

    # Keyboard only: from the passage field to the list of paragraphs, choose the paragraph.
    passage = resident.get_by_label("Welk stuk tekst wilt u veranderen?")
    passage.focus()
    resident.keyboard.press("Tab")
    picker = resident.locator("#id_amendement-passage-alinea")
    expect(picker).to_be_focused()
    resident.keyboard.press("ArrowDown")
    resident.keyboard.press("ArrowDown")
    expect(passage).to_have_value(PARAGRAPH)
    # The new text starts as the chosen paragraph, not empty.
    new_text = resident.get_by_label("Nieuwe tekst")
    expect(new_text).to_have_value(PARAGRAPH)
    new_text.fill(REWRITTEN)
    resident.get_by_label("Waarom?").fill("Gezinnen zwemmen in het weekend.")
    resident.get_by_role("button", name="Bekijk de wijziging").focus()
    resident.keyboard.press("Enter")

    # The preview shows only the rewritten sentence as changed; nothing is sent yet.
    expect(resident.get_by_role("heading", level=1)).to_have_text("Bekijk uw wijziging")
    diff = resident.locator("[data-amendment-diff]")
    expect(diff.locator("del")).to_have_count(1)
    expect(diff.locator("del")).to_contain_text("Op zondag is het dicht.")
    expect(diff.locator("ins")).to_contain_text("Zondags vanaf tien uur.")
    expect(diff).to_contain_text("Het zwembad gaat om zeven uur open.")
    expect(diff).to_contain_text("Kinderen tot twaalf jaar zwemmen gratis.")
    expect(resident.get_by_text("Er is nog niets verstuurd.")).to_be_visible()
    assert_accessible(resident)
    resident.set_viewport_size({"width": 360, "height": 740})
    assert_fits_phone(resident)
    assert_accessible(resident)
    assert_apart(resident, "Bekijk de wijziging", "Terug naar de nota, zonder te versturen")
    resident.set_viewport_size({"width": 1280, "height": 900})

    resident.get_by_role("button", name="Amendement versturen").focus()
    resident.keyboard.press("Enter")
    expect(resident.get_by_text("Uw amendement is ingediend.")).to_be_visible()
    card = resident.locator("article", has_text="Gezinnen zwemmen in het weekend.")
    expect(card.locator("ins")).to_have_text(REWRITTEN)
    assert_accessible(resident)
    resident.context.close()

    editor = new_page(browser)
    login_staff(editor, demo_server, "ambtenaar")
    editor.goto(url)
    editor.locator("article", has_text="Gezinnen zwemmen in het weekend.").get_by_role(
        "button", name="Overnemen"
    ).click()
    expect(editor.get_by_text("Het amendement is overgenomen in de werktekst.")).to_be_visible()
    editor.context.close()
    slug = url.rstrip("/").rsplit("/", 1)[1]
    live = demo_server.manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from deliberation.drafts import selectors; from deliberation.drafts.models import Draft; "
        f"print(selectors.draft_live_text(Draft.objects.get(slug={slug!r})))",
    )
    assert f"{REWRITTEN}\n\nDe kantine gaat open." in live
