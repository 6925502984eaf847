"""The reading room's poll reports and pages: a poll's report follows the dates (the poll's
period) and the search (its title, explanation and options), and a topic or status filter
leaves it out with a sentence that says why; the room shows twenty summits, notas and poll
reports a page, with previous and next links that keep the filters, the page said in
words; a page number that is not one, or past the last, shows the nearest page and says
so; the number of queries stays the same however many pages there are."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import pytest
from django.utils import timezone
from django.utils.translation import trans_real

from council import services
from council.selectors import ROOM_PAGE_SIZE
from deliberation.models import Summit
from samenspel import i18n
from tests.council.factories import council_setup, griffie_user
from tests.council.test_poll_report import closed_poll
from tests.council.test_reading_room import ROOM, add_proposal, member, page, words
from voting.models import Poll

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    i18n.compile_all()
    trans_real._translations = {}
    trans_real._default = None


def poll_links(html: str) -> list[str]:
    return re.findall(r'href="/raad/peiling/(\d+)/verslag/"', html)


def summit_headings(html: str) -> list[str]:
    return re.findall(r'<h3 class="utrecht-heading-3" id="burgertop-\d+">([^<]*)</h3>', html)


def pager(html: str) -> str:
    found = re.search(r"<nav [^>]*data-pager>.*?</nav>", html, re.S)
    assert found, "the page has a pager"
    return found.group(0)


def pager_links(html: str) -> dict[str, str]:
    """The pager's links by their text: 'Vorige pagina', 'Volgende pagina'."""
    return {
        text: unescape(href)
        for href, text in re.findall(
            r'<a [^>]*href="([^"]+)" rel="[a-z]+">([^<]+)</a>', pager(html)
        )
    }


def reported_poll() -> Poll:
    """The park's poll, open from 14 days ago until yesterday, with its report made."""
    poll, _manager, _people = closed_poll(voters=6, paper=0)
    services.poll_report_publish(poll=poll, by=griffie_user(), now=timezone.now())
    return poll


def test_a_polls_report_follows_the_dates_of_its_period_and_the_words_of_the_poll():
    poll = reported_poll()
    client = member()
    today = timezone.localdate()

    def listed(**query: str) -> list[str]:
        return poll_links(page(client, **query))

    assert listed() == [str(poll.pk)]
    assert listed(q="park") == [str(poll.pk)], "a word of the title"
    assert listed(q="adviseert") == [str(poll.pk)], "a word of its explanation"
    assert listed(q="sniep") == [str(poll.pk)], "a word of an option"
    assert listed(q="park bomen") == [], "every word must be found"
    assert listed(q="bomen") == []
    assert listed(since=str(today - timedelta(days=3))) == [str(poll.pk)], "closed 1 day ago"
    assert listed(until=str(today - timedelta(days=10))) == [str(poll.pk)], "open 14 days ago"
    assert listed(since=str(today)) == [], "closed before the dates"
    assert listed(until=str(today - timedelta(days=20))) == [], "opened after the dates"
    found = words(page(client, q="Diemerhof"))
    assert (
        "0 voorstellen en amendementen gevonden. 1 participatieverslag van een peiling gevonden."
        in found
    )
    assert "Peilingen en hun participatieverslag" in found
    assert "Niets gevonden" not in found


def test_a_topic_or_status_filter_leaves_poll_reports_out_and_says_why():
    poll = reported_poll()
    setup = council_setup()
    services.answer_record(
        proposal=setup.proposals[0],
        by=griffie_user(),
        given=services.AnswerInput(status_key="adopted"),
    )
    client = member()

    by_status = page(client, status="adopted")
    assert poll_links(by_status) == []
    assert (
        "Peilingen staan niet in deze lijst. De raad geeft op een peiling geen antwoord met een "
        "status. Kies ‘Alle statussen’ om de peilingen te zien."
    ) in words(by_status)
    by_topic = page(client, topic="thema:Groen en klimaat")
    assert poll_links(by_topic) == []
    assert "dus heeft ze geen onderwerp. Kies ‘Alle onderwerpen’" in words(by_topic)
    both = words(page(client, topic="thema:Groen en klimaat", status="adopted"))
    assert "Kies ‘Alle onderwerpen’ en ‘Alle statussen’ om de peilingen te zien." in both
    assert "Peilingen staan niet" not in words(page(client, status="adopted", q="bomen")), (
        "no poll matches the word either: nothing was left out"
    )
    assert poll_links(page(client, q="park")) == [str(poll.pk)]


def many_summits(count: int, *, start: date) -> list[Summit]:
    """``count`` summits a day apart from ``start`` on, each with a proposal about trees,
    and one each about traffic."""
    made = []
    for number in range(count):
        summit = Summit.objects.create(
            slug=f"burgertop-{number:02d}",
            title=f"Burgertop {number:02d}",
            date=start + timedelta(days=number),
        )
        add_proposal(summit, 1, "Groen", "Meer bomen in de wijk")
        add_proposal(summit, 2, "Verkeer", "Een veilig fietspad")
        made.append(summit)
    return made


def test_a_filtered_room_pages_and_its_links_keep_the_filters():
    summits = many_summits(2 * ROOM_PAGE_SIZE + 3, start=date(2026, 1, 1))
    Summit.objects.create(slug="later", title="Burgertop na de data", date=date(2027, 1, 1))
    client = member()
    query = {"q": "bomen", "until": "2026-12-31"}
    newest_first = [summit.title for summit in reversed(summits)]

    first = page(client, **query)
    assert summit_headings(first) == newest_first[:ROOM_PAGE_SIZE]
    assert f"{len(summits)} voorstellen en amendementen gevonden." in words(first)
    assert "Pagina 1 van 3" in words(pager(first))
    assert 'aria-label="Pagina’s van de leeskamer"' in pager(first)
    assert "pagina 1 van 3" in re.search(r"<title>(.*?)</title>", first, re.S).group(1)  # type: ignore[union-attr]
    links = pager_links(first)
    assert list(links) == ["Volgende pagina"], "no page before the first"
    assert links["Volgende pagina"] == f"{ROOM}?q=bomen&until=2026-12-31&page=2"

    second = page(client, **query, page="2")
    assert summit_headings(second) == newest_first[ROOM_PAGE_SIZE : 2 * ROOM_PAGE_SIZE]
    assert f"{len(summits)} voorstellen en amendementen gevonden." in words(second)
    assert "Pagina 2 van 3" in words(pager(second))
    assert pager_links(second) == {
        "Vorige pagina": f"{ROOM}?q=bomen&until=2026-12-31",
        "Volgende pagina": f"{ROOM}?q=bomen&until=2026-12-31&page=3",
    }
    assert "Een veilig fietspad" not in words(second), "the search still picks the proposals"

    last = client.get(pager_links(second)["Volgende pagina"])
    assert last.status_code == 200
    html = unescape(last.content.decode())
    assert summit_headings(html) == newest_first[2 * ROOM_PAGE_SIZE :]
    assert list(pager_links(html)) == ["Vorige pagina"], "no page after the last"
    assert "Pagina 3 van 3" in words(pager(html))
    assert "data-page-message" not in html


def test_a_room_on_one_page_has_no_pager_and_poll_reports_follow_the_summits():
    many_summits(ROOM_PAGE_SIZE, start=date(2026, 1, 1))
    client = member()
    assert "data-pager" not in page(client)
    poll = reported_poll()
    first = page(client)
    assert poll_links(first) == [] and len(summit_headings(first)) == ROOM_PAGE_SIZE
    assert poll_links(page(client, page="2")) == [str(poll.pk)], "the poll report on page 2"


@pytest.mark.parametrize(
    ("asked", "message"),
    [
        ("99", "Pagina 99 bestaat niet. U ziet pagina 2 van 2."),
        ("0", "Pagina 0 bestaat niet. U ziet pagina 1 van 2."),
        ("-1", "Dat is geen paginanummer. U ziet pagina 1 van 2."),
        ("twee", "Dat is geen paginanummer. U ziet pagina 1 van 2."),
        ("9" * 5000, "Dat is geen paginanummer. U ziet pagina 1 van 2."),
    ],
)
def test_a_wrong_page_number_shows_the_nearest_page_and_says_so(asked, message):
    many_summits(ROOM_PAGE_SIZE + 1, start=date(2026, 1, 1))
    response = member().get(ROOM, {"q": "bomen", "page": asked})
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert message in words(html)
    shown = message.rsplit("pagina ", 1)[1].split(" ")[0]
    assert f"Pagina {shown} van 2" in words(pager(html))
    assert len(summit_headings(html)) == (1 if shown == "2" else ROOM_PAGE_SIZE)
    assert 'value="bomen"' in html, "the search stays in the form"


def test_the_pages_are_in_english_for_an_english_reader():
    many_summits(ROOM_PAGE_SIZE + 1, start=date(2026, 1, 1))
    html = unescape(member().get(ROOM, {"page": "7"}, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "Page 7 does not exist. You are seeing page 2 of 2." in words(html)
    assert 'aria-label="Pages of the reading room"' in html
    assert "Previous page" in words(pager(html))


def test_the_query_count_does_not_grow_with_the_pages(django_assert_max_num_queries):
    many_summits(ROOM_PAGE_SIZE + 1, start=date(2026, 1, 1))
    reported_poll()
    client = member()
    with django_assert_max_num_queries(40) as counted:
        page(client, page="2")
    few = len(counted.captured_queries)
    for number in range(3 * ROOM_PAGE_SIZE):
        summit = Summit.objects.create(
            slug=f"meer-{number}", title=f"Meer {number}", date=date(2025, 1, 1)
        )
        add_proposal(summit, 1, "Groen", "Meer bomen in de wijk")
    for _n in range(3):
        reported_poll()
    with django_assert_max_num_queries(few):
        html = page(client, page="5")
    assert len(poll_links(html)) == 4
    with django_assert_max_num_queries(few):
        page(client, q="bomen", page="2")
