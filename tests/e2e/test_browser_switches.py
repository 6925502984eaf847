"""The browser the tests drive keeps every feature switch Playwright sets, with ours added."""

import os
from pathlib import Path

from playwright.sync_api import Browser

from tests.e2e.conftest import SPARE_RENDERER


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def test_our_feature_switch_keeps_playwrights_and_adds_ours(browser: Browser):
    # This process starts Playwright's driver, which starts the browser.
    browsers = [
        (Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0"))
        for driver in _children(os.getpid())
        for pid in _children(driver)
    ]
    arguments = next(args for args in browsers if b"--remote-debugging-pipe" in args)
    switches = [
        a.decode().split("=", 1)[1].split(",")
        for a in arguments
        if a.startswith(b"--disable-features=")
    ]
    assert len(switches) == 2, "Playwright's switch, then ours"
    playwrights, ours = switches
    assert set(playwrights) <= set(ours), set(playwrights) - set(ours)
    assert set(SPARE_RENDERER) <= set(ours)
