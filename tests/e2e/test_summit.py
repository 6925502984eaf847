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


def test_every_summit_screen_passes_axe_and_fits_a_phone(browser, demo_server: DemoServer):
    screens = [
        ("gespreksleider", SUMMIT + "regie/"),
        ("gespreksleider", SUMMIT + "balie/"),
        ("themateam", SUMMIT + "themateam/"),
        ("host", SUMMIT + "tafel/"),
        ("resident", SUMMIT),
    ]
    for who, path in screens:
        phone = new_page(browser, width=360)
        if who == "host":
            login_code(phone, demo_server, demo_server.next_host()["code"])
        elif who == "resident":
            login_code(phone, demo_server, demo_server.next_resident()["code"])
        else:
            login_staff(phone, demo_server, who)
        phone.goto(demo_server.url + path)
        expect(phone.locator("[data-connection]")).to_have_text("")
        assert_accessible(phone)
        assert_fits_phone(phone)
        phone.context.close()
    hall = new_page(browser, width=360)
    hall.goto(hall_url(demo_server))
    assert_accessible(hall)
    assert_fits_phone(hall)
    hall.context.close()


def test_host_edits_and_withdraws_an_idea_inline_with_the_keyboard(
    page: Page, demo_server: DemoServer, browser
):
    login_staff(page, demo_server, "gespreksleider")
    page.goto(demo_server.url + SUMMIT + "regie/")
    open_idea_step(page)
    host = new_page(browser, width=360)
    dialogs: list[str] = []
    host.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    login_code(host, demo_server, demo_server.next_host()["code"])
    host.goto(demo_server.url + SUMMIT + "tafel/")
    team = new_page(browser)
    login_staff(team, demo_server, "themateam")
    team.goto(demo_server.url + SUMMIT + "themateam/")
    host.get_by_label("Nieuw idee").fill("Meer groen op het Wilhelminaplein")
    host.get_by_role("button", name="Idee toevoegen").click()
    idea = host.locator("[data-ideas] li", has_text="Wilhelminaplein")
    idea.get_by_role("button", name="Wijzigen").focus()
    host.keyboard.press("Enter")
    editor = host.get_by_label("Idee wijzigen")
    expect(editor).to_be_focused()
    assert_accessible(host)
    assert_fits_phone(host)
    editor.fill("Meer bomen op het Wilhelminaplein")
    host.keyboard.press("Tab")
    expect(host.get_by_role("button", name="Opslaan")).to_be_focused()
    host.keyboard.press("Enter")
    expect(team.locator("[data-ideas]")).to_contain_text("Meer bomen op het Wilhelminaplein")
    idea = host.locator("[data-ideas] li", has_text="Meer bomen")
    expect(idea.get_by_role("button", name="Wijzigen")).to_be_focused()
    idea.get_by_role("button", name="Intrekken").click()
    expect(host.get_by_text("Dit idee intrekken?")).to_be_visible()
    expect(host.get_by_role("button", name="Nee, laten staan")).to_be_focused()
    assert_accessible(host)
    host.get_by_role("button", name="Ja, intrekken").click()
    expect(team.locator("[data-ideas]")).not_to_contain_text("Meer bomen op het Wilhelminaplein")
    expect(host.locator("[data-ideas]")).not_to_contain_text("Wilhelminaplein")
    assert dialogs == [], "no prompt() or confirm() dialog"


def test_a_refused_edit_keeps_the_text_in_the_inline_form(
    page: Page, demo_server: DemoServer, browser
):
    login_staff(page, demo_server, "gespreksleider")
    page.goto(demo_server.url + SUMMIT + "regie/")
    open_idea_step(page)
    host = new_page(browser, width=800)
    login_code(host, demo_server, demo_server.next_host()["code"])
    host.goto(demo_server.url + SUMMIT + "tafel/")
    host.get_by_label("Nieuw idee").fill("Fietsenstalling bij station")
    host.get_by_role("button", name="Idee toevoegen").click()
    host.locator("[data-ideas] li", has_text="Fietsenstalling").get_by_role(
        "button", name="Wijzigen"
    ).click()
    host.get_by_label("Idee wijzigen").fill("   ")
    host.get_by_label("Idee wijzigen").evaluate("node => node.removeAttribute('required')")
    host.get_by_role("button", name="Opslaan").click()
    expect(host.locator("[data-error-text]")).to_have_text("Een idee mag niet leeg zijn.")
    expect(host.get_by_label("Idee wijzigen")).to_have_value("   ")
