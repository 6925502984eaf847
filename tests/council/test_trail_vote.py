"""The council's pages with the vote and with polls: a proposal's trail shows its result in
the summit's vote in the reading room's words once the facilitator showed it, and not
before; the reading room lists every closed poll of the workspace with a report (title,
closing date, a link to the report), nothing unpublished, at a flat query count."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone

from council import services
from tests.council.factories import griffie_user
from tests.council.test_poll_report import closed_poll, open_poll
from tests.council.test_reading_room import member, page, words
from tests.deliberation.test_outcome import run, voted
from voting.models import Poll

pytestmark = pytest.mark.django_db


def trail(client: Client, slug: str, number: int) -> str:
    response = client.get(f"/raad/burgertop/{slug}/voorstellen/{number}/")
    assert response.status_code == 200
    return words(unescape(response.content.decode()))


def test_the_trail_shows_the_vote_result_only_once_the_vote_was_shown():
    setup = voted(reveal=False)
    client = member()
    before = trail(client, setup.summit.slug, 1)
    assert "Goedkeuringen" not in before and "Gekozen" not in before
    run(setup, setup.facilitator, "vote.reveal")
    first = trail(client, setup.summit.slug, 1)
    assert "Uitslag van de stemming: Gekozen Goedkeuringen: 3, plaats 1 van 2" in first
    second = trail(client, setup.summit.slug, 2)
    assert "Uitslag van de stemming: Niet gekozen Goedkeuringen: 2, plaats 2 van 2" in second
    room = words(page(client))  # the reading room says the same
    assert "Gekozen Goedkeuringen: 3, plaats 1 van 2" in room


def poll_links(html: str) -> list[str]:
    return re.findall(r'href="/raad/peiling/(\d+)/verslag/"', html)


def test_the_reading_room_lists_a_closed_polls_report_once_made():
    poll, _manager, _people = closed_poll()
    open_one, _manager, _people = open_poll()
    Poll.objects.filter(pk=open_one.pk).update(title="Een peiling die nog loopt")
    client = member()
    assert poll_links(page(client)) == [], "no report made yet: nothing to read"
    services.poll_report_publish(poll=poll, by=griffie_user(), now=timezone.now())
    html = page(client)
    assert poll_links(html) == [str(poll.pk)]
    listed = words(html)
    closed = timezone.localdate(poll.closed_at)
    assert "Peilingen en hun participatieverslag" in listed
    assert f"{poll.title} (gesloten op {closed.day}" in listed
    assert "Een peiling die nog loopt" not in listed
    assert client.get(f"/raad/peiling/{poll.pk}/verslag/").status_code == 200
    filtered = page(client, q="bomen")
    assert poll_links(filtered) == [], "no word of the poll is 'bomen'"


def test_the_room_with_poll_reports_keeps_its_query_count(django_assert_max_num_queries):
    first, _manager, _people = closed_poll(voters=6, paper=0)
    services.poll_report_publish(poll=first, by=griffie_user(), now=timezone.now())
    client = member()
    with django_assert_max_num_queries(40) as counted:
        assert len(poll_links(page(client))) == 1
    few = len(counted.captured_queries)
    for _n in range(3):
        more, _manager, _people = closed_poll(voters=6, paper=0)
        services.poll_report_publish(poll=more, by=griffie_user(), now=timezone.now())
    services.poll_report_publish(poll=first, by=griffie_user(), now=timezone.now())
    with django_assert_max_num_queries(few) as again:
        html = page(client)
    assert len(poll_links(html)) == 4, "each poll once, with its newest report"
    assert len(again.captured_queries) == few
