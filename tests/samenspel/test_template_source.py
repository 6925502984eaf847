"""No page shows template source: every page the demo's people reach is fully rendered.

A ``{# ... #}`` comment that spans two lines is not a comment to Django and is printed as
text; the same goes for any tag or variable the template engine did not take. The pages are
found as in the Content-Security-Policy test: for each demo role, by following the site's
own links from the addresses people are given.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from deliberation.models import Summit
from samenspel.models import User
from tests.samenspel.test_content_security_policy import (  # noqa: F401 - demo is a fixture
    BROWSER_ACCEPT,
    crawl,
    demo,
    people,
)

pytestmark = pytest.mark.django_db

TEMPLATE_SOURCE = re.compile(r"\{#|#\}|\{%|%\}|\{\{|\}\}")
# In a script or an attribute, JSON (the import map, the admin's inline forms) ends in two
# closing braces; an opening tag, comment or variable of the template language is still wrong.
TEMPLATE_SOURCE_IN_CODE = re.compile(r"\{#|#\}|\{%|%\}|\{\{")


class TemplateSource(HTMLParser):
    """Collects template source from a page: in its text, its scripts and its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.in_code = False

    def check(self, pattern: re.Pattern[str], text: str) -> None:
        for match in pattern.finditer(text):
            self.found.append(text[max(0, match.start() - 60) : match.end() + 60])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_code = tag in {"script", "style"}
        for _, value in attrs:
            self.check(TEMPLATE_SOURCE_IN_CODE, value or "")

    def handle_endtag(self, tag: str) -> None:
        self.in_code = False

    def handle_data(self, data: str) -> None:
        self.check(TEMPLATE_SOURCE_IN_CODE if self.in_code else TEMPLATE_SOURCE, data)

    def handle_comment(self, data: str) -> None:
        self.check(TEMPLATE_SOURCE, data)


def template_source(html: str) -> list[str]:
    """The bits of template source in ``html``, each with a little context."""
    parser = TemplateSource()
    parser.feed(html)
    parser.close()
    return parser.found


def test_no_page_of_the_demo_shows_template_source(demo: Summit):  # noqa: F811
    summit = f"/burgertop/{demo.slug}/"
    given = [
        "/",
        *(summit + screen for screen in ["", "regie/", "balie/", "tafel/", "themateam/"]),
        f"{summit}zaal/{demo.hall_token}/",
        "/nota/",
        "/stemmen/",
        "/inloggen/",
        "/inloggen/code/",
        "/inloggen/link/",
    ]
    shown: list[str] = []
    pages = 0
    for username in people(demo):
        client = Client(HTTP_ACCEPT=BROWSER_ACCEPT)
        if username:
            client.force_login(User.objects.get(username=username))
        for path, response in crawl(client, given):
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            pages += 1
            for context in template_source(response.content.decode()):
                shown.append(f"{path} as {username or 'visitor'}: ...{context}...")
    assert pages > 100
    assert not shown, "template source on a page:\n" + "\n".join(shown[:20])
