"""The afternoon of a summit day in real browsers: a host writes the table's proposal while a
participant watches it grow, the facilitator opens the vote, two participants vote on their
phones (one with the keyboard alone), a host enters a paper ballot, the hall shows the
turnout, the facilitator closes and reveals, and the hall and the phones show the result."""

import json

from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    DemoServer,
    assert_accessible,
    assert_fits_phone,
    login_code,
    login_staff,
    new_page,
)

SLUG = "burgertop-e2e-stemmen"
SUMMIT = f"/burgertop/{SLUG}/"


def _summit(server: DemoServer) -> dict:
    printed = server.manage(
        "shell", "-c", f"from tests.e2e.summit_setup import afternoon; afternoon({SLUG!r})"
    )
    return json.loads(printed.strip().splitlines()[-1])


def _tab_to(page: Page, selector: str, limit: int = 20) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"{selector} not reached with Tab")


def _live(page: Page) -> None:
    expect(page.locator("[data-connection]")).to_have_text("")


def test_the_afternoon_ends_in_a_vote_on_every_screen(browser, demo_server: DemoServer):
    people = _summit(demo_server)

    host = new_page(browser, width=1280)
    login_code(host, demo_server, people["hosts"][0])
    host.goto(demo_server.url + SUMMIT + "tafel/")
    _live(host)
    phone = new_page(browser, width=360)
    login_code(phone, demo_server, people["residents"][0])  # seated at table 1
    phone.goto(demo_server.url + SUMMIT)
    _live(phone)

    # The host writes; the phone at the table sees the proposal grow.
    host.locator("#proposal-title").fill("Een boom in elke straat")
    host.locator("#proposal-text").fill("Diemen plant in elke straat een boom.")
    host.locator("[data-proposal-form] button[type=submit]").click()
    watched = phone.locator("[data-proposal-view]")
    expect(watched.locator("[data-proposal-title]")).to_have_text("Een boom in elke straat")
    host.locator("#proposal-text").fill("Diemen plant in elke straat een boom. Bewoners kiezen.")
    host.locator("[data-proposal-form] button[type=submit]").click()
    expect(watched.locator("[data-proposal-text]")).to_have_text(
        "Diemen plant in elke straat een boom. Bewoners kiezen."
    )

    second = new_page(browser, width=360)
    login_code(second, demo_server, people["residents"][2])  # seated at table 2
    second.goto(demo_server.url + SUMMIT)
    _live(second)
    hall = new_page(browser, width=1920)
    hall.set_viewport_size({"width": 1920, "height": 1080})
    hall.goto(demo_server.url + SUMMIT + f"zaal/{people['hall']}/")
    _live(hall)
    control = new_page(browser, width=1280)
    login_staff(control, demo_server, "gespreksleider")
    control.goto(demo_server.url + SUMMIT + "regie/")
    _live(control)

    # The facilitator opens the vote: the ballot appears in place, without a reload.
    control.locator('[data-step-move="step.advance"]').click()
    control.get_by_role("dialog").get_by_role("button", name="Ja, naar deze stap").click()
    ballot = phone.locator("[data-vote-ballot]")
    expect(ballot).to_be_visible()
    expect(ballot).to_contain_text("Een boom in elke straat")
    expect(ballot).to_contain_text("Veilig naar school")
    expect(hall.locator("[data-vote-turnout]")).to_have_text("Gestemd: 0 van 4.")
    # The proposals are fixed now: the facilitator is no longer offered to fix them.
    expect(control.locator("[data-proposals-freeze]")).to_be_hidden()
    assert_accessible(phone)
    assert_fits_phone(phone)

    # Keyboard only on the first phone: to its own table's proposal (number 2: table 2's came
    # first), tick it, on to the button, Enter.
    expect(ballot.locator("label").first).to_have_text("1. Veilig naar school")
    _tab_to(phone, "[data-vote-ballot] input[value='2']")
    phone.keyboard.press("Space")
    _tab_to(phone, "[data-vote-ballot] button[type=submit]")
    phone.keyboard.press("Enter")
    done = phone.locator("[data-vote-done]")
    expect(done).to_contain_text("U hebt gestemd.")
    expect(done.locator("[data-vote-receipt]")).to_contain_text("Uw bewijscode:")
    expect(ballot).to_be_hidden()
    assert_accessible(phone)

    # The second phone: nothing ticked is refused on the screen, then a vote for table 2's.
    second_ballot = second.locator("[data-vote-ballot]")
    second_ballot.get_by_role("button", name="Stem uitbrengen").click()
    expect(second_ballot.locator("[data-vote-hint]")).to_have_text("U hebt nog niets gekozen.")
    second_ballot.get_by_label("Veilig naar school").check()
    second_ballot.get_by_role("button", name="Stem uitbrengen").click()
    expect(second.locator("[data-vote-done]")).to_contain_text("U hebt gestemd.")
    assert_fits_phone(second)

    # Table 2's host enters the paper ballot of a participant without a device.
    paper_host = new_page(browser, width=1280)
    login_code(paper_host, demo_server, people["hosts"][1])
    paper_host.goto(demo_server.url + SUMMIT + "tafel/")
    _live(paper_host)
    expect(paper_host.locator("[data-vote-turnout]")).to_contain_text("Aan deze tafel: 1 van 2.")
    assert_accessible(paper_host)
    paper_host.get_by_role("link", name="Papieren stem invoeren").click()
    waiting = paper_host.locator("form.ss-ballot fieldset").first
    expect(waiting).to_contain_text(people["resident_names"][3])
    expect(waiting).not_to_contain_text(people["resident_names"][2])  # voted on a phone
    expect(waiting).not_to_contain_text(people["resident_names"][0])  # another table
    assert_accessible(paper_host)
    waiting.get_by_label(people["resident_names"][3], exact=False).check()
    paper_host.get_by_label("Een boom in elke straat").check()
    paper_host.get_by_role("button", name="Papieren stem opslaan").click()
    expect(paper_host.locator("body")).to_contain_text("Niemand aan uw tafel hoeft nog te stemmen")

    # The hall and the facilitator see the turnout.
    expect(hall.locator("[data-vote-turnout]")).to_have_text("Gestemd: 3 van 4.")
    assert_accessible(hall)
    tables = control.locator("[data-vote-tables]")
    expect(tables.locator("tr").nth(1)).to_contain_text("2")
    expect(control.locator("[data-vote-turnout]")).to_have_text("Gestemd: 3 van 4.")
    assert_accessible(control)

    # Closing asks first; the result waits for the reveal.
    control.get_by_role("button", name="Stemming sluiten").click()
    control.get_by_role("button", name="Ja, sluit de stemming").click()
    expect(hall.locator("[data-vote-state]")).to_have_text(
        "De stemming is gesloten. De uitslag komt zo op het scherm."
    )
    expect(hall.locator("[data-vote-result]")).to_be_hidden()
    reveal = control.get_by_role("button", name="Uitslag tonen op alle schermen")
    expect(reveal).to_be_focused()
    control.keyboard.press("Enter")

    for screen in (hall, phone, second):
        result = screen.locator("[data-vote-result]")
        expect(result).to_be_visible()
        expect(result.locator("[data-vote-winners]")).to_have_text(
            "Gekozen: Een boom in elke straat."
        )
        rows = result.locator("[data-vote-rows] tr")  # the chosen first
        expect(rows.first).to_have_text("Een boom in elke straat2Ja")
        expect(rows.nth(1)).to_have_text("Veilig naar school1Nee")
        assert_accessible(screen)
    assert_fits_phone(phone)
    for opened in (host, phone, second, hall, control, paper_host):
        opened.context.close()
