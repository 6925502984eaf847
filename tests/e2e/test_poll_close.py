"""Closing a poll cannot be undone: the button asks first, by keyboard, on a phone."""

from playwright.sync_api import Page, expect

from tests.e2e.conftest import DemoServer, assert_accessible, assert_fits_phone, login_staff
from tests.e2e.test_voting import new_open_poll, open_poll


def test_closing_a_poll_asks_first_and_escape_keeps_it_open(phone: Page, demo_server: DemoServer):
    title = "Speeltuin: een nieuwe speeltuin bij het Diemerbos?"
    new_open_poll(demo_server, title, demo_server.next_resident()["username"])
    login_staff(phone, demo_server, "gespreksleider")
    open_poll(phone, demo_server, title)
    close = phone.get_by_role("button", name="Stemming sluiten en tellen")
    close.focus()
    phone.keyboard.press("Enter")
    dialog = phone.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Dit kan niet ongedaan worden gemaakt.")
    expect(dialog.get_by_role("button", name="Annuleren")).to_be_focused()
    assert_accessible(phone)
    assert_fits_phone(phone)

    # Escape: nothing happened, the poll is still open after a reload.
    phone.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    phone.reload()
    expect(phone.get_by_role("heading", level=1)).to_have_text(title)
    expect(close).to_be_visible()

    # Confirmed by keyboard: closed and counted.
    close.focus()
    phone.keyboard.press("Enter")
    phone.keyboard.press("Shift+Tab")
    expect(dialog.get_by_role("button", name="Ja, sluiten en tellen")).to_be_focused()
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Uitslag")
