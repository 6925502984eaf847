"""The reading room's pager in a real browser: with more summits than fit on a page (a copy
of the demo of this module's own, so the other tests keep their one-page room), a council
member reads 'Pagina 1 van 2', goes to the next page by keyboard and finds the poll's
report there; both pages are axe-clean at 1280 and 360 px and nothing scrolls sideways."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from council.selectors import ROOM_PAGE_SIZE
from tests.e2e.conftest import DemoServer, login_staff, new_page, serving_a_copy_of_the_demo
from tests.e2e.test_council import check_page

MORE_SUMMITS = f"""
from datetime import date, timedelta
from deliberation.models import Summit
for number in range({ROOM_PAGE_SIZE}):
    Summit.objects.create(
        slug=f"burgertop-archief-{{number}}",
        title=f"Burgertop archief {{number}}",
        date=date(2020, 1, 1) + timedelta(days=number),
    )
"""


@pytest.fixture(scope="module")
def long_room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    """The demo with a page's worth of older summits more, on a server of its own."""
    with serving_a_copy_of_the_demo(tmp_path_factory, "e2e-room-pages") as server:
        server.manage("shell", "-c", MORE_SUMMITS)
        yield server


def test_a_council_member_pages_through_the_room_by_keyboard(
    browser: Browser, long_room: DemoServer
):
    page = new_page(browser)
    login_staff(page, long_room, "raadslid")
    page.goto(long_room.url + "/raad/")
    pager = page.get_by_role("navigation", name="Pagina’s van de leeskamer")
    expect(pager).to_contain_text("Pagina 1 van 2")
    expect(pager.get_by_role("link")).to_have_count(1)
    expect(page).to_have_title(re.compile("pagina 1 van 2"))
    check_page(page, "room-page-1")

    pager.get_by_role("link", name="Volgende pagina").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/raad/\?page=2$"))
    pager = page.get_by_role("navigation", name="Pagina’s van de leeskamer")
    expect(pager).to_contain_text("Pagina 2 van 2")
    expect(pager.get_by_role("link", name="Vorige pagina")).to_be_visible()
    expect(page.get_by_role("heading", name="Peilingen en hun participatieverslag")).to_be_visible()
    expect(page.get_by_role("heading", name="Burgertop archief 0")).to_be_visible()
    check_page(page, "room-page-2")
    page.context.close()
