"""The demo's council: the griffie may record answers, a council member may only read, and
the afternoon and the finished summit's proposals and the finished nota's amendments have
answers in several statuses; the finished summit's and the finished nota's participation
reports are in the reading room."""

from __future__ import annotations

import pytest
from django.test import Client

from council.demo import REPORTED_POLL
from council.models import Answer, Report
from samenspel.models import User
from tests.demo_seed import seed_demo
from voting.models import Poll

pytestmark = pytest.mark.django_db


def test_the_demo_has_answers_in_several_statuses_that_a_council_member_finds(
    tmp_path,
):
    seed_demo(tmp_path / "l.txt", tmp_path / "c.csv", runs=2, on_commit=True)
    statuses = set(Answer.objects.values_list("status__key", flat=True))
    assert statuses == {"implemented", "partly_adopted", "in_progress", "adopted", "not_adopted"}
    assert Answer.objects.filter(proposal__isnull=False).count() == 5, "a second run adds nothing"
    nota = "zwembad-sporthal-2026"
    on_amendments = Answer.objects.filter(amendment__draft__slug=nota)
    assert sorted(on_amendments.values_list("status__key", flat=True)) == [
        "adopted",
        "in_progress",
        "not_adopted",
    ]
    finished = "burgertop-diemen-voorjaar"
    assert Report.objects.filter(summit__slug=finished).count() == 1, "made once"
    assert Report.objects.filter(draft__slug=nota).count() == 1, "made once"
    griffie, member = User.objects.get(username="griffie"), User.objects.get(username="raadslid")
    assert griffie.has_perm("council.record_answer")
    assert not member.has_perm("council.record_answer")
    client = Client()
    client.force_login(member)
    room = client.get("/raad/").content.decode()
    assert "uitgevoerd" in room and "deels aangenomen" in room and "in behandeling" in room
    assert f"/raad/burgertop/{finished}/verslag/" in room
    assert f"/raad/nota/{nota}/verslag/" in room
    nota_report = client.get(f"/raad/nota/{nota}/verslag/").content.decode()
    assert "Amendement 4" in nota_report and "RB 2026-041" in nota_report
    # The frame staff set on the demo's nota and poll, not the report's fallback.
    assert "<dt>Opdrachtgever</dt><dd>Gemeenteraad van Diemen</dd>" in nota_report
    poll = Poll.objects.get(title=REPORTED_POLL, context="")
    poll_report = client.get(f"/raad/peiling/{poll.pk}/verslag/").content.decode()
    assert "<dt>Opdrachtgever</dt><dd>Gemeenteraad van Diemen</dd>" in poll_report
    assert "<dt>Hoeveel inspraak</dt><dd>Adviseren:" in poll_report
    assert "De straatnamencommissie heeft de vier namen vooraf getoetst." in poll_report
    report = client.get(f"/raad/burgertop/{finished}/verslag/").content.decode()
    assert "niet aangenomen" in report and "De raad heeft nog niet geantwoord." in report
    assert client.get("/werkruimte/raad/").status_code == 403
