"""The reading room's poll reports and a proposal's vote result on its trail, in a real
browser: a council member reaches the demo poll's report from the reading room with the
keyboard, and the finished summit's first proposal's trail says its result in the vote.
Each page is axe-clean at 1280 and 360 px and nothing scrolls sideways."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import DemoServer, login_staff, new_page
from tests.e2e.test_council import check_page
from tests.e2e.test_council_reading_room import tab_to

PARK = "Welke naam krijgt het nieuwe park in Holland Park?"


def test_a_council_member_opens_a_polls_report_from_the_room_and_reads_a_trails_result(
    browser: Browser, demo_server: DemoServer
):
    page = new_page(browser)
    login_staff(page, demo_server, "raadslid")
    page.goto(demo_server.url + "/raad/")
    polls = page.get_by_role("heading", name="Peilingen en hun participatieverslag", level=2)
    expect(polls).to_be_visible()
    listed = page.locator("[data-poll-report]", has_text=PARK)
    expect(listed).to_contain_text(re.compile(r"\(gesloten op \d+ \w+ \d{4}\)"))
    check_page(page, "room-polls")

    tab_to(page, f"Participatieverslag van {PARK}", limit=400)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/raad/peiling/\d+/verslag/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("body")).to_contain_text(PARK)

    page.goto(demo_server.url + "/raad/burgertop/burgertop-diemen-voorjaar/voorstellen/1/")
    result = page.locator("[data-result]")
    expect(result).to_contain_text(
        re.compile(r"^Uitslag van de stemming: (Gekozen|Niet gekozen) \w+: \d+")
    )
    check_page(page, "trail-result")
    page.context.close()
