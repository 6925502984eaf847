"""Marking minority views for the participation report, in a real browser and by keyboard:
the facilitator goes from the theme team's page to "Voor het verslag", sees the idea the
demo marked, marks a theme and takes the mark off again; the nota's editor marks a comment
on the read page and takes it off; a council member reads the marked idea in the finished
summit's report, before the other voices. Each page is axe-clean at 1280 and 360 px and
nothing scrolls sideways. Every mark made here is taken off again: the demo stays as it was."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import DemoServer, login_staff, new_page
from tests.e2e.test_council import check_page

SUMMIT = "burgertop-diemen-voorjaar"
NOTA = "zwembad-sporthal-2026"
MARKED_IDEA = "Een plek voor jongeren om af te spreken"


def press(page: Page, button) -> None:
    """Reach a button with the keyboard and press it."""
    button.focus()
    expect(button).to_be_focused()
    page.keyboard.press("Enter")


def test_the_facilitator_marks_a_theme_for_the_report_by_keyboard(
    browser: Browser, demo_server: DemoServer
):
    page = new_page(browser)
    login_staff(page, demo_server, "gespreksleider")
    page.goto(f"{demo_server.url}/burgertop/{SUMMIT}/themateam/")
    link = page.get_by_role(
        "link", name="Minderheidsstandpunten en open vragen voor het verslag markeren"
    )
    press(page, link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Voor het verslag")
    marked = page.locator("li", has_text=MARKED_IDEA)
    expect(marked.get_by_role("button", name="Niet meer voor het verslag")).to_be_visible()
    check_page(page, "marks")

    theme = page.locator("section", has=page.get_by_role("heading", name="Thema: Schoon en heel"))
    mark = theme.get_by_role("button", name="Dit thema voor het verslag markeren")
    press(page, mark)
    expect(page.get_by_role("status")).to_contain_text(
        "Het thema “Schoon en heel” staat in het participatieverslag"
    )
    theme = page.locator("section", has=page.get_by_role("heading", name="Thema: Schoon en heel"))
    unmark = theme.get_by_role("button", name="Dit thema niet meer voor het verslag")
    expect(unmark).to_be_visible()
    check_page(page, "marks-marked")
    press(page, unmark)
    expect(page.get_by_role("status")).to_contain_text(
        "staat niet meer bij de minderheidsstandpunten"
    )
    page.context.close()


def test_the_notas_editor_marks_a_comment_for_the_report_by_keyboard(
    browser: Browser, demo_server: DemoServer
):
    page = new_page(browser)
    login_staff(page, demo_server, "ambtenaar")
    page.goto(f"{demo_server.url}/nota/{NOTA}/")
    # The read page: the turned-down amendment the demo marked carries its mark.
    second = page.locator("article.ss-card", has_text="Verenigingen en scholen huren de zaal")
    expect(second.get_by_role("button", name="Niet meer voor het verslag")).to_be_visible()
    check_page(page, "nota-read-marks")
    press(page, page.get_by_role("link", name="Voor het verslag", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Voor het verslag")
    check_page(page, "nota-marks")
    bikes = page.locator("article.ss-card", has_text="Zorg ook voor plek voor bakfietsen")
    press(page, bikes.get_by_role("button", name="Voor het verslag markeren"))
    expect(page.locator(".ss-messages")).to_contain_text(
        "De reactie staat in het participatieverslag bij de minderheidsstandpunten."
    )
    bikes = page.locator("article.ss-card", has_text="Zorg ook voor plek voor bakfietsen")
    expect(bikes.get_by_text("Voor het verslag", exact=True)).to_be_visible()
    check_page(page, "nota-marks-marked")
    press(page, bikes.get_by_role("button", name="Niet meer voor het verslag"))
    expect(page.locator(".ss-messages")).to_contain_text(
        "staat niet meer bij de minderheidsstandpunten"
    )
    expect(bikes.get_by_role("button", name="Voor het verslag markeren")).to_be_visible()
    page.context.close()


def test_a_council_member_reads_the_marked_idea_in_the_summits_report(
    browser: Browser, demo_server: DemoServer
):
    page = new_page(browser)
    login_staff(page, demo_server, "raadslid")
    page.goto(f"{demo_server.url}/raad/burgertop/{SUMMIT}/verslag/")
    heading = page.get_by_role("heading", name="Minderheidsstandpunten en open vragen")
    expect(heading).to_be_visible()
    section = page.locator("section", has=heading)
    expect(section).to_contain_text(f"Idee: {MARKED_IDEA}")
    others = page.get_by_role("heading", name="Andere stemmen")
    assert heading.bounding_box()["y"] < others.bounding_box()["y"]
    check_page(page, "report-minority")
    page.context.close()
