"""Co-writing pages in a real browser: read, comment, amend, decide; axe-clean."""

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import (
    DemoServer,
    assert_accessible,
    assert_fits_phone,
    login_code,
    login_staff,
    new_page,
)

DRAFT = "/nota/sportnota-2026/"


@pytest.mark.parametrize("path", ["/nota/", DRAFT, DRAFT + "versies/", DRAFT + "versies/1/"])
def test_draft_pages_have_no_axe_violations_on_a_phone(
    phone: Page, demo_server: DemoServer, path: str
):
    phone.goto(demo_server.url + path)
    assert_accessible(phone)
    assert_fits_phone(phone)


def test_resident_comments_and_amends_and_the_editor_accepts(
    browser: Browser, demo_server: DemoServer
):
    resident = new_page(browser)
    login_code(resident, demo_server, demo_server.next_resident()["code"])
    resident.goto(demo_server.url + DRAFT)
    resident.get_by_label("Over welk stuk tekst?").fill(
        "Elke basisschool krijgt een vakleerkracht gym."
    )
    resident.get_by_label("Uw reactie").fill("Ook de speciale school aan de rand van Diemen?")
    resident.get_by_role("button", name="Reactie plaatsen").click()
    expect(resident.get_by_text("Ook de speciale school aan de rand van Diemen?")).to_be_visible()

    resident.get_by_label("Welk stuk tekst wilt u veranderen?").fill("2,1 miljoen euro")
    resident.get_by_label("Nieuwe tekst").fill("2,3 miljoen euro")
    resident.get_by_label("Waarom?").fill("Er komen twee nieuwe beweegpleinen bij.")
    resident.get_by_role("button", name="Amendement indienen").click()
    expect(resident.get_by_text("Uw amendement is ingediend.")).to_be_visible()

    editor = new_page(browser)
    login_staff(editor, demo_server, "ambtenaar")
    editor.goto(demo_server.url + DRAFT)
    card = editor.locator("article", has_text="Er komen twee nieuwe beweegpleinen bij.")
    card.get_by_role("button", name="Overnemen").click()
    expect(editor.get_by_text("Het amendement is overgenomen in de werktekst.")).to_be_visible()
    editor.goto(demo_server.url + DRAFT + "versies/")
    editor.get_by_role("button", name="Publiceren als nieuwe versie").click()
    editor.get_by_role("link", name="Wat is er veranderd?").first.click()
    expect(editor.locator("ins", has_text="2,3")).to_be_visible()
    expect(editor.locator("del", has_text="2,1")).to_be_visible()
    resident.context.close()
    editor.context.close()
