"""Ballots in a real browser: a ranked ballot numbers exactly what counts (by keyboard,
with announcements, and without JavaScript), the choice cast is shown once, and a receipt
that a later ballot replaced says so."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import (
    DemoServer,
    assert_accessible,
    assert_fits_phone,
    login_code,
    login_staff,
    new_page,
)
from tests.e2e.test_voting import TRACKER, close_as_facilitator, new_open_poll, open_poll

IRV = "Welk idee voor het Diemerplein krijgt voorrang?"


def button(page: Page, verb: str, title: str) -> Locator:
    """A ranking button, named by its verb and (for screen readers) its option."""
    return page.get_by_role("button", name=re.compile(f"^{verb}\\W+{re.escape(title)}$"))


def assert_apart(page: Page, button_name: str, link_name: str) -> None:
    """A thumb aiming at the form's button does not hit the link under it (at least 12 px)."""
    page.wait_for_load_state("load")
    button_box = page.get_by_role("button", name=button_name).bounding_box()
    link_box = page.get_by_role("link", name=link_name).bounding_box()
    assert button_box and link_box
    gap = link_box["y"] - (button_box["y"] + button_box["height"])
    assert gap >= 12, f"{link_name!r} is {gap:.0f}px under {button_name!r}"


def ranked(page: Page) -> list[str]:
    return [t.strip() for t in page.locator("[data-ranked] .ss-ranking__title").all_text_contents()]


def unranked(page: Page) -> list[str]:
    return [t.strip() for t in page.locator("[data-unranked] .ss-ranking__title").all_text_contents()]


def test_a_ranked_ballot_numbers_only_what_counts_and_ranks_by_keyboard(
    page: Page, demo_server: DemoServer
):
    login_code(page, demo_server, demo_server.next_voter()["code"])
    open_poll(page, demo_server, IRV)
    # Nothing is numbered before the voter ranks it.
    assert ranked(page) == []
    expect(page.get_by_text("U hebt nog niets gerangschikt.")).to_be_visible()
    assert unranked(page) == ["Meer bomen en schaduw", "Een waterspeelplaats", "Een weekmarkt", "Een podium"]
    assert_accessible(page)

    status = page.locator("[data-ranking-status]")
    button(page, "Toevoegen", "Een podium").focus()
    page.keyboard.press("Enter")
    expect(status).to_have_text("Een podium: plaats 1")
    # The keyboard stays in the list of the rest, ready to add the next choice.
    expect(button(page, "Toevoegen", "Een weekmarkt")).to_be_focused()
    page.keyboard.press("Enter")
    expect(status).to_have_text("Een weekmarkt: plaats 2")
    assert ranked(page) == ["Een podium", "Een weekmarkt"]

    up = button(page, "Omhoog", "Een weekmarkt")
    up.focus()
    page.keyboard.press("Enter")
    expect(status).to_have_text("Een weekmarkt: plaats 1")
    expect(up).to_be_focused()
    assert ranked(page) == ["Een weekmarkt", "Een podium"]

    # Take one out again, and its place number goes with it.
    button(page, "Toevoegen", "Een waterspeelplaats").focus()
    page.keyboard.press("Enter")
    remove = button(page, "Weghalen", "Een waterspeelplaats")
    remove.focus()
    page.keyboard.press("Enter")
    expect(status).to_have_text("Een waterspeelplaats: niet gerangschikt, telt niet mee")
    expect(button(page, "Toevoegen", "Een waterspeelplaats")).to_be_focused()
    assert ranked(page) == ["Een weekmarkt", "Een podium"]
    assert unranked(page) == ["Meer bomen en schaduw", "Een waterspeelplaats"]
    # Numbers only in the ranking: the rest is a list without numbers.
    markers = page.locator("[data-unranked] li").evaluate_all(
        "items => items.map(item => getComputedStyle(item).listStyleType)"
    )
    assert markers and not any("decimal" in marker for marker in markers)
    assert_accessible(page)

    page.get_by_role("button", name="Stem uitbrengen").click()
    # The confirmation shows what was stored: the same two places, the rest left out.
    shown = page.locator(".ss-cast")
    expect(shown.get_by_role("heading", name="Dit hebt u gestemd")).to_be_visible()
    expect(shown.locator("ol li")).to_have_text(["Een weekmarkt", "Een podium"])
    expect(shown).to_contain_text("Niet gerangschikt: Meer bomen en schaduw, Een waterspeelplaats")
    expect(page.locator(".ss-tracker")).to_have_text(TRACKER)
    assert_accessible(page)
    # Once: a reload no longer shows the choice; the receipt stays.
    page.reload()
    expect(page.locator(".ss-tracker")).to_have_text(TRACKER)
    expect(page.locator(".ss-cast")).to_have_count(0)


def test_a_ranked_ballot_works_without_javascript(browser: Browser, demo_server: DemoServer):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="nl-NL", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        login_code(page, demo_server, demo_server.next_voter()["code"])
        open_poll(page, demo_server, "Welke drie ideeën gaan naar de gemeenteraad?")
        button(page, "Toevoegen", "Een jongerenraad").click()
        button(page, "Toevoegen", "Buurtbudget per wijk").click()
        button(page, "Omhoog", "Buurtbudget per wijk").click()
        assert ranked(page) == ["Buurtbudget per wijk", "Een jongerenraad"]
        assert_fits_phone(page)
        page.get_by_role("button", name="Stem uitbrengen").click()
        expect(page.locator(".ss-cast ol li")).to_have_text(
            ["Buurtbudget per wijk", "Een jongerenraad"]
        )
        assert_fits_phone(page)
    finally:
        context.close()


def test_a_replaced_receipt_says_so_when_looked_up_after_closing(phone: Page, demo_server: DemoServer):
    title = "Zwembad: nog een vraag over een tweede bad?"
    resident = demo_server.next_voter()
    new_open_poll(demo_server, title, resident["username"])
    login_code(phone, demo_server, resident["code"])
    open_poll(phone, demo_server, title)
    phone.get_by_role("group", name="Een tweede zwembad").get_by_label("Voor").check()
    phone.get_by_role("button", name="Stem uitbrengen").click()
    first = phone.locator(".ss-tracker").text_content() or ""
    expect(phone.locator(".ss-cast")).to_contain_text("Een tweede zwembad: Voor")
    # A code to write down is never split over two lines on a phone (K69 / M misreads);
    # measured once the page's stylesheet has loaded.
    phone.wait_for_load_state("load")
    assert phone.locator(".ss-tracker").evaluate("code => code.getClientRects().length") == 1
    assert_accessible(phone)
    assert_fits_phone(phone)
    phone.get_by_role("group", name="Een tweede zwembad").get_by_label("Tegen").check()
    phone.get_by_role("button", name="Stem opnieuw (vervangt uw stem)").click()
    expect(phone.locator(".ss-cast")).to_contain_text("Een tweede zwembad: Tegen")
    last = phone.locator(".ss-tracker").text_content() or ""
    assert TRACKER.fullmatch(first) and TRACKER.fullmatch(last) and first != last
    close_as_facilitator(phone, demo_server, title)

    # The open ballot goes to the result, which links the lookup; type the code, press Enter.
    phone.wait_for_url(re.compile(r"/uitslag/$"), timeout=15_000)
    phone.get_by_role("link", name="Bewijscode opzoeken").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Bewijscode opzoeken")
    assert_accessible(phone)
    assert_apart(phone, "Opzoeken", "Naar de uitslag")
    phone.get_by_label("Uw bewijscode").fill(first.lower())
    phone.keyboard.press("Enter")
    answer = phone.locator("#receipt-answer")
    expect(answer).to_contain_text(f"Bewijscode {first} is vervangen door een latere stem")
    expect(answer).not_to_contain_text("Voor")
    assert_accessible(phone)
    assert_fits_phone(phone)
    phone.get_by_label("Uw bewijscode").fill(last)
    phone.get_by_role("button", name="Opzoeken").click()
    expect(answer).to_contain_text(f"Bewijscode {last} is meegeteld")
    expect(answer).to_contain_text("Een tweede zwembad: Tegen")
    assert_accessible(phone)


def test_a_table_host_picks_only_from_their_own_table_on_a_phone(
    phone: Page, demo_server: DemoServer
):
    title = "Welke drie thema's bespreken we na de lunch?"
    login_code(phone, demo_server, demo_server.next_hall_host()["code"])
    open_poll(phone, demo_server, title)
    phone.get_by_role("link", name="Papieren stemmen invoeren").click()
    people = phone.get_by_role("group", name="Deelnemer").get_by_role("radio")
    # A table of eight to ten, not the whole summit.
    assert 1 <= people.count() <= 10
    assert_accessible(phone)
    assert_fits_phone(phone)
    assert_apart(phone, "Papieren stem opslaan", "Terug naar de stemming")
    name = (phone.get_by_role("group", name="Deelnemer").locator("label").first.text_content() or "")
    name = name.strip().split(" (")[0]
    demo_server.set_aside(name)
    phone.get_by_label("Zoek een deelnemer op naam").fill(name)
    phone.keyboard.press("Enter")
    expect(people).to_have_count(1)
    assert_accessible(phone)
    assert_fits_phone(phone)
    people.first.check()
    phone.get_by_label("Groen en klimaat").check()
    phone.get_by_role("button", name="Papieren stem opslaan").click()
    expect(phone.locator(".ss-messages")).to_contain_text(f"De papieren stem van {name} is ingevoerd")

    # The facilitator's desk finds anyone of the summit by name instead.
    staff = new_page(phone.context.browser)  # type: ignore[arg-type]
    try:
        login_staff(staff, demo_server, "gespreksleider")
        open_poll(staff, demo_server, title)
        staff.get_by_role("link", name="Papieren stemmen invoeren").click()
        expect(staff.get_by_role("group", name="Deelnemer")).to_contain_text("zoek op naam")
        assert_accessible(staff)
    finally:
        staff.context.close()
