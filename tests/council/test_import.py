"""The council's answers as a CSV file: the export opens in Dutch Excel and imports again
unchanged; a file as Excel writes it (semicolons, Windows-1252) is read; an invalid file
names the error of every row and changes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from council import selectors, services
from council.models import Answer, AnswerChange
from tests.council.factories import council_setup

pytestmark = pytest.mark.django_db

HEADER = "burgertop;voorstel;titel;status;toelichting;besluitdatum;raadsbesluit;mijlpalen"


def test_a_dutch_excel_file_with_semicolons_in_windows_1252_is_stored():
    setup = council_setup()
    content = "\r\n".join(
        [
            HEADER,
            'burgertop-raad;1;;aangenomen;"Overgenomen; de wethouder is tevreden";12-03-2026;'
            'RB 2026-014;"2026-05-01 | 40 | Eerste bomen geplant"',
            "burgertop-raad;2;;in_progress;Het college werkt aan een voorstel met café;;;",
            "burgertop-raad;3;;;;;;",
        ]
    ).encode("cp1252")
    check = services.answer_file_import(by=setup.griffie, data=content)
    assert check.encoding == "Windows-1252" and check.delimiter == ";"
    assert [row.outcome for row in check.rows] == ["new", "new", "skipped"]
    first = Answer.objects.get(proposal=setup.proposals[0])
    assert first.status.key == "adopted"
    assert first.reasons == "Overgenomen; de wethouder is tevreden"
    assert str(first.decision_date) == "2026-03-12"
    assert first.milestones.get().description == "Eerste bomen geplant"
    assert "café" in Answer.objects.get(proposal=setup.proposals[1]).reasons
    assert not Answer.objects.filter(proposal=setup.proposals[2]).exists()
    assert set(AnswerChange.objects.values_list("source", flat=True)) == {"file"}


@pytest.mark.parametrize("excel", [False, True])
def test_the_export_in_either_dialect_imports_again_without_a_change(excel):
    setup = council_setup()
    services.answer_record(
        proposal=setup.proposals[0],
        by=setup.griffie,
        given=services.AnswerInput(
            status_key="partly_adopted",
            reasons='Deels: "drempels" ja,\nlicht nee.',
            decision_reference="https://diemen.raadsinformatie.nl/besluit/21",
        ),
    )
    exported = selectors.answers_csv(excel=excel)
    assert exported.startswith(b"\xef\xbb\xbfsoort;burgertop;voorstel") == excel
    assert exported.startswith(b"soort,burgertop,voorstel") != excel
    check = services.answer_file_import(by=setup.griffie, data=exported)
    assert [row.outcome for row in check.rows] == ["same", "skipped", "skipped"]
    assert AnswerChange.objects.count() == 1


def test_a_utf8_file_with_a_byte_order_mark_and_commas_is_read():
    setup = council_setup()
    content = (
        "\ufeffburgertop,voorstel,status,toelichting\r\n"
        "burgertop-raad,2,niet aangenomen,Past niet in de begroting 2026–2027\r\n"
    ).encode()
    services.answer_file_import(by=setup.griffie, data=content)
    answer = Answer.objects.get(proposal=setup.proposals[1])
    assert answer.status.key == "not_adopted" and "2026–2027" in answer.reasons


def test_an_invalid_file_names_every_wrong_row_and_changes_nothing():
    setup = council_setup(proposals=4)
    services.answer_record(
        proposal=setup.proposals[0],
        by=setup.griffie,
        given=services.AnswerInput(status_key="in_progress"),
    )
    content = "\r\n".join(
        [
            HEADER,
            "burgertop-raad;1;;implemented;Klaar;;;",  # valid on its own
            "burgertop-raad;2;;aangenomen met vlag;;;;",
            "burgertop-raad;3;;adopted;;12 maart 2026;;",
            "burgertop-raad;9;;adopted;;;;",
            "burgertop-elders;1;;adopted;;;;",
            "burgertop-raad;1;;adopted;;;;",
            "burgertop-raad;drie;;adopted;;;;",
            "burgertop-raad;4;;adopted;;;;2026-05-01 | veel | Begonnen",
        ]
    ).encode()
    check = services.answer_file_check(data=content)
    errors = {row.line: " ".join(row.errors) for row in check.errors}
    assert "aangenomen met vlag' bestaat niet" in errors[3]
    assert "12 maart 2026' klopt niet" in errors[4]
    assert "Voorstel 9 van de burgertop 'burgertop-raad' bestaat niet" in errors[5]
    assert "burgertop-elders' bestaat niet" in errors[6]
    assert "staat al in regel 2" in errors[7]
    assert "geen getal" in errors[8]
    assert "voortgang is een getal" in errors[9]
    assert 2 not in errors
    with pytest.raises(ValidationError) as refused:
        services.answer_file_import(by=setup.griffie, data=content)
    assert len(refused.value.messages) == 7
    assert refused.value.messages[0].startswith("Regel 3:")
    answer = Answer.objects.get()
    assert answer.status.key == "in_progress" and answer.reasons == ""
    assert AnswerChange.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "leeg"),
        (b"PK\x03\x04rest of a zip", "Excel-bestand"),
        (b"naam;adres\r\nPiet;Dorpsstraat 1\r\n", "ontbreken in de kopregel"),
        (HEADER.encode() + b"\r\n", "geen antwoorden"),
        ("burgertop,voorstel,status\r\n".encode("utf-16"), "UTF-16"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_the_reason(content, words):
    setup = council_setup()
    with pytest.raises(ValidationError) as refused:
        services.answer_file_import(by=setup.griffie, data=content)
    assert words in " ".join(refused.value.messages)
    assert not Answer.objects.exists()


def test_a_council_member_cannot_import_answers():
    setup = council_setup()
    content = f"{HEADER}\r\nburgertop-raad;1;;adopted;;;;\r\n".encode()
    with pytest.raises(services.AnswerForbidden):
        services.answer_file_import(by=setup.member, data=content)
    assert not Answer.objects.exists()
