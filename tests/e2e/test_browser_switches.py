"""The browser the tests drive keeps every feature switch Playwright sets, with ours added."""

from playwright.sync_api import Browser

from tests.e2e.conftest import SPARE_RENDERER


def test_our_feature_switch_keeps_playwrights_and_adds_ours(browser: Browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto("chrome://version")
    command_line = page.locator("#command_line").inner_text()
    context.close()
    switches = [
        word.split("=", 1)[1].split(",")
        for word in command_line.split()
        if word.startswith("--disable-features=")
    ]
    assert len(switches) == 2, "Playwright's switch, then ours"
    playwrights, ours = switches
    assert set(playwrights) <= set(ours), set(playwrights) - set(ours)
    assert set(SPARE_RENDERER) <= set(ours)
