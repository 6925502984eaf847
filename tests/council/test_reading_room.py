"""The council's reading room (/raad/): a topic filter (a nota's kind, a summit's theme by
name) combined with the search, the status and the dates; nota amendments found by the
search and the status filter; each frozen proposal's result once the summit's vote was
shown; nothing unpublished; every link opens for a council member; a flat query count."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from council import services
from deliberation import services as summit_services
from deliberation.drafts import setup as draft_setup
from deliberation.drafts.models import Amendment
from deliberation.models import Proposal, Summit, SummitTable, Theme
from samenspel.models import Role
from tests.council.factories import council_setup, griffie_user
from tests.council.test_nota_report import finished_nota
from tests.deliberation.test_outcome import run, voted
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ROOM = "/raad/"


def member() -> Client:
    client = Client()
    client.force_login(UserFactory(roles=[Role.COUNCIL_MEMBER]))
    return client


def page(client: Client, **query: str) -> str:
    response = client.get(ROOM + ("?" + urlencode(query) if query else ""))
    assert response.status_code == 200
    return unescape(response.content.decode())


def words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def answer_proposal(proposal: Proposal, status: str, reasons: str = "") -> None:
    services.answer_record(
        proposal=proposal,
        by=griffie_user(),
        given=services.AnswerInput(status_key=status, reasons=reasons),
    )


def answer_amendment(amendment: Amendment, status: str, reasons: str = "") -> None:
    services.amendment_answer_record(
        amendment=amendment,
        by=griffie_user(),
        given=services.AnswerInput(status_key=status, reasons=reasons),
    )


def add_proposal(summit: Summit, number: int, theme_name: str, title: str) -> Proposal:
    theme, _new = Theme.objects.get_or_create(summit=summit, name=theme_name)
    table, _new = SummitTable.objects.get_or_create(summit=summit, number=number)
    now = timezone.now()
    return Proposal.objects.create(
        summit=summit,
        number=number,
        table=table,
        theme=theme,
        title=title,
        text="Een tekst.",
        status=Proposal.Status.FROZEN,
        frozen_at=now,
        created_at=now,
        updated_at=now,
    )


def listed_proposals(html: str) -> list[str]:
    return re.findall(r'href="/raad/burgertop/([^/]+)/voorstellen/(\d+)/"', html)


def listed_amendments(html: str) -> list[str]:
    return re.findall(r'href="/raad/nota/[^/]+/#amendement-(\d+)"', html)


def topic_options(html: str) -> list[tuple[str, str]]:
    select = re.search(r'<select name="topic".*?</select>', html, re.S)
    assert select, "the reading room has a topic list"
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(0))


def test_the_topic_list_holds_the_topics_that_occur_and_combines_with_the_other_filters():
    first = council_setup("burgertop-een")  # three proposals on "Groen en klimaat"
    second = council_setup("burgertop-twee", proposals=1)  # the same theme name
    add_proposal(second.summit, 2, "Verkeer", "Een veilig fietspad")
    answer_proposal(first.proposals[0], "adopted", "De bomen komen in de Ouddiemerlaan.")
    draft, _context = finished_nota()
    client = member()

    options = topic_options(page(client))
    assert options == [
        ("", "Alle onderwerpen"),
        ("nota:sportnota", "Sportnota"),
        ("thema:Groen en klimaat", "Groen en klimaat"),
        ("thema:Verkeer", "Verkeer"),
    ], "each topic once, a theme of two summits grouped by its name"

    green = page(client, topic="thema:Groen en klimaat")
    assert sorted(listed_proposals(green)) == [
        ("burgertop-een", "1"),
        ("burgertop-een", "2"),
        ("burgertop-een", "3"),
        ("burgertop-twee", "1"),
    ]
    assert listed_amendments(green) == [], "a theme's topic holds no nota amendments"
    assert "4 voorstellen en amendementen gevonden." in words(green)
    assert '<option value="thema:Groen en klimaat" selected>' in green, "the choice stays"

    sport = page(client, topic="nota:sportnota")
    assert listed_proposals(sport) == []
    assert listed_amendments(sport) == ["1", "2", "3", "4"]
    assert draft.title in sport

    assert listed_proposals(page(client, topic="thema:Verkeer")) == [("burgertop-twee", "2")]
    combined = page(client, topic="thema:Groen en klimaat", status="adopted", q="ouddiemerlaan")
    assert listed_proposals(combined) == [("burgertop-een", "1")]
    assert "1 voorstel of amendement gevonden." in words(combined)
    unanswered = page(client, topic="thema:Groen en klimaat", status="geen")
    assert len(listed_proposals(unanswered)) == 3
    Summit.objects.filter(pk=second.summit.pk).update(date="2026-03-01")
    Summit.objects.filter(pk=first.summit.pk).update(date="2026-05-01")
    dated = page(client, topic="thema:Groen en klimaat", until="2026-04-01")
    assert listed_proposals(dated) == [("burgertop-twee", "1")]
    assert client.get(ROOM + "?topic=thema:Bestaat+niet").status_code == 400


def test_search_and_status_find_nota_amendments_with_their_decision_and_answer():
    draft, _context = finished_nota()
    first, second, *_rest = Amendment.objects.filter(draft=draft).order_by("created_at", "pk")
    answer_amendment(first, "adopted", "De raad neemt het warmwaterbad over.")
    answer_amendment(second, "not_adopted")
    setup = council_setup()
    answer_proposal(setup.proposals[0], "adopted")
    client = member()

    found = page(client, q="warmwaterbad")
    assert listed_amendments(found) == ["1"]
    card = words(found)
    assert f"Amendement 1 op {draft.title}" in card
    assert f"Was: {first.passage_shown[:30]}" in card
    assert f"Besluit van de redactie: {first.get_status_display().lower()}." in card
    assert "Antwoord van de raad: aangenomen" in card
    assert f'href="/raad/nota/{draft.slug}/#amendement-1"' in found

    adopted = page(client, status="adopted")
    assert listed_amendments(adopted) == ["1"]
    assert listed_proposals(adopted) == [("burgertop-raad", "1")]
    assert "2 voorstellen en amendementen gevonden." in words(adopted)
    waiting = page(client, status="geen")
    assert listed_amendments(waiting) == ["3", "4"], "nog geen antwoord covers amendments"
    assert len(listed_proposals(waiting)) == 2
    assert listed_amendments(page(client, q=second.passage_shown.split()[0])) != []


def test_a_frozen_proposal_shows_its_vote_result_only_once_the_vote_was_shown():
    setup = voted(reveal=False)
    client = member()
    before = page(client)
    assert "data-result" not in before and "Goedkeuringen" not in words(before)
    run(setup, setup.facilitator, "vote.reveal")
    after = words(page(client))
    assert (
        "Voorstel 1: Meer bomen Thema Groen, tafel 1. Gekozen Goedkeuringen: 3, plaats 1 van 2"
        in after
    )
    assert (
        "Voorstel 2: Veilig fietsen Thema Verkeer, tafel 2. Niet gekozen Goedkeuringen: 2, plaats 2 van 2"
        in after
    )
    outcome = words(
        unescape(Client().get(f"/burgertop/{setup.summit.slug}/uitkomst/").content.decode())
    )
    if "Gekozen Goedkeuringen: 3" in outcome:  # the outcome page, once published, says the same
        assert "Niet gekozen Goedkeuringen: 2" in outcome


def test_unpublished_summits_and_notas_stay_invisible_to_search_and_topics():
    council_setup("burgertop-open")
    hidden = council_setup("burgertop-concept", proposals=1)
    add_proposal(hidden.summit, 2, "Geheim thema", "Voorstel in voorbereiding")
    Summit.objects.filter(pk=hidden.summit.pk).update(status=Summit.Status.DRAFT)
    editor = UserFactory(roles=[Role.ADMINISTRATOR])
    draft_setup.draft_start(
        by=editor, title="Jeugdnota in voorbereiding", kind="jeugdnota", now=timezone.now()
    )
    client = member()
    everything = page(client)
    assert "burgertop-concept" not in everything and "Jeugdnota in voorbereiding" not in everything
    assert ("thema:Geheim thema", "Geheim thema") not in topic_options(everything)
    assert ("nota:jeugdnota", "Jeugdnota") not in topic_options(everything)
    assert listed_proposals(page(client, q="voorbereiding")) == []
    assert "0 voorstellen en amendementen gevonden." in words(page(client, q="voorbereiding"))


def test_every_link_in_the_reading_room_opens_for_a_council_member():
    setup = voted()
    summit_services.summit_close(summit=setup.summit, by=setup.facilitator, now=timezone.now())
    services.report_publish(summit=setup.summit, by=griffie_user(), now=timezone.now())
    finished_nota()
    client = member()
    html = page(client)
    assert "data-result" in html and "data-amendment" in html
    links = sorted(set(re.findall(r'href="(/[^"#]*)', html)))
    assert any("/voorstellen/" in link for link in links)
    refused = [link for link in links if client.get(link).status_code != 200]
    assert refused == []


def test_the_query_count_does_not_grow_with_proposals_or_amendments(django_assert_max_num_queries):
    voted()
    small = council_setup("burgertop-klein", proposals=2)
    draft, _context = finished_nota()
    answer_proposal(small.proposals[0], "adopted")
    answer_amendment(Amendment.objects.filter(draft=draft).first(), "adopted")
    client = member()
    with django_assert_max_num_queries(30) as counted:
        assert "data-result" in page(client)
    few = len(counted.captured_queries)
    for number in range(3, 60):
        add_proposal(small.summit, number, f"Thema {number % 7}", f"Voorstel {number}")
    for proposal in Proposal.objects.filter(summit=small.summit)[1:20]:
        answer_proposal(proposal, "in_progress")
    for amendment in Amendment.objects.filter(draft=draft)[1:]:
        answer_amendment(amendment, "not_adopted")
    with django_assert_max_num_queries(few) as again:
        html = page(client)
    assert len(listed_proposals(html)) >= 61
    with django_assert_max_num_queries(few):
        page(client, q="bomen", status="geen", topic="thema:Groen en klimaat")
    assert len(again.captured_queries) == few
