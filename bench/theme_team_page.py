"""What the theme team's page costs in the browser with many ideas: the small Diemen demo
with N ideas (SQLite, one Daphne on loopback), the page opened K times in Chromium as the
theme team; prints the time until every idea is drawn, the page's elements and <option>s,
and the time one more idea takes to reach the page. Run from the checkout to measure:

    .venv/bin/python bench/theme_team_page.py [--ideas 1000] [--loads 5]

Bounded: at most --timeout seconds per page load; the server is stopped on exit.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.multiprocess import free_port, start_daphne, wait_for_port  # noqa: E402

PASSWORD = "samen-diemen-2026"  # noqa: S105 - the demo's published staff password
SEED = """
from django.utils import timezone
from deliberation import services
from deliberation.models import Summit, SummitTable
from samenspel.models import User
summit = Summit.objects.get(slug="burgertop-diemen-2026")
facilitator = User.objects.get(username="gespreksleider")
now = timezone.now()
while summit.current_step is None or summit.current_step.kind != "idea_collection":
    services.summit_step_advance(summit=summit, by=facilitator, now=now)
    summit.refresh_from_db()
hosts = [t.host for t in SummitTable.objects.filter(summit=summit, host__isnull=False)
         .select_related("host").order_by("number")]
words = ["groen", "fiets", "school", "buurthuis", "bankje", "speeltuin", "markt", "zwembad"]
for i in range({ideas}):
    text = f"Idee {{i}}: meer {{words[i % len(words)]}} in de wijk, voor jong en oud samen"
    services.idea_create(summit=summit, by=hosts[i % len(hosts)], text=text, now=now)
"""


def manage(env: dict[str, str], *args: str, stdin: str | None = None) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        text=True,
        check=True,
        timeout=600,
        stdout=subprocess.DEVNULL,
    )


def measure(url: str, ideas: int, loads: int, timeout: float, host_code: str) -> None:
    from playwright.sync_api import sync_playwright

    ready: list[float] = []
    elements = options = 0
    arrivals: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
        page = context.new_page()
        page.set_default_timeout(timeout * 1000)
        page.goto(url + "/inloggen/medewerker/")
        page.get_by_label("Gebruikersnaam").fill("themateam")
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_url(url + "/")
        drawn = (
            "(count) => document.querySelectorAll('[data-ideas] li').length >= count"
            " && document.querySelector('[id^=hide-]') !== null"
        )
        for _ in range(loads):
            page.goto(url + "/burgertop/burgertop-diemen-2026/themateam/", wait_until="commit")
            # Drawn by the page script from the snapshot (the server's list has no controls).
            page.wait_for_function(drawn, arg=ideas)
            ready.append(page.evaluate("performance.now()"))
            elements = page.evaluate("document.getElementsByTagName('*').length")
            options = page.evaluate("document.getElementsByTagName('option').length")
        # One more idea from a table host's console, seen by the open theme team page.
        host = browser.new_context(locale="nl-NL").new_page()
        host.set_default_timeout(timeout * 1000)
        host.goto(url + "/inloggen/code/")
        host.get_by_label("Uw code").fill(host_code)
        host.get_by_role("button", name="Inloggen met code").click()
        host.wait_for_url(url + "/")
        host.goto(url + "/burgertop/burgertop-diemen-2026/tafel/")
        for index in range(5):
            text = f"Nog een idee {index} uit de zaal"
            host.get_by_label("Nieuw idee").fill(text)
            sent = time.monotonic()
            host.get_by_role("button", name="Idee toevoegen").click()
            page.wait_for_function(
                "(text) => [...document.querySelectorAll('[data-idea-text]')]"
                ".some((node) => node.textContent === text)",
                arg=text,
            )
            arrivals.append(time.monotonic() - sent)
        browser.close()
    print(f"ideas on the page: {ideas}; page loads: {loads}")
    print(
        f"time until every idea is drawn: median {statistics.median(ready):.0f} ms, "
        f"max {max(ready):.0f} ms"
    )
    print(f"elements on the page: {elements}; <option> elements: {options}")
    print(
        "one more idea, from the host's click to the theme team's page: "
        + ", ".join(f"{seconds * 1000:.0f} ms" for seconds in arrivals)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ideas", type=int, default=1000)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=180.0)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="theme-team-page-") as work:
        env = dict(
            os.environ,
            DEBUG="1",
            DATABASE_URL=f"sqlite:///{Path(work) / 'bench.sqlite3'}",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            DJANGO_SETTINGS_MODULE="samenspel.settings",
        )
        env.pop("REDIS_URL", None)
        manage(env, "migrate", "-v0")
        manage(
            env,
            "seed_demo",
            "--small",
            "--logins-file",
            str(Path(work) / "logins.txt"),
            "--codes-file",
            str(Path(work) / "codes.csv"),
        )
        manage(env, "shell", stdin=SEED.format(ideas=options.ideas))
        port = free_port()
        process = start_daphne(port, env, Path(work) / "daphne.log")
        try:
            wait_for_port(process, port, 60)
            with (Path(work) / "codes.csv").open(encoding="utf-8") as handle:
                code = next(r["code"] for r in csv.DictReader(handle) if r["role"] == "table_host")
            measure(f"http://127.0.0.1:{port}", options.ideas, options.loads, options.timeout, code)
        finally:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
