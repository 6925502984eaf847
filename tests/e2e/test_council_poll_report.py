"""A closed poll's participation report in a real browser: a resident who reads the demo's
park-name poll's results follows "Participatieverslag" by keyboard to the report (the
question, who voted, the voting rules, every round, the files) and downloads its ZIP; the
griffie makes it again from the workspace and is told why a poll still open has none. Each
page is axe-clean at 1280 and 360 px and nothing scrolls sideways."""

from __future__ import annotations

import io
import zipfile

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import DemoServer, login_staff, new_page
from tests.e2e.test_council import check_page

POLL = "Welke naam krijgt het nieuwe park in Holland Park?"
STILL_OPEN = "Bewoners Initiatief Gelden 2026"


def test_a_resident_follows_the_results_page_to_the_polls_report(
    browser: Browser, demo_server: DemoServer
):
    page = new_page(browser)
    listed = page.request.get(demo_server.url + "/api/v1/reports/?limit=100").json()["results"]
    (made,) = [r for r in listed if r["kind"] == "peiling" and r["title"] == POLL]
    page.goto(f"{demo_server.url}/stemmen/{made['poll']}/uitslag/")
    link = page.get_by_role("link", name="Participatieverslag", exact=True)
    link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(made["page_url"])
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Participatieverslag {POLL}")
    expect(page.get_by_text("Stemregels", exact=True)).to_be_visible()
    expect(page.get_by_text("Ronde 1", exact=True)).to_be_visible()
    expect(page.get_by_role("table", name="Deelname")).to_contain_text("gestemd op papier")
    expect(
        page.get_by_role("heading", name="De voorstellen en het antwoord van de raad")
    ).to_have_count(0)
    check_page(page, "poll-report")
    with page.expect_download() as download:
        page.get_by_role("link", name="participatieverslag.zip").click()
    with zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read())) as archive:  # noqa: SIM115
        names = archive.namelist()
    assert "participatieverslag.pdf" in names
    assert [n for n in names if n.startswith("stembiljetten/")]
    back = page.get_by_role("link", name="De uitslag van de peiling")
    back.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(POLL)
    check_page(page, "poll-results-with-report")
    page.context.close()


def test_the_griffie_makes_a_polls_report_and_is_told_why_an_open_poll_has_none(
    browser: Browser, demo_server: DemoServer
):
    page = new_page(browser)
    login_staff(page, demo_server, "griffie")
    page.goto(demo_server.url + "/werkruimte/raad/verslagen/")
    expect(page.get_by_role("heading", name="Participatieverslag per peiling")).to_be_visible()
    closed = page.locator("section", has=page.get_by_role("heading", name=POLL, exact=True))
    button = closed.get_by_role("button", name="Participatieverslag opnieuw maken")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"Het participatieverslag van {POLL} is gemaakt")).to_be_visible(
        timeout=60_000
    )
    still_open = page.locator(
        "section", has=page.get_by_role("heading", name=STILL_OPEN, exact=True)
    )
    still_open.get_by_role("button", name="Participatieverslag maken").click()
    expect(still_open.get_by_role("alert")).to_contain_text(
        "Deze peiling is nog niet gesloten.", timeout=30_000
    )
    check_page(page, "poll-reports-refused")
    page.context.close()
