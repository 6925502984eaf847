"""The nota workspace in the browser: an administrator builds a nota from the Jeugdnota
outline (the form by keyboard only), names the reaction period, invites a resident and
publishes; the resident co-writes and their text reaches the stored nota. Every workspace
page is axe-clean at 360 and 1280 px."""

import re
import uuid

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import (
    DemoServer,
    assert_accessible,
    assert_fits_phone,
    login_code,
    login_staff,
    new_page,
)
from tests.e2e.test_editor import open_editor

LIVE_TEXT = (
    "from deliberation.drafts.models import Draft; "
    "from deliberation.drafts.selectors import draft_live_text; "
    "print(draft_live_text(Draft.objects.get(slug='{slug}')), end='')"
)


def tab_to(page: Page, label: str) -> None:
    """Press Tab until the field labelled ``label`` has the focus."""
    field = page.get_by_label(label, exact=True)
    for _press in range(60):
        page.keyboard.press("Tab")
        if field.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {label!r}")


def check_pages(page: Page, server: DemoServer, slug: str, *, phone: bool) -> None:
    for path in ("/werkruimte/nota/", "/werkruimte/nota/nieuw/", f"/werkruimte/nota/{slug}/"):
        page.goto(server.url + path)
        assert_accessible(page)
        if phone:
            assert_fits_phone(page)
    # A refused form, with its message at the field.
    page.goto(server.url + "/werkruimte/nota/nieuw/")
    page.get_by_role("button", name="Nota aanmaken").click()
    expect(page.get_by_text("Geef de nota een titel.")).to_be_visible()
    assert_accessible(page)
    if phone:
        assert_fits_phone(page)
    # With search results, as a civil servant sees them mid-task.
    page.goto(f"{server.url}/werkruimte/nota/{slug}/?zoek=inwoner#zoeken")
    assert_accessible(page)
    if phone:
        assert_fits_phone(page)


def test_administrator_builds_a_jeugdnota_and_an_invited_resident_cowrites(
    browser: Browser, demo_server: DemoServer
):
    tag = uuid.uuid4().hex[:6]
    slug = f"jeugdnota-{tag}"
    staff = new_page(browser)
    login_staff(staff, demo_server, "beheer")
    staff.goto(demo_server.url + "/werkruimte/nota/")
    staff.get_by_role("link", name="Nieuwe nota").click()

    # The form, by keyboard only.
    tab_to(staff, "Titel")
    staff.keyboard.type(f"Jeugdnota Diemen {tag}")
    staff.keyboard.press("Tab")
    expect(staff.get_by_label("Soort nota", exact=True)).to_be_focused()
    staff.keyboard.type("Jeugd")  # a closed select picks the option typed
    expect(staff.get_by_label("Soort nota", exact=True)).to_have_value("jeugdnota")
    staff.keyboard.press("Tab")
    expect(staff.get_by_label("Met de hoofdstukken die bij deze soort nota horen")).to_be_focused()
    expect(staff.get_by_label("Met de hoofdstukken die bij deze soort nota horen")).to_be_checked()
    tab_to(staff, "Korte naam in het webadres (mag leeg)")
    staff.keyboard.type(slug)
    staff.keyboard.press("Tab")
    staff.keyboard.type("Opgroeien in Diemen, met jongeren geschreven.")
    staff.keyboard.press("Tab")
    expect(staff.get_by_role("button", name="Nota aanmaken")).to_be_focused()
    staff.keyboard.press("Enter")
    staff.wait_for_url(f"{demo_server.url}/werkruimte/nota/{slug}/")
    expect(staff.get_by_text("De nota is aangemaakt.")).to_be_visible()
    expect(staff.get_by_text("Concept: nog geen versie gepubliceerd")).to_be_visible()

    # The frame of the report: who asked for the nota, and how much say residents have.
    expect(staff.locator("#ladder-advise")).to_be_checked()
    staff.get_by_label("Opdrachtgever").fill("R" * 201)
    staff.get_by_role("button", name="Gegevens opslaan").click()
    expect(staff.get_by_text("De opdrachtgever is hoogstens 200 tekens lang.")).to_be_visible()
    assert_accessible(staff)
    staff.get_by_label("Opdrachtgever").fill("Gemeenteraad")
    staff.locator("#ladder-coproduce").check()
    staff.get_by_role("button", name="Gegevens opslaan").click()
    expect(staff.get_by_text("De gegevens zijn opgeslagen.")).to_be_visible()
    expect(staff.get_by_label("Opdrachtgever")).to_have_value("Gemeenteraad")
    expect(staff.locator("#ladder-coproduce")).to_be_checked()

    # A period that ends before it starts is refused at its field; a good one is kept.
    staff.get_by_label("Reageren kan vanaf").fill("2099-03-10T09:00")
    staff.get_by_label("Reageren kan tot").fill("2099-03-01T17:00")
    staff.get_by_role("button", name="Periode opslaan").click()
    expect(
        staff.get_by_text("Het einde van de reactieperiode ligt vóór het begin.")
    ).to_be_visible()
    assert_accessible(staff)
    staff.get_by_label("Reageren kan vanaf").fill("")
    staff.get_by_label("Reageren kan tot").fill("2099-03-01T17:00")
    staff.get_by_role("button", name="Periode opslaan").click()
    expect(staff.get_by_text("De reactieperiode is opgeslagen.")).to_be_visible()

    # Invite a resident found by username; inviting again says so.
    resident = demo_server.next_resident()
    staff.get_by_label("Zoek op naam, gebruikersnaam of e-mailadres").fill(resident["username"])
    staff.get_by_role("button", name="Zoeken").click()
    invite = staff.get_by_role("button", name=re.compile("uit als meeschrijver"))
    expect(invite).to_have_count(1)
    invite.click()
    expect(staff.get_by_text(re.compile("schrijft nu mee aan deze nota"))).to_be_visible()
    meeschrijvers = staff.locator("h3#meeschrijvers + ul")
    expect(meeschrijvers).to_contain_text(resident["username"])

    staff.get_by_label("Toelichting bij deze versie").fill("Eerste opzet")
    staff.get_by_role("button", name="Werktekst publiceren als nieuwe versie").click()
    expect(staff.get_by_text("De werktekst is gepubliceerd als nieuwe versie.")).to_be_visible()
    staff.goto(demo_server.url + "/werkruimte/nota/")
    expect(
        staff.get_by_text(re.compile(r"Jeugdnota · Reactieperiode open tot 1 maart 2099"))
    ).to_be_visible()

    # Every workspace page at 1280 px and at 360 px.
    check_pages(staff, demo_server, slug, phone=False)
    small = new_page(browser, width=360)
    login_staff(small, demo_server, "beheer")
    check_pages(small, demo_server, slug, phone=True)

    # The resident co-writes: the editor opens for them and their line is stored.
    writer = new_page(browser)
    login_code(writer, demo_server, resident["code"])
    writer.goto(f"{demo_server.url}/nota/{slug}/")
    expect(writer.get_by_text("U kunt reageren tot 1 maart 2099, 17:00.")).to_be_visible()
    text = open_editor(writer, demo_server, slug)
    expect(writer.get_by_text("U schrijft samen met anderen.")).to_be_visible()
    expect(writer.locator("[data-editor]")).to_have_attribute("data-readonly", "false")
    text.click()
    writer.keyboard.press("Control+End")
    line = f"Jongeren willen een eigen plek in de buurt ({tag})."
    writer.keyboard.type(line)
    stored = ""
    for _attempt in range(20):  # each question to the server takes about a second
        stored = demo_server.manage("shell", "-v", "0", "-c", LIVE_TEXT.replace("{slug}", slug))
        if line in stored:
            break
    assert line in stored
    # The text started from the Jeugdnota outline.
    assert "## 5. Jeugdhulp en het sociaal team" in stored
