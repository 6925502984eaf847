"""Theme proposals in a real browser, on the demo's afternoon summit (its proposals step):
the host writes with the keyboard, the table watches on a phone, the theme team follows,
the facilitator freezes, and what the host types after that is refused but not lost."""

import csv

from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    DemoServer,
    assert_accessible,
    assert_fits_phone,
    login_code,
    login_staff,
    new_page,
)

AFTERNOON = "/burgertop/burgertop-diemen-middag/"


def _first(server: DemoServer, role: str) -> dict[str, str]:
    """The first host (table 1 of the afternoon) or the first resident (seated at table 1)."""
    with (server.work / "codes.csv").open(encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["role"] == role)
    # A fresh code voids the demo's: no other test may be handed this person's old one.
    server.forget(lambda unused: unused["username"] == row["username"])
    return server.fresh_code(row)


def _tab_to(page: Page, selector: str, limit: int = 12) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"{selector} not reached with Tab")


def _save_with_keyboard(host: Page, title: str, text: str) -> None:
    host.locator("#proposal-title").focus()
    host.keyboard.press("Control+A")
    host.keyboard.type(title)
    host.keyboard.press("Tab")
    host.keyboard.press("Control+A")
    host.keyboard.type(text)
    _tab_to(host, "[data-proposal-form] button[type=submit]")
    host.keyboard.press("Enter")


def test_a_host_writes_the_proposal_the_table_watches_and_freezing_stops_edits(
    browser, demo_server: DemoServer
):
    host = new_page(browser, width=1280)
    login_code(host, demo_server, _first(demo_server, "table_host")["code"])
    host.goto(demo_server.url + AFTERNOON + "tafel/")
    editor = host.locator("[data-proposal-editor]")
    expect(editor).to_be_visible()
    assert_accessible(host)

    phone = new_page(browser, width=360)
    login_code(phone, demo_server, _first(demo_server, "resident")["code"])
    phone.goto(demo_server.url + AFTERNOON)
    watched = phone.locator("[data-proposal-view]")
    expect(watched).to_be_visible()
    expect(phone.locator("[data-connection]")).to_have_text("")

    team = new_page(browser, width=1280)
    login_staff(team, demo_server, "themateam")
    team.goto(demo_server.url + AFTERNOON + "themateam/")
    expect(team.locator("[data-connection]")).to_have_text("")

    _save_with_keyboard(host, "Bomen in elke straat", "Elke straat een boom erbij.")
    expect(editor.locator("[data-proposal-state]")).to_contain_text("Opgeslagen (versie 2)")
    expect(watched.locator("[data-proposal-title]")).to_have_text("Bomen in elke straat")
    expect(watched.locator("[data-proposal-text]")).to_have_text("Elke straat een boom erbij.")
    # It grows: the next save reaches the phone without a reload.
    host.locator("#proposal-text").focus()
    host.keyboard.press("End")
    host.keyboard.type(" Bewoners kiezen de plek.")
    _tab_to(host, "[data-proposal-form] button[type=submit]")
    host.keyboard.press("Enter")
    expect(watched.locator("[data-proposal-text]")).to_have_text(
        "Elke straat een boom erbij. Bewoners kiezen de plek."
    )
    assert_accessible(phone)
    assert_fits_phone(phone)
    expect(team.locator("[data-proposals]")).to_contain_text("Tafel 1: Bomen in elke straat")
    expect(team.locator("[data-proposals]")).to_contain_text("Bewoners kiezen de plek.")
    assert_accessible(team)

    control = new_page(browser, width=360)
    login_staff(control, demo_server, "gespreksleider")
    control.goto(demo_server.url + AFTERNOON + "regie/")
    expect(control.locator("[data-connection]")).to_have_text("")
    control.get_by_role("button", name="Voorstellen vastzetten").click()
    dialog = control.get_by_role("dialog")
    expect(dialog).to_contain_text("Daarna kan geen tafel haar voorstel nog wijzigen.")
    assert_accessible(control)
    control.keyboard.press("Escape")  # cancelled: nothing is fixed
    expect(dialog).to_be_hidden()
    expect(control.locator("[data-proposals]")).not_to_contain_text("Vastgezet voor de stemming")
    control.get_by_role("button", name="Voorstellen vastzetten").click()
    dialog.get_by_role("button", name="Ja, vastzetten").click()
    expect(control.locator("[data-proposals]")).to_contain_text("Vastgezet voor de stemming")
    assert_accessible(control)
    expect(watched.locator("[data-proposal-status]")).to_have_text(
        "Dit voorstel staat vast: de stemming gaat erover."
    )

    _save_with_keyboard(host, "Bomen in elke straat", "Een late wijziging.")
    expect(host.locator("[data-error-text]")).to_contain_text("De voorstellen staan vast")
    expect(host.locator("#proposal-text")).to_have_value("Een late wijziging.")
    assert_accessible(host)
    # The refused text is kept in the browser and offered again after a reload.
    host.reload()
    host.get_by_role("button", name="Mijn tekst terugzetten").click()
    expect(host.locator("#proposal-text")).to_have_value("Een late wijziging.")
    expect(watched.locator("[data-proposal-text]")).to_have_text(
        "Elke straat een boom erbij. Bewoners kiezen de plek."
    )
    for opened in (host, phone, team, control):
        opened.context.close()
