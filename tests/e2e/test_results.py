"""Results pages in a real browser, at 360 px and at 1280 px: axe-clean, no chart label cut
off, what was chosen marked, the count explained in Dutch with names, the recount command,
and the two published files reachable by keyboard."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DemoServer, assert_accessible, assert_fits_phone, new_page

# Closed in the demo; the budget round has the longest option names.
RESULTS = {
    "Bewoners Initiatief Gelden 2025": "Speeltoestel voor kinderen met een beperking",
    "Welke naam krijgt het nieuwe park in Holland Park?": "Burgemeester Van Eedenpark",
    "Geef de plannen voor het Arenapark een cijfer": "Een natuurspeeltuin",
    "Burgertop 2025: kiezen we een vervolg?": "Een burgerpanel dat elk jaar meedenkt",
}


def open_result(page: Page, server: DemoServer, title: str) -> None:
    page.goto(server.url + "/stemmen/")
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    expect(page.locator(".ss-chart canvas")).to_be_visible()
    page.wait_for_timeout(600)  # the bars grow in (animation)


def dark_pixels_at_edges(page: Page) -> dict[str, int]:
    """Text pixels (dark) in the outermost columns and rows of the chart: a label cut off by
    the edge of the chart leaves its strokes there."""
    image = Image.open(io.BytesIO(page.locator(".ss-chart canvas").screenshot())).convert("L")
    width, height = image.size
    pixels = image.load()

    def count(points: list[tuple[int, int]]) -> int:
        return sum(1 for x, y in points if pixels[x, y] < 110)  # type: ignore[index]

    return {
        "left": count([(x, y) for x in range(3) for y in range(height)]),
        "right": count([(x, y) for x in range(width - 3, width) for y in range(height)]),
        "top": count([(x, y) for x in range(width) for y in range(2)]),
    }


@pytest.mark.parametrize("width", [360, 1280])
def test_results_pages_show_every_label_whole_and_pass_axe(page: Page, demo_server: DemoServer, width: int):
    viewer = new_page(page.context.browser, width=width)  # type: ignore[arg-type]
    try:
        for title in RESULTS:
            open_result(viewer, demo_server, title)
            assert dark_pixels_at_edges(viewer) == {"left": 0, "right": 0, "top": 0}, title
            assert_fits_phone(viewer)
            assert_accessible(viewer)
    finally:
        viewer.context.close()


def test_a_budget_result_marks_what_was_funded_and_explains_why_not(phone: Page, demo_server: DemoServer):
    open_result(phone, demo_server, "Bewoners Initiatief Gelden 2025")
    funded = phone.locator("tr[data-chosen] th")
    expect(funded.first).to_be_visible()
    assert funded.count() >= 1
    # The chart's legend names the two colours; the table says it in words.
    expect(phone.locator("table")).to_have_attribute("data-chart-chosen", "Uitgevoerd")
    costs = phone.locator("tbody td:nth-child(4)").all_inner_texts()
    assert costs and all(re.fullmatch(r"€\s\d{1,3}(\.\d{3})*", c) for c in costs), costs
    explanation = phone.locator("section[aria-labelledby=uitleg]")
    expect(explanation.get_by_role("heading", name="Project voor project")).to_be_visible()
    expect(explanation.get_by_role("heading", name="Waarom kreeg een project met meer stemmen geen geld?")).to_be_visible()
    expect(explanation).to_contain_text("Speeltoestel voor kinderen met een beperking")
    expect(explanation).not_to_contain_text("Greedy")
    command = phone.locator("#natel-opdracht")
    expect(command).to_contain_text(re.compile(r"python -m voting\.recount samenspel-poll-\d+\.pb --method greedy"))
    box = command.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 360


def test_the_published_files_are_reached_and_told_apart_by_keyboard(page: Page, demo_server: DemoServer):
    open_result(page, demo_server, "Burgertop 2025: kiezen we een vervolg?")
    ballots = page.get_by_role("link", name=re.compile(r"^Alle stemmen \(Pabulib\): samenspel-poll-\d+\.pb$"))
    trackers = page.get_by_role("link", name=re.compile(r"^Stemmen met bewijscodes: samenspel-poll-\d+-trackers\.json$"))
    focused = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.textContent.trim()"))
        if trackers.evaluate("e => e === document.activeElement"):
            break
    assert any(text.startswith("Alle stemmen") for text in focused), focused
    expect(trackers).to_be_focused()
    with page.expect_download() as first:
        ballots.focus()
        page.keyboard.press("Enter")
    with page.expect_download() as second:
        trackers.focus()
        page.keyboard.press("Enter")
    one, two = first.value, second.value
    assert one.suggested_filename.endswith(".pb")
    assert two.suggested_filename.endswith("-trackers.json")
    assert Path(one.path()).read_bytes() != Path(two.path()).read_bytes()
    expect(page.locator("section[aria-labelledby=uitleg]")).to_contain_text("Nodig was meer dan de helft")


def test_on_a_phone_the_outcome_column_shows_without_scrolling_the_table(phone: Page, demo_server: DemoServer):
    """Whether an option was chosen is the answer a resident looks for: at 360 px it sits in
    view next to the option's name, not cut off at the table's right edge."""
    outcome_headers = {"Gekozen", "Uitgevoerd", "Aangenomen"}
    for title in RESULTS:
        open_result(phone, demo_server, title)
        region = phone.locator(".ss-table-scroll")
        visible = region.evaluate(
            """region => {
                const edge = region.getBoundingClientRect().right;
                const header = [...region.querySelectorAll('thead th')].find(
                    cell => cell.textContent.trim() === region.querySelector('table').dataset.chartChosen);
                const column = header.cellIndex;
                const cells = [header, ...[...region.querySelectorAll('tbody tr')].map(row => row.cells[column])];
                return {header: header.textContent.trim(),
                        cut: cells.filter(cell => cell.getBoundingClientRect().right > edge + 0.5).length};
            }"""
        )
        assert visible["header"] in outcome_headers, title
        assert visible["cut"] == 0, f"{title}: {visible}"


def test_a_numbered_line_of_the_explanation_has_no_bullet_before_its_number(
    phone: Page, demo_server: DemoServer
):
    """'1. Een natuurspeeltuin: …' under a bullet read as two markers on one line."""
    open_result(phone, demo_server, "Geef de plannen voor het Arenapark een cijfer")
    explanation = phone.get_by_role("region", name="Uitleg van de telling")
    numbered = explanation.locator("li").filter(has_text=re.compile(r"^\s*1\. "))
    expect(numbered.first).to_be_visible()
    markers = numbered.evaluate_all("items => items.map(i => getComputedStyle(i).listStyleType)")
    assert set(markers) == {"none"}, markers
