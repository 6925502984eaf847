"""The summit workspace in a real browser: an administrator builds a small summit from the
G1000-day template through the pages (keyboard only for the new summit and its tables),
opens it and finds it on the home page; axe checks every workspace page at 1280 and 360 px."""

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    DemoServer,
    assert_accessible,
    assert_fits_phone,
    login_staff,
    new_page,
)

TITLE = "Burgertop Groen Diemen"
SLUG = "burgertop-groen-diemen"
BASE = f"/werkruimte/burgertop/{SLUG}/"


def type_into(page: Page, label: str, text: str) -> None:
    """Reach a field as a keyboard user does, clear it and type."""
    page.get_by_label(label, exact=True).focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_an_administrator_builds_opens_and_finds_a_summit(browser, demo_server: DemoServer):
    page = new_page(browser)
    login_staff(page, demo_server, "beheer")
    checked: list[str] = []

    page.goto(demo_server.url + "/werkruimte/burgertop/")
    assert_accessible(page)
    checked.append(page.url)
    page.get_by_role("link", name="Nieuwe burgertop").click()
    assert_accessible(page)
    checked.append(page.url)
    # Keyboard only: an empty title first, then a real one.
    page.get_by_label("Titel", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Geef de burgertop een titel.")).to_be_visible()
    assert_accessible(page)
    type_into(page, "Titel", TITLE)
    page.keyboard.press("Enter")
    page.wait_for_url(demo_server.url + BASE)
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("In voorbereiding")).to_be_visible()
    assert_accessible(page)
    checked.append(page.url)

    # Details: the question, its limits, who asked, and the rung of the ladder.
    page.get_by_role("link", name="Gegevens", exact=True).click()
    assert_accessible(page)
    checked.append(page.url)
    page.get_by_label("De vraag").fill("Hoe maken we Diemen groener?")
    page.get_by_label("Kaders").fill("Wel: parken en straten. Niet: het budget van het Rijk.")
    page.get_by_label("Opdrachtgever").fill("De gemeenteraad")
    page.get_by_role("radio", name=re.compile("Meebeslissen")).check()
    page.get_by_role("button", name="Gegevens opslaan").click()
    expect(page.get_by_text("De gegevens zijn opgeslagen.")).to_be_visible()
    expect(
        page.get_by_text("Inwoners beslissen. De gemeente voert uit wat zij kiezen.")
    ).to_be_visible()

    # Agenda: the template's eight steps; a break added, moved up by keyboard, one removed.
    page.goto(demo_server.url + BASE + "agenda/")
    steps = page.locator(".ss-agenda-edit > li strong")
    expect(steps).to_have_count(8)
    assert_accessible(page)
    checked.append(page.url)
    page.get_by_label("Soort stap").select_option("welcome")
    page.get_by_label("Titel", exact=True).fill("Pauze met koffie")
    page.get_by_label("Geplande minuten").fill("0")
    page.get_by_role("button", name="Stap toevoegen").click()
    expect(page.get_by_text("Plan een stap van 1 tot 600 minuten (10 uur).")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Geplande minuten").fill("15")
    page.get_by_role("button", name="Stap toevoegen").click()
    expect(steps).to_have_count(9)
    page.get_by_role("button", name=re.compile("Omhoog.*Pauze met koffie")).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("De stap „Pauze met koffie” is verplaatst.")).to_be_visible()
    expect(steps.nth(7)).to_have_text("Pauze met koffie")
    page.get_by_role("button", name=re.compile("Weghalen.*Het themateam ordent")).click()
    expect(steps).to_have_count(8)
    page.get_by_role("link", name=re.compile("Wijzigen.*Welkom")).click()
    assert_accessible(page)
    checked.append(page.url)
    page.get_by_label("Titel", exact=True).fill("Welkom in het gemeentehuis")
    page.get_by_role("button", name="Stap opslaan").click()
    expect(steps.first).to_have_text("Welkom in het gemeentehuis")

    # Tables, keyboard only: 3 in the hall and 1 online, then the online table's video link.
    page.goto(demo_server.url + BASE + "tafels/")
    assert_accessible(page)
    checked.append(page.url)
    type_into(page, "Tafels in de zaal", "3")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("1")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("8")
    page.keyboard.press("Enter")
    expect(page.get_by_text("4 tafels toegevoegd.")).to_be_visible()
    page.get_by_role("link", name="Tafel 4").click()
    assert_accessible(page)
    checked.append(page.url)
    page.get_by_label("Videolink").fill("http://video.diemen.example/groen-4")
    page.get_by_role("button", name="Tafel opslaan").click()
    expect(page.get_by_text("Geef een volledige link die met https:// begint")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Videolink").fill("https://video.diemen.example/groen-4")
    page.get_by_label("Tafelgastheer of -vrouw").select_option(index=1)
    page.get_by_role("button", name="Tafel opslaan").click()
    expect(page.get_by_text("Tafel 4 is opgeslagen.")).to_be_visible()
    expect(page.locator("main li").filter(has_text="Tafel 4")).to_contain_text("met videolink")

    # Roles in this summit: the civil servant becomes its facilitator.
    page.get_by_role("link", name="Rollen", exact=True).click()
    assert_accessible(page)
    checked.append(page.url)
    page.get_by_label("Gebruikersnaam").fill("ambtenaar")
    page.get_by_label("Rol", exact=True).select_option("facilitator")
    page.get_by_role("button", name="Rol geven").click()
    expect(page.get_by_text(re.compile("heeft nu de rol Gespreksleider"))).to_be_visible()

    # Open it, and find it on the list and the home page.
    page.goto(demo_server.url + BASE)
    page.get_by_role("button", name="Burgertop openen").click()
    expect(page.get_by_text("De burgertop is open.")).to_be_visible()
    # A step added to the open summit shows up on the control page without a reload.
    control = page.context.new_page()
    control.goto(demo_server.url + f"/burgertop/{SLUG}/regie/")
    expect(control.locator("[data-connection]")).to_have_text("")
    page.goto(demo_server.url + BASE + "agenda/")
    page.get_by_label("Soort stap").select_option("closing")
    page.get_by_label("Titel", exact=True).fill("Borrel in de foyer")
    page.get_by_label("Geplande minuten").fill("30")
    page.get_by_role("button", name="Stap toevoegen").click()
    expect(control.locator("[data-agenda] li").last).to_have_text("Borrel in de foyer")
    page.goto(demo_server.url + "/werkruimte/burgertop/")
    expect(page.locator("main li").filter(has_text=TITLE)).to_contain_text("open")
    page.goto(demo_server.url + "/")
    expect(page.get_by_role("link", name=TITLE)).to_have_attribute("href", f"/burgertop/{SLUG}/")
    page.context.close()

    # Every workspace page again on a phone: no axe violation, nothing scrolls sideways.
    phone = new_page(browser, width=360)
    login_staff(phone, demo_server, "beheer")
    for url in checked:
        phone.goto(url)
        assert_accessible(phone)
        assert_fits_phone(phone)
    phone.context.close()
