"""A summit's outcome page in a real browser, on the demo's finished summit: anyone reads
it and each proposal's page on a phone and on a wide screen; the facilitator takes it
offline and publishes it again with the keyboard only."""

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import (
    DemoServer,
    assert_accessible,
    assert_fits_phone,
    login_staff,
    new_page,
)

SLUG = "burgertop-diemen-voorjaar"
OUTCOME = f"/burgertop/{SLUG}/uitkomst/"
WORKSPACE = f"/werkruimte/burgertop/{SLUG}/"


def _press_with_keyboard(page: Page, name: str, limit: int = 60) -> None:
    """Tab from the top of the page to the button called ``name``, then press Enter."""
    page.locator("body").focus()
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "document.activeElement.tagName === 'BUTTON' ? document.activeElement.innerText : ''"
        )
        if focused.strip() == name:
            page.keyboard.press("Enter")
            return
    raise AssertionError(f"{name!r} not reached with Tab")


def _check_public_pages(page: Page, server: DemoServer, *, phone: bool) -> None:
    page.goto(server.url + OUTCOME)
    expect(page.get_by_role("heading", level=1)).to_have_text("Wat de burgertop voorstelt")
    cards = page.locator("article[data-proposal]")
    expect(cards).to_have_count(3)
    expect(cards.first.locator("[data-result]")).to_contain_text("Gekozen")
    expect(page.locator("[data-turnout]")).to_contain_text("deelnemers stemden")
    expect(page.get_by_text("Nog niet gepubliceerd")).to_have_count(0)
    assert_accessible(page)
    if phone:
        assert_fits_phone(page)
    page.get_by_role("link", name="Voorstel 2 op een eigen pagina").click()
    expect(page).to_have_url(server.url + f"/burgertop/{SLUG}/voorstellen/2/")
    expect(page.get_by_role("heading", name="Uitslag van de stemming")).to_be_visible()
    expect(page.locator("[data-result]")).to_contain_text("Goedkeuringen")
    assert_accessible(page)
    if phone:
        assert_fits_phone(page)


def test_anyone_reads_the_outcome_and_each_proposal_on_a_phone_and_a_wide_screen(
    browser: Browser, demo_server: DemoServer
):
    for width in (360, 1280):
        page = new_page(browser, width=width)  # not logged in
        _check_public_pages(page, demo_server, phone=width == 360)
        page.context.close()


def test_the_facilitator_withdraws_and_publishes_the_outcome_by_keyboard(
    browser: Browser, demo_server: DemoServer
):
    staff = new_page(browser, width=1280)
    login_staff(staff, demo_server, "gespreksleider")
    staff.goto(demo_server.url + WORKSPACE)
    assert_accessible(staff)
    _press_with_keyboard(staff, "Uitkomst niet meer openbaar maken")
    expect(staff.get_by_text("De uitkomst is niet meer openbaar.")).to_be_visible()
    visitor = new_page(browser, width=360)
    response = visitor.goto(demo_server.url + OUTCOME)
    assert response is not None and response.status == 404
    # The facilitator still sees it, marked as not yet published.
    staff.goto(demo_server.url + OUTCOME)
    expect(staff.get_by_text("Nog niet gepubliceerd.")).to_be_visible()
    assert_accessible(staff)

    staff.goto(demo_server.url + WORKSPACE)
    _press_with_keyboard(staff, "Uitkomst publiceren")
    expect(staff.get_by_text("De uitkomst is gepubliceerd.")).to_be_visible()
    assert_accessible(staff)
    response = visitor.goto(demo_server.url + OUTCOME)
    assert response is not None and response.status == 200
    expect(visitor.locator("article[data-proposal]")).to_have_count(3)
    staff.context.close()
    visitor.context.close()
