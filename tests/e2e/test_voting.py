"""Ballots of every method in a real browser: axe-clean, usable on a phone, ranking by
keyboard, money left on a budget, live turnout, and the reveal at closing."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from PIL import Image
from playwright.sync_api import Locator, Page, WebSocketRoute, expect

from tests.e2e.conftest import (
    DemoServer,
    assert_accessible,
    assert_fits_phone,
    login_code,
    login_staff,
    new_page,
)

TRACKER = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")


def open_poll(page: Page, server: DemoServer, title: str) -> None:
    page.goto(server.url + "/stemmen/")
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    # The heading is there before the page's scripts run (the close button's question is
    # one): on a busy machine a key pressed now went to the bare form and closed the poll.
    page.wait_for_load_state("load")


def close_as_facilitator(page: Page, server: DemoServer, title: str) -> None:
    """The facilitator closes the poll from a browser of their own and sees the result."""
    staff = new_page(page.context.browser)  # type: ignore[arg-type]
    try:
        login_staff(staff, server, "gespreksleider")
        open_poll(staff, server, title)
        staff.get_by_role("button", name="Stemming sluiten en tellen").click()
        staff.get_by_role("dialog").get_by_role("button", name="Ja, sluiten en tellen").click()
        expect(staff.get_by_role("heading", level=1)).to_contain_text("Uitslag")
    finally:
        staff.context.close()


def submit_and_see_tracker(page: Page) -> None:
    page.get_by_role("button", name="Stem uitbrengen").click()
    expect(page.locator(".ss-messages")).to_contain_text("Uw stem is opgeslagen")
    expect(page.locator(".ss-tracker")).to_have_text(TRACKER)
    assert_accessible(page)


def luminance(rgb: tuple[int, ...]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in rgb[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: tuple[int, ...], second: tuple[int, ...]) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def centre_colour(radio: Locator) -> tuple[int, ...]:
    image = Image.open(io.BytesIO(radio.screenshot())).convert("RGB")
    return image.getpixel((image.width // 2, image.height // 2))  # type: ignore[return-value]


def css_colour(value: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", value)[:3])


def assert_choice_is_visible(page: Page, group: Locator, answer: str) -> None:
    """The chosen radio button shows a dot (3:1 against the page) that the others lack, and
    keyboard focus on it draws a ring of 3:1 or more (WCAG 2.2: 1.4.11, 2.4.7)."""
    background = (255, 255, 255)
    chosen = group.get_by_label(answer)
    others = group.locator("input[type=radio]:not(:checked)")
    expect(chosen).to_be_checked()
    assert contrast(centre_colour(chosen), background) >= 3
    assert centre_colour(others.first) == background
    chosen.focus()
    page.keyboard.press("ArrowUp")  # keyboard focus (:focus-visible), and the choice moves
    focused = group.locator("input[type=radio]:checked")
    expect(focused).to_be_focused()
    ring = focused.evaluate(
        "e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }"
    )
    assert ring[0] == "solid" and float(ring[1].removesuffix("px")) >= 2
    assert contrast(css_colour(ring[2]), background) >= 3
    page.keyboard.press("ArrowDown")
    expect(chosen).to_be_checked()


def test_yes_no_approval_and_dot_ballots_on_a_phone(phone: Page, demo_server: DemoServer):
    login_code(phone, demo_server, demo_server.next_voter()["code"])

    open_poll(phone, demo_server, "Besluitpunten van de burgertop")
    assert_accessible(phone)
    assert_fits_phone(phone)
    for point, answer in [
        ("Elke wijk krijgt een eigen buurtbudget", "Voor"),
        ("Het Diemerplein wordt autovrij op zondag", "Tegen"),
        ("De gemeente houdt elk jaar een burgertop", "Onthouding"),
    ]:
        phone.get_by_role("group", name=point).get_by_label(answer).check()
    assert_choice_is_visible(
        phone, phone.get_by_role("group", name="Het Diemerplein wordt autovrij op zondag"), "Tegen"
    )
    submit_and_see_tracker(phone)

    open_poll(phone, demo_server, "Welke drie thema's bespreken we na de lunch?")
    for theme in ["Groen en klimaat", "Wonen", "Jeugd", "Ouderen"]:
        phone.get_by_label(theme).check()
    phone.get_by_role("button", name="Stem uitbrengen").click()
    expect(phone.get_by_role("alert")).to_contain_text("Kies hoogstens 3")
    assert_accessible(phone)
    phone.get_by_label("Ouderen").uncheck()
    submit_and_see_tracker(phone)

    open_poll(phone, demo_server, "Verdeel 10 punten over de prioriteiten van de burgertop")
    phone.get_by_label("Groen").fill("6")
    phone.get_by_label("Jeugd").fill("4")
    submit_and_see_tracker(phone)
    assert_fits_phone(phone)


@pytest.mark.parametrize(
    ("title", "first"),
    [
        ("Welk idee voor het Diemerplein krijgt voorrang?", "Een podium"),
        ("Welke drie ideeën gaan naar de gemeenteraad?", "Een jongerenraad"),
        (
            "Jeugdnota: welke amendementen nemen we over?",
            "Gratis sportkennismaking voor 12-jarigen",
        ),
        ("Sportnota: wat is het belangrijkst?", "Kunstgras"),
    ],
)
def test_ranking_by_keyboard_only(page: Page, demo_server: DemoServer, title: str, first: str):
    login_code(page, demo_server, demo_server.next_voter()["code"])
    open_poll(page, demo_server, title)
    assert_accessible(page)
    # Add every option to the ranking by keyboard, then move one of them to the top.
    adds = page.locator("[data-unranked] button[value^='add:']")
    count = adds.count()
    for _ in range(count):
        page.get_by_role("button", name=re.compile("^Toevoegen\\W")).first.focus()
        page.keyboard.press("Enter")
    ranked = page.locator("[data-ranked] .ss-ranking__item")
    expect(ranked).to_have_count(count)
    up = page.get_by_role("button", name=re.compile(f"^Omhoog\\W+{re.escape(first)}$"))
    for _ in range(count):
        up.focus()
        page.keyboard.press("Enter")
    expect(ranked.first).to_contain_text(first)
    expect(up).to_be_focused()
    submit_and_see_tracker(page)


def test_score_majority_judgment_and_budget_ballots(page: Page, demo_server: DemoServer):
    login_code(page, demo_server, demo_server.next_voter()["code"])
    open_poll(page, demo_server, "Omgevingsvisie: hoe beoordeelt u deze keuzes?")
    for choice, grade in [
        ("Bouwen rond het station", "Voldoende"),
        ("Groene wiggen behouden", "Uitstekend"),
        ("Minder autoverkeer in het centrum", "Goed"),
    ]:
        page.get_by_role("group", name=choice).get_by_label(grade).check()
    submit_and_see_tracker(page)

    open_poll(page, demo_server, "Bewoners Initiatief Gelden 2026")
    left = page.locator("[data-money-left]")
    expect(left).to_have_text("150.000")
    page.get_by_label(re.compile("Pannakooi Diemen-Noord")).check()
    expect(left).to_have_text("112.000")
    page.get_by_label(re.compile("Verlichting fietspad Diemerpark")).check()
    page.get_by_label(re.compile("Speeltoestel voor kinderen")).check()
    page.get_by_label(re.compile("Buitenfitness bij het Diemerbos")).check()
    page.get_by_label(re.compile("Kunstwerk in de onderdoorgang")).check()
    expect(left).to_have_text("-7.000")
    page.get_by_role("button", name="Stem uitbrengen").click()
    expect(page.get_by_role("alert")).to_contain_text("meer dan het budget")
    assert_accessible(page)
    page.get_by_label(re.compile("Kunstwerk in de onderdoorgang")).uncheck()
    submit_and_see_tracker(page)


def test_results_pages_show_a_chart_and_a_table(page: Page, demo_server: DemoServer):
    page.goto(demo_server.url + "/stemmen/")
    for title in [
        "Geef de plannen voor het Arenapark een cijfer",
        "Bewoners Initiatief Gelden 2025",
        "Welke naam krijgt het nieuwe park in Holland Park?",
        "Burgertop 2025: kiezen we een vervolg?",
    ]:
        page.goto(demo_server.url + "/stemmen/")
        page.get_by_role("link", name=title, exact=True).click()
        expect(page.get_by_role("table")).to_be_visible()
        # Chart.js draws the chart from the table; the table stays as the accessible view.
        expect(page.locator(".ss-chart canvas")).to_be_visible()
        expect(page.get_by_role("link", name=re.compile(r"samenspel-poll-\d+\."))).to_be_visible()
        assert_accessible(page)


def test_turnout_is_live_and_the_result_is_revealed_at_closing(page: Page, demo_server: DemoServer):
    title = "Cultuurnota: welk plan voor Theater De Omval?"
    login_code(page, demo_server, demo_server.next_voter()["code"])
    open_poll(page, demo_server, title)
    turnout = page.locator("[data-turnout]").first
    before = turnout.text_content() or ""
    voted = int(before.split()[0])

    other = new_page(page.context.browser)  # type: ignore[arg-type]
    try:
        login_code(other, demo_server, demo_server.next_voter()["code"])
        open_poll(other, demo_server, title)
        other.get_by_role("button", name="Stem uitbrengen").click()
        expect(other.get_by_role("alert")).to_contain_text("ten minste 1")
        other.get_by_role("button", name=re.compile(r"^Toevoegen\W+Lagere ticketprijzen$")).click()
        submit_and_see_tracker(other)
    finally:
        other.context.close()
    expect(turnout).to_contain_text(f"{voted + 1} van")

    close_as_facilitator(page, demo_server, title)
    page.wait_for_url(re.compile(r"/uitslag/$"))
    expect(page.get_by_role("table")).to_contain_text("Lagere ticketprijzen")
    assert_accessible(page)


def wait_until(page: Page, condition: Callable[[], bool], seconds: float = 10) -> None:
    """Let the page run until the condition holds (checked every 50 ms), or fail."""
    for _ in range(int(seconds * 20)):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError("the condition did not hold in time")


def new_open_poll(server: DemoServer, title: str, username: str) -> None:
    """A fresh yes/no poll, open, with this one resident among the eligible."""
    manager = "User.objects.get(username='gespreksleider')"
    server.manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from voting import services; from samenspel.models import User; "
        f"poll = services.poll_create(title={title!r}, method='yes_no', "
        "options=[services.OptionSpec(title='Een tweede zwembad')], "
        f"eligible=[User.objects.get(username={username!r})], by={manager}); "
        f"services.poll_open(poll=poll, by={manager})",
    )


def test_a_ballot_that_lost_its_connection_while_the_poll_closed_goes_to_the_result(
    phone: Page, demo_server: DemoServer
):
    title = "Zwembad: een tweede bad in Diemen-Zuid?"
    resident = demo_server.next_voter()
    new_open_poll(demo_server, title, resident["username"])
    login_code(phone, demo_server, resident["code"])
    # The live channel runs through a switch we control: on, off (a network drop), on again.
    # While off, a new connection reaches nothing: it opens and stays silent.
    live = {"on": True}
    sockets: list[WebSocketRoute] = []

    def handle(route: WebSocketRoute) -> None:
        sockets.append(route)
        if live["on"]:
            route.connect_to_server()

    phone.route_web_socket(re.compile(r"/ws/polls/\d+/$"), handle)
    open_poll(phone, demo_server, title)
    expect(phone.locator("[data-turnout]").first).to_contain_text("0 van 1")
    wait_until(phone, lambda: len(sockets) == 1)

    # The connection drops, and while it is down the poll is closed.
    live["on"] = False
    sockets[0].close()
    wait_until(phone, lambda: len(sockets) == 2)
    close_as_facilitator(phone, demo_server, title)
    expect(phone).to_have_url(re.compile(r"/stemmen/\d+/$"))

    # Back online: the page reconnects, hears the poll is closed, and shows the result.
    live["on"] = True
    sockets[1].close()
    phone.wait_for_url(re.compile(r"/uitslag/$"), timeout=15_000)
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Uitslag")
    expect(phone.get_by_role("table")).to_contain_text("Een tweede zwembad")
    assert_accessible(phone)
    assert_fits_phone(phone)


def test_table_host_enters_a_paper_ballot_once(phone: Page, demo_server: DemoServer):
    title = "Welke drie thema's bespreken we na de lunch?"
    login_code(phone, demo_server, demo_server.next_hall_host()["code"])
    phone.goto(demo_server.url + "/stemmen/?bij=summit:burgertop-diemen-2026")
    assert_accessible(phone)
    assert_fits_phone(phone)
    phone.get_by_role("link", name=title, exact=True).click()
    phone.get_by_role("link", name="Papieren stemmen invoeren").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Papieren stem invoeren")
    assert_accessible(phone)
    assert_fits_phone(phone)
    people = phone.get_by_role("group", name="Deelnemer")
    people.get_by_role("radio").first.check()
    voter = (people.locator("label").first.text_content() or "").strip()
    demo_server.set_aside(voter.split(" (")[0])
    phone.get_by_label("Groen en klimaat").check()
    phone.get_by_label("Wonen").check()
    phone.get_by_role("button", name="Papieren stem opslaan").click()
    expect(phone.locator(".ss-messages")).to_contain_text("is ingevoerd")
    # Counted once: the participant is no longer on the list of those still to vote.
    phone.goto(phone.url)
    expect(phone.get_by_role("group", name="Deelnemer").get_by_label(voter)).to_have_count(0)
    assert_accessible(phone)
