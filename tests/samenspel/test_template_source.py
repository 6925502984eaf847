"""No page shows template source: every page the demo's people reach is fully rendered.

A ``{# ... #}`` comment that spans two lines is not a comment to Django and is printed as
text; the same goes for any tag or variable the template engine did not take. Every page of
the demo is checked in the Content-Security-Policy test's walk (each demo role, following the
site's own links from the addresses people are given), with the check written here.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

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


def test_the_check_finds_template_source_in_text_and_code_and_passes_json():
    """What the demo walk (tests/samenspel/test_content_security_policy.py) relies on."""
    split_comment = "<p>{# een commentaar\nover twee regels #}</p>"
    assert template_source(split_comment), "a comment over two lines is printed as text"
    assert template_source('<a title="{{ naam }}">x</a>'), "a variable in an attribute"
    assert template_source("<script>let x = '{% url %}';</script>")
    assert not template_source('<script type="importmap">{"imports": {"a": {"b": "c"}}}</script>')
    assert not template_source("<p>Gewone tekst met {accolades}</p>")
