"""A council member's home page says what they can read and where, the reading room first;
it never asks them to log in."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from deliberation.drafts.models import Draft
from deliberation.models import Summit
from samenspel.models import User
from tests.samenspel.test_content_security_policy import demo  # noqa: F401 - a fixture
from voting.models import Poll

pytestmark = pytest.mark.django_db

BLOCK = "Voor raadsleden: wat u kunt lezen"


def home_as(username: str, language: str = "nl") -> str:
    client = Client()
    client.force_login(User.objects.get(username=username))
    if language != "nl":
        client.post("/i18n/setlang/", {"language": language, "next": "/"})
    return unescape(client.get("/").content.decode())


def test_a_council_member_is_told_what_they_can_read_and_where(demo: Summit):  # noqa: F811
    page = home_as("raadslid")
    assert BLOCK in page
    assert "Log in om" not in page
    headings = re.findall(r"<h2[^>]*>([^<]*)</h2>", page)
    assert headings[0] == BLOCK, "the council's block comes first"
    block = page.split(BLOCK, 1)[1].split("</section>", 1)[0]
    closed = Poll.objects.filter(status=Poll.Status.CLOSED)
    assert closed.exists(), "the demo has results to read"
    for poll in closed:
        assert f'href="/stemmen/{poll.pk}/uitslag/"' in block
    for draft in Draft.objects.all():
        assert f'href="/nota/{draft.slug}/"' in block
    assert demo.title in block
    assert 'href="/raad/"' in block, "the reading room is linked"
    assert f'href="/raad/burgertop/{demo.slug}/"' in block
    client = Client()
    client.force_login(User.objects.get(username="raadslid"))
    for href in re.findall(r'href="([^"]+)"', block):
        assert client.get(href).status_code == 200, f"{href} can be read"


def test_the_council_block_reads_in_english(demo: Summit):  # noqa: F811
    page = home_as("raadslid", "en")
    assert "For council members: what you can read" in page
    assert "In the council's reading room you read the residents' proposals" in page
    assert "Log in to" not in page


def test_residents_and_visitors_do_not_get_the_council_block(demo: Summit):  # noqa: F811
    assert BLOCK not in home_as("ambtenaar")
    assert BLOCK not in Client().get("/").content.decode()


def test_a_council_member_reads_each_thing_once_and_no_resident_message(demo: Summit):  # noqa: F811
    """The council's block lists every result, nota and summit: the residents' sections
    beside it only repeated them, and told the member 'U doet nu niet mee aan een burgertop'."""
    page = home_as("raadslid")
    assert "U doet nu niet mee aan een burgertop" not in page
    for href in set(re.findall(r'href="(/(?:stemmen|nota)/[^"]+)"', page)):
        assert page.count(f'href="{href}"') == 1, f"{href} is listed more than once"


def test_a_council_member_who_is_also_a_resident_keeps_the_residents_sections(
    demo: Summit,  # noqa: F811
):
    from samenspel import services
    from samenspel.models import Role

    services.role_grant(user=User.objects.get(username="raadslid"), role=Role.RESIDENT)
    page = home_as("raadslid")
    assert BLOCK in page and "Schrijf mee aan een nota" in page
