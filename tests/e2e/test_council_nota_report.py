"""A nota's participation report in a real browser: a council member logs in, finds the
demo's finished nota in the reading room, follows its report by keyboard, reads each
amendment's trail to the council's answer and downloads the ZIP; the griffie makes it again
from the workspace and is told why a nota still open for reactions has none. Each page is
axe-clean at 1280 and 360 px and nothing scrolls sideways."""

from __future__ import annotations

import io
import zipfile

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import DemoServer, login_staff, new_page
from tests.e2e.test_council import check_page

NOTA = "Zwembad en sporthal: accommodatienota 2026"
REPORT = "/raad/nota/zwembad-sporthal-2026/verslag/"


def test_a_council_member_finds_the_finished_notas_report_in_the_reading_room(
    browser: Browser, demo_server: DemoServer
):
    page = new_page(browser)
    login_staff(page, demo_server, "raadslid")
    page.goto(demo_server.url + "/raad/")
    expect(page.get_by_role("heading", name="Nota's en hun amendementen")).to_be_visible()
    check_page(page, "room-notas")
    link = page.get_by_role("link", name=f"Participatieverslag van {NOTA}")
    link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(demo_server.url + REPORT)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Participatieverslag {NOTA}")
    first = page.locator("article", has=page.get_by_role("heading", name="Amendement 1"))
    expect(first).to_contain_text("(aangenomen)")
    expect(first).to_contain_text("aangenomen")
    expect(first).to_contain_text("RB 2026-041")
    fourth = page.locator("article", has=page.get_by_role("heading", name="Amendement 4"))
    expect(fourth).to_contain_text("De raad heeft nog niet geantwoord.")
    expect(page.get_by_role("table", name="Gepubliceerde versies")).to_be_visible()
    check_page(page, "nota-report")
    with page.expect_download() as download:
        page.get_by_role("link", name="participatieverslag.zip").click()
    with zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read())) as archive:  # noqa: SIM115
        names = archive.namelist()
        readme = archive.read("LEESMIJ.txt").decode()
    assert "participatieverslag.pdf" in names and "cijfers-excel.csv" in names
    assert all(name in readme for name in names)
    page.get_by_role("link", name="Wat is er met de amendementen gedaan?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Wat is er met onze amendementen gedaan?"
    )
    expect(page.get_by_text("RB 2026-041", exact=False)).to_be_visible()
    check_page(page, "nota-public")
    page.context.close()


def test_the_griffie_makes_a_notas_report_and_is_told_why_an_open_nota_has_none(
    browser: Browser, demo_server: DemoServer
):
    page = new_page(browser)
    login_staff(page, demo_server, "griffie")
    page.goto(demo_server.url + "/werkruimte/raad/verslagen/")
    finished = page.locator("section", has=page.get_by_role("heading", name=NOTA))
    button = finished.get_by_role("button", name="Participatieverslag opnieuw maken")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"Het participatieverslag van {NOTA} is gemaakt")).to_be_visible(
        timeout=60_000
    )
    still_open = page.locator(
        "section", has=page.get_by_role("heading", name="Sportnota 2026-2030")
    )
    still_open.get_by_role("button", name="Participatieverslag maken").click()
    expect(still_open.get_by_role("alert")).to_contain_text(
        "De reactieperiode van deze nota loopt nog tot", timeout=30_000
    )
    check_page(page, "nota-reports-refused")
    page.context.close()
