"""The council's answers through the services: only the griffie (and administrators) write,
every answer is checked, and each change is kept with who made it and when."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from council import services
from council.answer_file import MilestoneSpec
from council.models import Answer, AnswerChange, AnswerStatus
from deliberation.models import Summit
from samenspel.models import Role
from tests.council.factories import council_setup
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def record(setup, *, by=None, proposal=None, **given):
    values = {"status_key": "adopted", "reasons": "De raad neemt het over.", **given}
    return services.answer_record(
        proposal=proposal or setup.proposals[0],
        by=by or setup.griffie,
        given=services.AnswerInput(**values),
    )


def test_the_griffie_records_an_answer_with_decision_and_milestones():
    setup = council_setup()
    answer = record(
        setup,
        decision_date=date(2026, 3, 12),
        decision_reference="https://diemen.raadsinformatie.nl/besluit/14",
        milestones=[MilestoneSpec(date(2026, 5, 1), 40, "De eerste bomen staan")],
    )
    answer.refresh_from_db()
    assert answer.status.label == "aangenomen"
    assert answer.decision_date == date(2026, 3, 12)
    assert [(m.progress, m.description) for m in answer.milestones.all()] == [
        (40, "De eerste bomen staan")
    ]


def test_a_council_member_without_the_griffies_right_may_not_write_and_is_told_why():
    setup = council_setup()
    with pytest.raises(services.AnswerForbidden) as refused:
        record(setup, by=setup.member)
    assert "Alleen de griffie" in str(refused.value)
    with pytest.raises(services.AnswerForbidden):
        record(setup, by=setup.resident)
    assert not Answer.objects.exists()


def test_an_administrator_may_record_answers_without_the_permission():
    setup = council_setup()
    record(setup, by=UserFactory(roles=[Role.ADMINISTRATOR]))
    assert Answer.objects.count() == 1


@pytest.mark.parametrize(
    ("given", "field", "words"),
    [
        ({"status_key": "vergeten"}, "status", "bestaat niet"),
        ({"status_key": ""}, "status", "Kies een status"),
        ({"decision_reference": "http://diemen.nl/besluit"}, "decision_reference", "https://"),
        ({"decision_reference": "javascript:alert(1)//x"}, "decision_reference", "https://"),
        ({"reasons": "x" * 5001}, "reasons", "5.000"),
        (
            {"milestones": [MilestoneSpec(date(2026, 1, 1), 140, "Te ver")]},
            "milestones",
            "0 tot 100",
        ),
    ],
)
def test_a_wrong_answer_is_refused_at_its_field_and_nothing_is_stored(given, field, words):
    setup = council_setup()
    with pytest.raises(ValidationError) as refused:
        record(setup, **given)
    assert words in " ".join(refused.value.message_dict[field])
    assert not Answer.objects.exists() and not AnswerChange.objects.exists()


def test_a_summit_still_being_prepared_has_nothing_to_answer():
    setup = council_setup()
    Summit.objects.filter(pk=setup.summit.pk).update(status=Summit.Status.DRAFT)
    setup.proposals[0].summit.refresh_from_db()
    with pytest.raises(ValidationError, match="in voorbereiding"):
        record(setup)


def test_each_change_is_kept_with_who_when_and_what_and_a_resave_adds_nothing():
    setup = council_setup()
    record(setup)
    record(setup, status_key="implemented", decision_reference="RB 2026-014")
    record(setup, status_key="implemented", decision_reference="RB 2026-014")
    changes = list(AnswerChange.objects.order_by("pk"))
    assert len(changes) == 2
    assert all(change.changed_by == setup.griffie for change in changes)
    assert changes[0].changes["status"] == ["", "adopted"]
    assert changes[1].changes == {
        "status": ["adopted", "implemented"],
        "decision_reference": ["", "RB 2026-014"],
    }


def test_the_history_holds_nothing_of_residents():
    setup = council_setup()
    record(setup)
    stored = str(list(AnswerChange.objects.values()))
    for resident in [setup.resident]:
        assert resident.username not in stored and resident.email not in stored


def test_a_status_in_use_cannot_be_deleted_and_an_unused_one_can():
    setup = council_setup()
    record(setup)
    used = AnswerStatus.objects.get(key="adopted")
    with pytest.raises(ValidationError, match="kan niet weg"):
        services.status_delete(by=setup.griffie, status=used)
    spare = AnswerStatus.objects.get(key="not_adopted")
    services.status_delete(by=setup.griffie, status=spare)
    assert set(AnswerStatus.objects.values_list("key", flat=True)) == {
        "adopted",
        "partly_adopted",
        "in_progress",
        "implemented",
    }


def test_the_griffie_adds_renames_and_reorders_statuses():
    setup = council_setup()
    added = services.status_save(
        by=setup.griffie, key="aangehouden", label="aangehouden", progress=5
    )
    assert list(AnswerStatus.objects.values_list("key", flat=True))[-1] == "aangehouden"
    services.status_move(by=setup.griffie, status=added, up=True)
    assert list(AnswerStatus.objects.values_list("key", flat=True))[-2] == "aangehouden"
    services.status_save(by=setup.griffie, status=added, label="Aangehouden", progress=10)
    added.refresh_from_db()
    assert (added.key, added.label, added.progress) == ("aangehouden", "Aangehouden", 10)
    with pytest.raises(ValidationError) as refused:
        services.status_save(by=setup.griffie, key="Met Spatie", label="x", progress=101)
    assert set(refused.value.message_dict) == {"key", "progress"}
    with pytest.raises(services.AnswerForbidden):
        services.status_save(by=setup.member, key="nieuw", label="nieuw", progress=1)
