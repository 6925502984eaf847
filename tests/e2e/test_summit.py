"""The burgertop screens in a real browser against the small Diemen demo."""

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    DemoServer,
    assert_accessible,
    assert_fits_phone,
    login_code,
    login_staff,
    new_page,
)

SUMMIT = "/burgertop/burgertop-diemen-2026/"
IDEA_STEPS = ["Tafelronde: kennismaken", "Ideeën verzamelen", "Voorstellen per thema"]


def hall_url(server: DemoServer) -> str:
    logins = (server.work / "logins.txt").read_text(encoding="utf-8")
    match = re.search(r"/burgertop/burgertop-diemen-2026/zaal/[^/]+/", logins)
    assert match, logins
    return server.url + match.group(0)


def open_idea_step(control: Page) -> None:
    """Advance the agenda until ideas may be written (the demo server is shared)."""
    title = control.locator("[data-step-title]")
    for _ in range(4):
        if title.inner_text() in IDEA_STEPS:
            return
        before = title.inner_text()
        control.get_by_role("button", name="Volgende stap").click()
        expect(title).not_to_have_text(before)
    assert title.inner_text() in IDEA_STEPS


def test_facilitator_advances_a_step_and_the_participant_phone_follows(
    page: Page, phone: Page, demo_server: DemoServer
):
    login_staff(page, demo_server, "gespreksleider")
    page.goto(demo_server.url + SUMMIT + "regie/")
    assert_accessible(page)
    login_code(phone, demo_server, demo_server.next_resident()["code"])
    phone.goto(demo_server.url + SUMMIT)
    expect(phone.locator("[data-connection]")).to_have_text("")
    before = phone.locator("[data-step-title]").inner_text()
    page.get_by_role("button", name="Volgende stap").click()
    expect(phone.locator("[data-step-title]")).not_to_have_text(before)
    expect(phone.locator("[data-step-title]")).to_have_text(
        page.locator("[data-step-title]").inner_text()
    )
    assert_accessible(phone)
    assert_fits_phone(phone)


def test_host_enters_ideas_that_the_theme_team_sees(page: Page, demo_server: DemoServer, browser):
    login_staff(page, demo_server, "gespreksleider")
    page.goto(demo_server.url + SUMMIT + "regie/")
    open_idea_step(page)
    host = new_page(browser, width=800)
    login_code(host, demo_server, demo_server.next_host()["code"])
    host.goto(demo_server.url + SUMMIT + "tafel/")
    team = new_page(browser)
    login_staff(team, demo_server, "themateam")
    team.goto(demo_server.url + SUMMIT + "themateam/")
    assert_accessible(team)
    for text in ["Meer bankjes in het Diemerpark", "Een pannaveld bij de Arena"]:
        host.get_by_label("Nieuw idee").fill(text)
        host.keyboard.press("Tab")
        host.keyboard.press("Enter")
        expect(team.locator("[data-ideas]")).to_contain_text(text)
    expect(host.locator("[data-ideas]")).to_contain_text("pannaveld")
    assert_accessible(host)


def test_hall_screen_follows_steps_and_ideas(page: Page, demo_server: DemoServer, browser):
    hall = new_page(browser, width=1280)
    hall.goto(hall_url(demo_server))
    assert_accessible(hall)
    login_staff(page, demo_server, "gespreksleider")
    page.goto(demo_server.url + SUMMIT + "regie/")
    page.get_by_label("Mededeling aan iedereen").fill("De koffie staat klaar")
    page.get_by_role("button", name="Versturen").click()
    expect(hall.locator("[data-message-text]")).to_have_text("De koffie staat klaar")
    open_idea_step(page)
    expect(hall.locator("[data-step-title]")).to_have_text(
        page.locator("[data-step-title]").inner_text()
    )
    host = new_page(browser, width=800)
    login_code(host, demo_server, demo_server.next_host()["code"])
    host.goto(demo_server.url + SUMMIT + "tafel/")
    host.get_by_label("Nieuw idee").fill("Zonnepanelen op sporthal")
    host.get_by_role("button", name="Idee toevoegen").click()
    expect(hall.locator("[data-word-cloud]")).to_contain_text("zonnepanelen")


def test_check_in_desk_is_accessible_and_checks_in_a_walk_in(page: Page, demo_server: DemoServer):
    login_staff(page, demo_server, "gespreksleider")
    page.goto(demo_server.url + SUMMIT + "balie/")
    assert_accessible(page)
    page.get_by_label("Naam", exact=True).fill("Sanne de Inloper")
    page.get_by_role("button", name="Inloper aanmelden").click()
    expect(page.locator("[data-desk-result]")).to_contain_text("Sanne de Inloper")
