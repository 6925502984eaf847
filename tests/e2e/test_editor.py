"""The co-writing editor as a writing surface: a toolbar used by keyboard, markdown shown as
what it means, the stored text still markdown; axe-clean at 360 and 1280 px."""

import uuid

from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import (
    DemoServer,
    assert_accessible,
    assert_fits_phone,
    login_code,
    login_staff,
    new_page,
)

START_TEXT = "# Buurtnota\n\nDe buurt krijgt een nieuw plein."
CREATE_DRAFT = (
    "from django.utils import timezone; from deliberation.drafts import services; "
    "from samenspel.models import User; "
    "services.draft_create(slug='{slug}', title='Buurtnota', kind='sportnota', "
    f"by=User.objects.get(username='ambtenaar'), now=timezone.now(), text={START_TEXT!r})"
)
LIVE_TEXT = (
    "from deliberation.drafts.models import Draft; "
    "from deliberation.drafts.selectors import draft_live_text; "
    "print(draft_live_text(Draft.objects.get(slug='{slug}')), end='')"
)
EXPECTED = (
    START_TEXT + "\n## Plannen voor het plein\nHet plein krijgt **bomen** en *banken*.\n"
    "Lees [de plannen](https://www.diemen.nl)"
)


def stored_text(server: DemoServer, slug: str, expected: str) -> str:
    """The live text as the server keeps it, asked again (a few times) until it has arrived."""
    text = ""
    for _attempt in range(10):
        text = server.manage("shell", "-v", "0", "-c", LIVE_TEXT.replace("{slug}", slug))
        if text == expected:
            break
    return text


def open_editor(page: Page, server: DemoServer, slug: str) -> Locator:
    page.goto(f"{server.url}/nota/{slug}/schrijven/")
    expect(page.locator("[data-editor]")).to_have_attribute("data-editor-status", "synced")
    return page.locator(".cm-content")


def focused(page: Page, selector: str) -> bool:
    return bool(page.evaluate("s => Boolean(document.activeElement?.closest(s))", selector))


def test_writer_formats_by_keyboard_with_the_toolbar_and_the_text_stays_markdown(
    browser: Browser, demo_server: DemoServer
):
    slug = f"buurtnota-{uuid.uuid4().hex[:8]}"
    demo_server.manage("shell", "-v", "0", "-c", CREATE_DRAFT.replace("{slug}", slug))
    ellen = new_page(browser)
    login_staff(ellen, demo_server, "ambtenaar")
    ahmed = new_page(browser)
    login_staff(ahmed, demo_server, "ambtenaar2")
    ellen_text = open_editor(ellen, demo_server, slug)
    ahmed_text = open_editor(ahmed, demo_server, slug)

    # The text is in a proportional font: an i is much narrower than an M.
    narrow, wide = ellen_text.evaluate(
        "el => { const c = document.createElement('canvas').getContext('2d');"
        " c.font = getComputedStyle(el).font;"
        " return [c.measureText('iiiiiiii').width, c.measureText('MMMMMMMM').width]; }"
    )
    assert narrow < 0.6 * wide, "the editor still writes in a monospace font"

    # Tab reaches the toolbar (one tab stop, its first button), then the text.
    toolbar = ellen.get_by_role("toolbar", name="Opmaak")
    for _press in range(40):
        ellen.keyboard.press("Tab")
        if focused(ellen, "[role=toolbar]"):
            break
    expect(toolbar.get_by_role("button", name="Kop")).to_be_focused()
    ellen.keyboard.press("Tab")
    expect(ellen_text).to_be_focused()

    # A heading: type a line, go back to the toolbar and press "Kop".
    ellen.keyboard.press("Control+End")
    ellen.keyboard.press("Enter")
    ellen.keyboard.type("Plannen voor het plein")
    ellen.keyboard.press("Shift+Tab")
    heading = toolbar.get_by_role("button", name="Kop")
    expect(heading).to_be_focused()
    expect(heading).to_have_attribute("aria-pressed", "false")
    ellen.keyboard.press("Enter")
    # After a toolbar button the writer goes on in the text.
    expect(ellen_text).to_be_focused()
    expect(heading).to_have_attribute("aria-pressed", "true")

    # Bold: select a word with the keys, then the "Vet" button (arrow key, Space).
    ellen.keyboard.press("End")
    ellen.keyboard.press("Enter")
    ellen.keyboard.type("Het plein krijgt bomen")
    ellen.keyboard.press("Shift+Control+ArrowLeft")
    ellen.keyboard.press("Shift+Tab")
    ellen.keyboard.press("ArrowRight")
    bold = toolbar.get_by_role("button", name="Vet")
    expect(bold).to_be_focused()
    expect(bold).to_have_attribute("title", "Vet (Ctrl+B)")
    ellen.keyboard.press("Space")
    expect(bold).to_have_attribute("aria-pressed", "true")
    # The focus is back in the text; a screen reader hears that bold is on.
    expect(ellen.locator("[aria-live=polite]", has_text="Vet: aan")).to_have_count(1)

    # Italics with the shortcut the button's title names.
    ellen.keyboard.press("End")
    ellen.keyboard.type(" en banken")
    ellen.keyboard.press("Shift+Control+ArrowLeft")
    ellen.keyboard.press("Control+i")
    ellen.keyboard.press("End")
    ellen.keyboard.type(".")

    # A link: End goes to the toolbar's last button; a dialog asks for the words and address.
    ellen.keyboard.press("Enter")
    ellen.keyboard.type("Lees ")
    ellen.keyboard.press("Shift+Tab")
    ellen.keyboard.press("End")
    expect(toolbar.get_by_role("button", name="Link")).to_be_focused()
    ellen.keyboard.press("Enter")
    dialog = ellen.get_by_role("dialog", name="Link invoegen")
    expect(dialog.get_by_label("Tekst van de link")).to_be_focused()
    ellen.keyboard.type("de plannen")
    ellen.keyboard.press("Tab")
    ellen.keyboard.type("diemen")
    ellen.keyboard.press("Enter")
    expect(dialog).to_contain_text("Dit is geen webadres of e-mailadres.")
    assert_accessible(ellen)
    address = dialog.get_by_label("Adres")
    expect(address).to_be_focused()
    address.press("Control+a")
    ellen.keyboard.type("www.diemen.nl")
    ellen.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(ellen_text).to_be_focused()

    # The server keeps markdown, and the other writer has it, shown as what it means.
    assert stored_text(demo_server, slug, EXPECTED) == EXPECTED
    expect(ahmed_text).to_contain_text("## Plannen voor het plein")
    expect(ahmed_text).to_contain_text("Lees [de plannen](https://www.diemen.nl)")
    size = "el => parseFloat(getComputedStyle(el).fontSize)"
    heading_words = ahmed_text.get_by_text("Plannen voor het plein", exact=True)
    assert heading_words.evaluate(size) > 1.2 * ahmed_text.evaluate(size), "a heading is larger"
    bomen = ahmed_text.get_by_text("bomen", exact=True)
    assert int(bomen.evaluate("el => getComputedStyle(el).fontWeight")) >= 700
    banken = ahmed_text.get_by_text("banken", exact=True)
    assert banken.evaluate("el => getComputedStyle(el).fontStyle") == "italic"
    # Shared cursors are kept: Ahmed sees where Ellen writes, with her name.
    expect(ahmed.locator(".cm-ySelectionInfo")).to_have_text("Ambtenaar Sport Ellen")
    assert_accessible(ellen)

    # On a phone the toolbar wraps: every button on screen, nothing scrolls sideways.
    ellen.set_viewport_size({"width": 360, "height": 740})
    for button in toolbar.get_by_role("button").all():
        box = button.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert_fits_phone(ellen)
    assert_accessible(ellen)
    ellen.context.close()
    ahmed.context.close()


def test_a_reader_sees_headings_larger_and_gets_no_toolbar(
    browser: Browser, demo_server: DemoServer
):
    reader = new_page(browser, width=360)
    login_code(reader, demo_server, demo_server.next_resident()["code"])
    reader.goto(demo_server.url + "/nota/cultuurnota-2026/schrijven/")
    expect(reader.locator("[data-editor]")).to_have_attribute("data-editor-status", "synced")
    content = reader.locator(".cm-content")
    size = "el => parseFloat(getComputedStyle(el).fontSize)"
    heading = content.get_by_text("1. Inleiding", exact=True)
    assert heading.evaluate(size) > 1.2 * content.evaluate(size)
    expect(reader.get_by_role("toolbar")).to_have_count(0)
    assert_accessible(reader)
    assert_fits_phone(reader)
    reader.context.close()
