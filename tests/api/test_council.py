"""The council API: per frozen proposal the council's answer (status, reasons, decision,
milestones), filtered by status (or 'geen' for unanswered) and by the summit's date, with an
unknown status refused and the known ones named; a summit in preparation stays out."""

from datetime import date

import pytest
from django.test import Client

from council import services
from council.answer_file import MilestoneSpec
from deliberation.models import Summit
from tests.council.factories import council_setup

pytestmark = pytest.mark.django_db

ANSWERS = "/api/v1/answers/"


def answered():
    setup = council_setup()
    services.answer_record(
        proposal=setup.proposals[0],
        by=setup.griffie,
        given=services.AnswerInput(
            status_key="adopted",
            reasons="De raad neemt het **over**.",
            decision_date=date(2026, 3, 1),
            decision_reference="RB 2026-001",
            milestones=[MilestoneSpec(date=date(2026, 4, 1), progress=20, description="Gestart")],
        ),
    )
    return setup


def test_each_frozen_proposal_comes_with_the_councils_answer_or_none():
    setup = answered()
    body = Client().get(ANSWERS).json()
    assert body["count"] == 3
    first = body["results"][0]
    assert first["summit"] == setup.summit.slug and first["number"] == 1
    answer = first["answer"]
    assert answer["status"]["key"] == "adopted" and answer["decision_reference"] == "RB 2026-001"
    assert "<strong>over</strong>" in answer["reasons_html"]
    assert answer["milestones"] == [
        {"date": "2026-04-01", "progress": 20, "description": "Gestart"}
    ]
    assert [item["answer"] for item in body["results"][1:]] == [None, None]
    assert first["proposal_url"] is None  # the summit's outcome is not published


def test_answers_filter_by_status_and_refuse_an_unknown_one():
    answered()
    client = Client()
    assert client.get(ANSWERS, {"status": "adopted"}).json()["count"] == 1
    assert client.get(ANSWERS, {"status": "geen"}).json()["count"] == 2
    assert client.get(ANSWERS, {"until": "2000-01-01"}).json()["count"] == 0
    refused = client.get(ANSWERS, {"status": "verzonnen"})
    assert refused.status_code == 400
    assert "adopted" in refused.json()["status"][0] and "geen" in refused.json()["status"][0]


def test_a_summit_in_preparation_has_no_answers_in_the_api():
    setup = answered()
    Summit.objects.filter(pk=setup.summit.pk).update(status=Summit.Status.DRAFT)
    assert Client().get(ANSWERS).json()["count"] == 0
