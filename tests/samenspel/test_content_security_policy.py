"""Every page people use carries a strict Content-Security-Policy, and the API has a root.

The pages are found as people find them: for each demo role, from the addresses people are
given (the home page, a summit's screens, the nota and poll lists, the hall screen, the API),
by following the site's own links and redirects (bounded). Every answer must carry the same
strict policy, and an HTML page's import map the nonce that policy names. The same walk checks
that no page shows template source (one walk: seeding and walking the demo is the slow part).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from deliberation.drafts.models import Version
from deliberation.models import Participant, Summit
from samenspel.models import Role, User
from tests.demo_seed import seed_demo
from tests.samenspel.test_template_source import template_source

pytestmark = pytest.mark.django_db

MAX_PAGES_PER_PERSON = 80
# The way out, files, and the admin's pages per row (its lists and forms are followed).
SKIP = re.compile(r"^/(uitloggen|i18n|static)/|^/beheer/.+/\d+/|_popup=|/(bestand|trackers)/$")
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
STRICT = {
    "default-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}
# Page views that people open (tests/e2e and the demo's own links): the crawl must reach each.
PAGES_PEOPLE_USE = {
    "home", "login", "code_login", "staff_login", "magic_link_request", "accessibility",
    "api-docs", "api-root", "api-polls", "admin:index", "admin:samenspel_user_changelist",
    "summit_screen", "summit_control", "summit_desk", "summit_table", "summit_themes",
    "summit_hall", "drafts:list", "drafts:detail", "drafts:editor", "drafts:versions",
    "drafts:version", "poll_list", "poll_ballot", "poll_results",
}  # fmt: skip


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.import_map_nonces: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"] or "")
        if tag == "script" and values.get("type") == "importmap":
            self.import_map_nonces.append(values.get("nonce"))


def parse_policy(header: str) -> dict[str, set[str]]:
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


def assert_strict(path: str, response) -> None:
    header = response.get("Content-Security-Policy")
    assert header, f"{path} ({response.status_code}) has no Content-Security-Policy"
    policy = parse_policy(header)
    scripts = policy.pop("script-src")
    nonces = {source for source in scripts if source.startswith("'nonce-")}
    assert scripts - nonces == {"'self'"} and len(nonces) <= 1, f"{path}: {header}"
    # The editor page's own additions: its <style> element by the same nonce, and cursor
    # colours by hash; never 'unsafe-inline'.
    elements = policy.pop("style-src-elem", {"'self'", *nonces})
    assert elements == {"'self'", *nonces}, f"{path}: {header}"
    attributes = policy.pop("style-src-attr", {"'unsafe-hashes'"})
    hashes = {source for source in attributes if source.startswith("'sha256-")}
    assert attributes - hashes == {"'unsafe-hashes'"}, f"{path}: {header}"
    assert policy == STRICT, f"{path}: {header}"
    if response["Content-Type"].startswith("text/html"):
        parser = Links()
        parser.feed(response.content.decode())
        for nonce in parser.import_map_nonces:
            assert f"'nonce-{nonce}'" in nonces, f"{path}: the import map's nonce is not allowed"


def crawl(client: Client, start: list[str]) -> Iterator[tuple[str, object]]:
    """Follow the site's own links from ``start``, breadth first, at most MAX_PAGES_PER_PERSON."""
    seen = set(start)
    queue = deque(start)
    visited = 0
    while queue and visited < MAX_PAGES_PER_PERSON:
        path = queue.popleft()
        response = client.get(path)
        visited += 1
        yield path, response
        hrefs = [response["Location"]] if response.status_code == 302 else []
        if response.get("Content-Type", "").startswith("text/html"):
            parser = Links()
            parser.feed(response.content.decode())
            hrefs += parser.hrefs
        for href in hrefs:
            url = urlsplit(urldefrag(href).url)
            if url.netloc not in {"", "testserver"} or not url.path.startswith("/"):
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if target not in seen and not SKIP.search(url.path):
                seen.add(target)
                queue.append(target)


@pytest.fixture
def demo(tmp_path) -> Summit:
    seed_demo(tmp_path / "logins.txt", tmp_path / "codes.csv")
    return Summit.objects.get(slug="burgertop-diemen-2026")


def people(summit: Summit) -> list[str | None]:
    staff = ["beheer", "gespreksleider", "themateam", "ambtenaar", "raadslid"]
    host = User.objects.filter(role_grants__role=Role.TABLE_HOST).first()
    participant = (
        Participant.objects.filter(summit=summit)
        .exclude(user__role_grants__role=Role.TABLE_HOST)
        .order_by("checked_in_at")
        .last()
    )
    assert host and participant
    return [None, *staff, host.username, participant.user.username]


def given_addresses(demo: Summit) -> list[str]:
    """The addresses people are given, where the crawl of each person starts."""
    summit = f"/burgertop/{demo.slug}/"
    return [
        "/",
        *(summit + screen for screen in ["", "regie/", "balie/", "tafel/", "themateam/"]),
        f"{summit}zaal/{demo.hall_token}/",
        "/nota/",
        "/stemmen/",
        "/inloggen/",
        "/inloggen/code/",
        "/inloggen/link/",
        "/api/docs/",
        "/api/docs/?script=",
        "/api/v1/",
        "/bestaat-niet/",
        # Far from the home page once the demo has two summits to follow links through.
        "/beheer/samenspel/user/",
        # Behind a nota's list of versions, further than the crawl gets with the council's
        # and the report's pages to follow as well.
        *(
            reverse("drafts:version", args=[version.draft.slug, version.number])
            for version in Version.objects.select_related("draft").order_by("pk")[:1]
        ),
    ]


def test_every_page_people_use_sends_a_strict_policy_and_shows_no_template_source(demo: Summit):
    """One walk over the demo, two checks per page: its policy, and (for HTML) that nothing of
    the template language shows (tests/samenspel/test_template_source.py)."""
    reached: set[str] = set()
    pages = html_pages = 0
    shown: list[str] = []
    for username in people(demo):
        client = Client(HTTP_ACCEPT=BROWSER_ACCEPT)
        if username:
            client.force_login(User.objects.get(username=username))
        for path, response in crawl(client, given_addresses(demo)):
            assert response.status_code in {200, 302, 403, 404}, f"{path} as {username}"
            assert_strict(f"{path} as {username}", response)
            pages += 1
            if response.get("Content-Type", "").startswith("text/html"):
                html_pages += 1
                for context in template_source(response.content.decode()):
                    shown.append(f"{path} as {username or 'visitor'}: ...{context}...")
            try:
                match = resolve(urlsplit(path).path)
            except Resolver404:
                continue
            if response.status_code == 200:
                reached.add(match.view_name)
    assert reached >= PAGES_PEOPLE_USE, f"not reached: {PAGES_PEOPLE_USE - reached}"
    assert pages > 200 and html_pages > 100
    assert not shown, "template source on a page:\n" + "\n".join(shown[:20])


def test_each_page_gets_its_own_nonce(client):
    first = parse_policy(client.get("/")["Content-Security-Policy"])["script-src"]
    second = parse_policy(client.get("/")["Content-Security-Policy"])["script-src"]
    assert first != second


def test_api_root_lists_every_endpoint_with_its_address(client, demo: Summit):
    response = client.get("/api/v1/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    body = response.json()
    base = "http://testserver/api/v1/"
    assert body["endpoints"] == {
        "neighbourhoods": base + "neighbourhoods/",
        "me": base + "me/",
        "polls": base + "polls/",
        "poll": base + "polls/{pk}/",
        "poll-result": base + "polls/{pk}/result/",
        "summits": base + "summits/",
        "summit": base + "summits/{slug}/",
        "summit-themes": base + "summits/{slug}/themes/",
        "summit-proposals": base + "summits/{slug}/proposals/",
        "summit-proposal": base + "summits/{slug}/proposals/{number}/",
        "drafts": base + "drafts/",
        "draft": base + "drafts/{slug}/",
        "draft-versions": base + "drafts/{slug}/versions/",
        "draft-version": base + "drafts/{slug}/versions/{number}/",
        "answers": base + "answers/",
        "reports": base + "reports/",
    }
    assert body["schema"] == "http://testserver/api/schema/"
    assert body["docs"] == "http://testserver/api/docs/"
    polls = client.get(body["endpoints"]["polls"]).json()["results"]
    assert polls, "the demo's polls are listed"
    detail = client.get(body["endpoints"]["poll"].format(pk=polls[0]["id"]))
    assert detail.json()["title"] == polls[0]["title"]


def test_api_docs_load_their_viewer_from_our_own_static_files(client):
    page = client.get("/api/docs/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any("swagger-ui-bundle.js" in source for source in sources)
    assert all(source.startswith("/") and not source.startswith("//") for source in sources)
    script = client.get("/api/docs/?script=").content.decode()
    assert '"validatorUrl": null' in script, "no badge loaded from the validator's host"
    assert "/api/schema/" in script
