"""The participation report in a real browser: the griffie makes it again for the demo's
finished summit with the keyboard and is told why the afternoon summit (still running) has
none; a council member finds it in the reading room, reads it and downloads its ZIP; the
pages are axe-clean at 1280 and 360 px and nothing scrolls sideways."""

from __future__ import annotations

import io
import zipfile

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import DemoServer, login_staff, new_page
from tests.e2e.test_council import check_page

FINISHED = "Burgertop Diemen voorjaar 2026"
REPORTS = "/werkruimte/raad/verslagen/"


def test_the_griffie_makes_the_report_by_keyboard_and_is_told_why_a_running_summit_has_none(
    browser: Browser, demo_server: DemoServer
):
    page = new_page(browser)
    login_staff(page, demo_server, "griffie")
    page.goto(demo_server.url + "/werkruimte/raad/")
    page.get_by_role("link", name="Participatieverslagen").click()
    expect(page).to_have_url(demo_server.url + REPORTS)
    check_page(page, "reports")
    finished = page.locator("section", has=page.get_by_role("heading", name=FINISHED))
    button = finished.get_by_role("button", name="Participatieverslag opnieuw maken")
    button.focus()
    page.keyboard.press("Enter")
    # Making the PDFs takes seconds, longer on a loaded machine.
    expect(page.get_by_text(f"Het participatieverslag van {FINISHED} is gemaakt")).to_be_visible(
        timeout=60_000
    )
    running = page.locator(
        "section", has=page.get_by_role("heading", name="Burgertop Diemen 2026: de middag")
    )
    running.get_by_role("button", name="Participatieverslag maken").click()
    expect(running.get_by_role("alert")).to_contain_text(
        "Deze burgertop is nog niet afgelopen.", timeout=30_000
    )
    check_page(page, "reports-refused")
    page.context.close()


def test_a_council_member_finds_reads_and_downloads_the_report(
    browser: Browser, demo_server: DemoServer
):
    page = new_page(browser)
    login_staff(page, demo_server, "raadslid")
    page.goto(demo_server.url + "/raad/")
    page.get_by_role("link", name=f"Participatieverslag van {FINISHED}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Participatieverslag {FINISHED}")
    expect(page.get_by_role("table", name="Uitslag: " + FINISHED, exact=False)).to_be_visible()
    expect(page.locator("meter")).to_have_count(3)
    expect(page.get_by_text("niet aangenomen").first).to_be_visible()
    check_page(page, "report")
    with page.expect_download() as download:
        page.get_by_role("link", name="participatieverslag.zip").click()
    with zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read())) as archive:  # noqa: SIM115
        names = archive.namelist()
        readme = archive.read("LEESMIJ.txt").decode()
    assert "participatieverslag.json" in names and "cijfers-excel.csv" in names
    assert all(name in readme for name in names)
    page.goto(demo_server.url + "/raad/burgertop/burgertop-diemen-voorjaar/")
    expect(page.get_by_role("link", name="Het participatieverslag", exact=False)).to_be_visible()
    check_page(page, "public")
    page.context.close()
