"""The council's reading room in a real browser: a council member filters by topic and
status with the keyboard only, finds the demo nota's unanswered amendment and follows it to
the nota's council page; the finished summit's proposals show their vote result; a page
past the last says so. Each page is axe-clean at 1280 and 360 px and nothing scrolls
sideways."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import DemoServer, login_staff, new_page
from tests.e2e.test_council import check_page


def tab_to(page: Page, name: str, limit: int = 40) -> None:
    """Press Tab until the element with this accessible name or label has the focus."""
    for _press in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement; if (!e) return '';"
            " const label = e.labels && e.labels[0] ? e.labels[0].textContent : '';"
            " return (label || e.textContent || '').trim(); }"
        )
        if focused.startswith(name):
            return
    raise AssertionError(f"Tab never reached {name!r}")


def test_a_council_member_filters_the_reading_room_by_keyboard_and_reads_the_results(
    browser: Browser, demo_server: DemoServer
):
    page = new_page(browser)
    login_staff(page, demo_server, "raadslid")
    page.goto(demo_server.url + "/raad/")
    expect(page.get_by_role("heading", name="Leeskamer voor de raad", level=1)).to_be_visible()
    results = page.locator("[data-result]")
    expect(results.first).to_contain_text(re.compile(r": \d+, plaats \d+ van \d+"))
    expect(page.locator("[data-result]", has_text="Gekozen").first).to_be_visible()
    check_page(page, "room")

    page.goto(demo_server.url + "/raad/?page=7")
    expect(page.get_by_role("status").first).to_contain_text(
        re.compile(r"Pagina 7 bestaat niet\. U ziet pagina \d+ van \d+\.")
    )
    check_page(page, "room-no-such-page")

    tab_to(page, "Onderwerp")
    page.keyboard.type("Sportnota")
    tab_to(page, "Status")
    page.keyboard.type("Nog")
    tab_to(page, "Toon")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"topic=nota%3Asportnota"))
    assert "status=geen" in page.url
    cards = page.locator("[data-amendment]")
    expect(cards.first).to_be_visible()
    found = cards.count()
    expect(page.get_by_role("status")).to_contain_text(
        f"{found} voorstel of amendement gevonden"
        if found == 1
        else f"{found} voorstellen en amendementen gevonden"
    )
    expect(page.locator("[data-proposal]")).to_have_count(0)
    for index in range(found):
        card = cards.nth(index)
        expect(card).to_contain_text("Was: ")
        expect(card).to_contain_text(re.compile("Besluit van de redactie: |De redactie heeft"))
        expect(card).to_contain_text("De raad heeft nog niet geantwoord.")
    amendment = cards.first.get_by_role("link", name=re.compile(r"^Amendement \d+ op "))
    expect(page.get_by_label("Onderwerp")).to_have_value("nota:sportnota")
    check_page(page, "room-filtered")

    number = re.search(r"Amendement (\d+)", amendment.inner_text()).group(1)  # type: ignore[union-attr]
    tab_to(page, f"Amendement {number} op")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/raad/nota/[a-z0-9-]+/#amendement-{number}$"))
    expect(page.locator(f"#amendement-{number}")).to_be_visible()
    page.context.close()
