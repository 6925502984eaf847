"""Browser tests: a real Daphne server with the small Diemen demo, driven by Debian's Chromium.

The server runs in its own process on the stack the suite runs on (SQLite file, or a fresh
PostgreSQL database and the Redis layer), so tests talk to it only through the browser.
Every page runs under the site's Content-Security-Policy: a browser test fails when Chromium
reports a violation of it on any page the test opened.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import urllib.request
import uuid
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    sync_playwright,
)

from tests.multiprocess import start_daphne, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
AXE_SOURCE = AXE_SCRIPT.read_text(encoding="utf-8") if AXE_SCRIPT.exists() else ""
# Debian's build of Chromium's headless shell: the same engine as its chromium package, without
# the desktop browser around it. The browser tests took 40% less processor time on it
# (docs/performance.md).
CHROMIUM = "/usr/bin/chromium-headless-shell"
DEMO_PASSWORD = "samen-diemen-2026"
VOTERS = 15  # residents kept for the tests that vote in the demo's open polls (12 now)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# The features the pinned Playwright (1.65) switches off when it starts Chromium; a
# --disable-features of our own takes the place of its list, so it repeats it.
PLAYWRIGHT_DISABLED_FEATURES = [
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "msForceBrowserSignIn",
    "msEdgeUpdateLaunchServicesPreferredVersion",
]
SPARE_RENDERER = ["SpareRendererForSitePerProcess"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.path):
            item.add_marker(pytest.mark.e2e)


# Chromium writes a console error for every blocked load, script, style or connection; the
# securitypolicyviolation event adds the violations it reports without logging them.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` (${event.sourceFile}:${event.lineNumber})`);
});
"""
CSP_VIOLATIONS: list[str] = []
_watched_contexts: list[BrowserContext] = []


def _record_csp_violation(message: ConsoleMessage) -> None:
    text = message.text
    if "Content Security Policy" in text or text.startswith("CSP violation:"):
        CSP_VIOLATIONS.append(f"{message.page.url if message.page else '?'}: {text}")


def watch_csp(context: BrowserContext) -> BrowserContext:
    """Record every Content-Security-Policy violation on the context's pages."""
    context.add_init_script(script=CSP_LISTENER)
    context.on("console", _record_csp_violation)
    context.on("close", lambda closed: _watched_contexts.remove(closed))
    _watched_contexts.append(context)
    return context


def flush_console_events() -> None:
    """Let Playwright deliver console messages that are on their way from open pages."""
    for context in list(_watched_contexts):
        for open_page in context.pages:
            # A page closed or navigating away has delivered what it logged.
            with contextlib.suppress(Error):
                open_page.evaluate("0")


@pytest.fixture(autouse=True)
def _close_contexts_left_open() -> Iterator[None]:
    """Close the browsers a test opened and left open (``new_page``), once it is over.

    Left open, their pages stay live until the last browser test: they keep their sockets,
    redraw on every broadcast and poll the server, slowing every later test.
    """
    before = list(_watched_contexts)
    yield
    for context in [c for c in _watched_contexts if not any(c is b for b in before)]:
        with contextlib.suppress(Error):
            context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    CSP_VIOLATIONS.clear()
    server = getattr(item, "funcargs", {}).get("demo_server")
    if isinstance(server, DemoServer):
        server.mark_log()
    result = yield
    flush_console_events()
    violations = sorted(set(CSP_VIOLATIONS))
    CSP_VIOLATIONS.clear()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed browser test's report ends with the demo server's log since the test began:
    what the server did (or refused) is half of what a screen showed."""
    report = yield
    server = getattr(item, "funcargs", {}).get("demo_server")
    if report.failed and isinstance(server, DemoServer):
        report.sections.append(("the demo server's log during this test", server.log_since_mark()))
    return report


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _database_url(work: Path) -> str:
    base = os.environ.get("DATABASE_URL")
    if not base:
        return f"sqlite:///{work / 'e2e.sqlite3'}"
    import psycopg

    name = f"samenspel_e2e_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return base.rsplit("/", 1)[0] + "/" + name


class DemoServer:
    def __init__(self, url: str, env: dict[str, str], work: Path) -> None:
        self.url = url
        self.env = env
        self.work = work
        self.log_mark = 0
        with (work / "codes.csv").open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        residents = [row for row in rows if row["role"] == "resident"]
        # The demo's first quarter of residents voted in every open poll of the demo
        # (voting/demo.py); the next VOTERS are kept for tests that vote in those polls, so
        # that the other browser tests cannot use them up in a run of one process.
        early = max(5, len(residents) // 4)
        self._voted = residents[:early]
        self._voters = residents[early : early + VOTERS]
        self._residents = residents[early + VOTERS :]
        self._hosts = [row for row in rows if row["role"] == "table_host"]
        self._first_host, self._last_host = self._hosts[0], self._hosts[-1]

    def mark_log(self) -> None:
        """Remember where the server's log stands (a test begins)."""
        log = self.work / "daphne.log"
        self.log_mark = log.stat().st_size if log.exists() else 0

    def log_since_mark(self, most: int = 12_000) -> str:
        """The server's log written since :meth:`mark_log`, at most its last ``most`` bytes."""
        with contextlib.suppress(OSError), (self.work / "daphne.log").open("rb") as log:
            log.seek(self.log_mark)
            text = log.read().decode("utf-8", "replace")
            return text[-most:] or "(nothing)"
        return "(no log)"

    def next_resident(self) -> dict[str, str]:
        """A resident whose one-time code has not been used yet; once the others are used,
        one who voted in the demo's open polls."""
        return self._residents.pop() if self._residents else self._voted.pop()

    def next_voter(self) -> dict[str, str]:
        """A resident whose code is unused and who has not voted in any open poll of the
        demo, for a test that votes in one of them."""
        return self._voters.pop()

    def set_aside(self, name: str) -> None:
        """Keep the resident called ``name`` out of the residents handed out: a host entered
        a paper ballot for them, so a test that had them vote on a phone would find the
        demo's polls already answered."""
        self.forget(lambda row: row["name"] == name)

    def forget(self, which: Callable[[dict[str, str]], bool]) -> None:
        """Hand out no resident or host of whom ``which`` holds."""
        for rows in (self._residents, self._voters, self._voted, self._hosts):
            rows[:] = [row for row in rows if not which(row)]

    def next_host(self) -> dict[str, str]:
        return self._hosts.pop() if self._hosts else self.fresh_code(self._last_host)

    def next_hall_host(self) -> dict[str, str]:
        """A table host whose table is in the hall, with people seated at it (the demo's
        last tables are online)."""
        return self._hosts.pop(0) if self._hosts else self.fresh_code(self._first_host)

    def fresh_code(self, row: dict[str, str]) -> dict[str, str]:
        """A new one-time code for the person of ``row``, once the demo's codes are used up."""
        issued = self.manage(
            "shell",
            "-c",
            "from django.utils import timezone; from samenspel import services; "
            "from samenspel.models import User; "
            f"user = User.objects.get(username={row['username']!r}); "
            "print(services.invitation_codes_issue(users=[user], now=timezone.now())[0].code)",
        )
        return {**row, "code": issued.strip().splitlines()[-1]}

    def manage(self, *args: str) -> str:
        """Run a management command against the server's database (outside any browser)."""
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return done.stdout


def _server_env(database_url: str) -> dict[str, str]:
    env = dict(
        os.environ,
        DEBUG="1",
        DATABASE_URL=database_url,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SETTINGS_MODULE="samenspel.settings",
        DRAFT_DISCUSSION_POLL_SECONDS="2",  # a read page hears of news within seconds
    )
    env.pop("TEST_SQLITE_NAME", None)
    return env


def _seed_demo(work: Path) -> str:
    """Migrate a new database and seed the small demo in it; its address."""
    env = _server_env(_database_url(work))
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "seed_demo",
            "--small",
            "--logins-file",
            str(work / "logins.txt"),
            "--codes-file",
            str(work / "codes.csv"),
        ],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
        stdout=subprocess.DEVNULL,
    )
    return env["DATABASE_URL"]


def _seeded_demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The run's seeded demo: its directory and its database's address, seeded by the first
    worker that asks while the others wait."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's directory, shared by its workers
    seeded = base / "e2e-demo"
    with (base / "e2e-demo.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        ready = seeded / "database-url"
        if not ready.exists():
            seeded.mkdir(exist_ok=True)
            ready.write_text(_seed_demo(seeded), encoding="utf-8")
        return seeded, ready.read_text(encoding="utf-8")


@contextlib.contextmanager
def seeding_the_demo_early(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Seed the run's demo in the background while the first tests run, and wait for it at
    the end. Seeding takes 10-40 s of a worker's time; asked for only when the first browser
    test needs its server, it held up that worker, and the other worker waited on it too. A
    failure here is left for that first browser test to meet again, with its own report."""

    tmp_path_factory.getbasetemp()  # made here: making it is not safe from two threads at once

    def seed() -> None:
        with contextlib.suppress(Exception):
            _seeded_demo(tmp_path_factory)

    worker = threading.Thread(target=seed, name="seeding the demo", daemon=True)
    worker.start()
    try:
        yield
    finally:
        worker.join()


def _copy_of_the_demo(tmp_path_factory: pytest.TempPathFactory, work: Path) -> str:
    """A database of this worker's own holding the seeded demo; its address.

    The demo is seeded once per run of the suite on a stack, by the first worker that needs
    it (the others wait for it), and each worker gets a copy: seeding took 30-70 s of two
    cores per worker, a copy takes a second. On SQLite the copy is the file; on PostgreSQL
    a database made with the seeded one as its template.
    """
    seeded, template = _seeded_demo(tmp_path_factory)
    for name in ("logins.txt", "codes.csv"):
        shutil.copyfile(seeded / name, work / name)
    if template.startswith("sqlite:"):
        target = work / "e2e.sqlite3"
        source = Path(template.removeprefix("sqlite:///"))
        shutil.copyfile(source, target)
        if Path(f"{source}-wal").exists():
            shutil.copyfile(f"{source}-wal", f"{target}-wal")
        return f"sqlite:///{target}"
    import psycopg

    server, template_name = template.rsplit("/", 1)
    name = f"samenspel_e2e_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server + "/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')
    return f"{server}/{name}"


@contextlib.contextmanager
def serving_a_copy_of_the_demo(
    tmp_path_factory: pytest.TempPathFactory, name: str = "e2e"
) -> Iterator[DemoServer]:
    """A Daphne server of its own on a copy of the seeded demo, stopped at the end."""
    work = tmp_path_factory.mktemp(name)
    port = free_port()
    env = _server_env(_copy_of_the_demo(tmp_path_factory, work))
    server = DemoServer(f"http://127.0.0.1:{port}", env, work)
    process = start_daphne(port, env, work / "daphne.log")
    try:
        wait_for_port(process, port, 60)
        urllib.request.urlopen(server.url + "/", timeout=60)  # noqa: S310 - loopback, warms up
    except (RuntimeError, OSError):
        raise RuntimeError((work / "daphne.log").read_text()) from None
    try:
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            # A known fault, not the tests': a request still inside Django when the server
            # stops (an async view behind the sync middleware waits on the stopped loop)
            # keeps the process from exiting. Stopped hard, so no server outlives the run.
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with serving_a_copy_of_the_demo(tmp_path_factory) as server:
        yield server


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    # Package scope: Playwright's sync API keeps its event loop registered as running in this
    # thread while it is open, so it must close before the async tests of later packages run.
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                # No spare renderer process started ahead of each new page: the tests open
                # hundreds of pages, and most spares were never used (a third of the renderer
                # processes). The switch replaces Playwright's own list, so that list comes too.
                "--disable-features=" + ",".join(PLAYWRIGHT_DISABLED_FEATURES + SPARE_RENDERER),
            ],
        )
        # Every context any test opens is watched, however it is opened.
        open_context = launched.new_context

        def new_watched_context(**options: object) -> BrowserContext:
            return watch_csp(open_context(**options))  # type: ignore[arg-type]

        launched.new_context = new_watched_context  # type: ignore[method-assign]
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    new_page = context.new_page()
    new_page.set_default_timeout(10_000)
    yield new_page
    context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A 360 px wide phone screen."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="nl-NL", is_mobile=True, has_touch=True
    )
    new_page = context.new_page()
    new_page.set_default_timeout(10_000)
    yield new_page
    context.close()


def new_page(browser: Browser, width: int = 1280) -> Page:
    """Another person's browser, for tests with two or more people at once."""
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nl-NL")
    created = context.new_page()
    created.set_default_timeout(10_000)
    return created


def assert_accessible(page: Page) -> None:
    """axe-core finds no WCAG 2.2 AA violation on the page as it is now."""
    # Evaluated, not added as a <script> element: the policy blocks inline scripts. Media only
    # preloaded: axe would copy a stylesheet with an @import (the admin's) into a <style>
    # element, a violation of the tool's own making; only an experimental rule, not run here,
    # reads those copies.
    # The page as its user sees it: with its stylesheets (a slow machine may still be loading
    # them, and an unstyled skip link or logo is too small a target).
    # Only the violations are gathered (resultTypes): the passes' details, which nothing here
    # reads, took a third of every run. A document already checked keeps its copy of axe.
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " preload: {assets: ['media']}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    violations = [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
    assert violations == [], f"{page.url}: " + json.dumps(violations, indent=1)


def assert_fits_phone(page: Page) -> None:
    """Nothing scrolls sideways at 360 px."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at 360 px wide"


def login_staff(page: Page, server: DemoServer, username: str) -> None:
    page.goto(server.url + "/inloggen/medewerker/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(server.url + "/")


def login_code(page: Page, server: DemoServer, code: str) -> None:
    page.goto(server.url + "/inloggen/code/")
    page.get_by_label("Uw code").fill(code)
    page.get_by_role("button", name="Inloggen met code").click()
    page.wait_for_url(server.url + "/")
