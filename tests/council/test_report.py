"""The participation report of a finished summit: refused with the reason for an unfinished
one; the same data gives the same bytes (the generation date aside); every file reads back
(both CSV dialects to the same numbers, the JSON against its schema, the ZIP's README
naming every file and column); Dutch dates and numbers; no personal data in any export of
the demo."""

import csv
import dataclasses
import io
import json
import zipfile
from datetime import UTC, date, datetime, timedelta

import docx
import jsonschema
import pytest
from django.test import Client
from django.utils import timezone
from odf import table as odf_table
from odf import teletype
from odf import text as odf_text
from odf.opendocument import load
from pypdf import PdfReader

from council import report, services
from council.models import Report
from council.report import formats
from council.report.dutch import dutch_date, dutch_number, group_count
from deliberation import services as summit_services
from deliberation.models import Participant, Summit
from samenspel import services as core_services
from samenspel.models import User
from tests.council.factories import griffie_user
from tests.council.readable import readable
from tests.deliberation.factories import make_summit
from tests.deliberation.test_outcome import voted
from tests.demo_seed import seed_demo
from tests.privacy import as_a_word, personal_data

pytestmark = pytest.mark.django_db

DAY = datetime(2026, 3, 20, 14, 30, tzinfo=UTC)


def finished():
    """The outcome tests' summit (two proposals, four voters, one on paper), closed."""
    setup = voted()
    summit_services.summit_close(summit=setup.summit, by=setup.facilitator, now=timezone.now())
    setup.summit.refresh_from_db()
    return setup


def test_dutch_dates_numbers_and_small_groups():
    assert dutch_date(date(2026, 1, 20)) == "20 januari 2026"
    assert dutch_number(1250.5) == "1.250,5"
    assert dutch_number(1250) == "1.250"
    assert [group_count(n) for n in (0, 1, 4, 5, 12)] == [0, "<5", "<5", 5, 12]


def test_an_open_summit_or_one_without_a_closed_vote_is_refused_with_the_reason():
    summit = make_summit("burgertop-open").summit
    with pytest.raises(report.ReportRefused) as refused:
        report.build(summit, generated_at=DAY)
    assert "nog niet afgelopen" in refused.value.message
    Summit.objects.filter(pk=summit.pk).update(status=Summit.Status.CLOSED)
    summit.refresh_from_db()
    with pytest.raises(report.ReportRefused) as refused:
        report.build(summit, generated_at=DAY)
    assert "nog geen gesloten stemming" in refused.value.message
    with pytest.raises(report.ReportRefused):
        services.report_publish(summit=summit, by=griffie_user(), now=DAY)
    assert not Report.objects.exists()


def test_the_report_tells_the_trail_of_each_proposal_and_who_took_part():
    built = report.build(finished().summit, generated_at=DAY)
    data = built.report
    assert [p.title for p in data.proposals] == ["Meer bomen", "Veilig fietsen"]
    trees = data.proposals[0]
    assert trees.ideas == ("Bomen in de Ouddiemerlaan",), "withdrawn and hidden ideas stay out"
    assert (trees.theme, trees.table, trees.chosen) == ("Groen", 1, True)
    assert trees.answer is None
    counts = {c.label: c.count for c in data.participation.channels}
    assert counts["gestemd"] == 4 and counts["gestemd op papier"] == 1
    (poll,) = data.polls
    assert [(r.option, r.value) for r in poll.rows] == [("Meer bomen", 3), ("Veilig fietsen", 2)]
    assert data.generated_text == "20 maart 2026"
    text = built.files[formats.MARKDOWN].decode()
    assert "## Samenvatting" in text and "| Meer bomen | 3 | ja |" in text
    assert "De raad heeft nog niet geantwoord." in text


def test_the_same_data_gives_the_same_bytes_but_for_the_generation_date():
    summit = finished().summit
    first = report.build(summit, generated_at=DAY)
    again = report.build(summit, generated_at=DAY + timedelta(hours=2))
    assert first.archive == again.archive
    later = report.build(summit, generated_at=DAY + timedelta(days=1))
    assert later.archive != first.archive
    assert set(later.files) == set(first.files)
    documents = {formats.README, formats.PDF, formats.PDF_ARCHIVE, formats.DOCX, formats.ODT}
    for name, body in later.files.items():
        if name in documents:
            continue  # compressed (or the README: the others' SHA-256), compared below
        text = body.decode("utf-8-sig")
        text = text.replace("21 maart 2026", "20 maart 2026").replace("2026-03-21", "2026-03-20")
        assert text == first.files[name].decode("utf-8-sig"), name
    assert "21 maart 2026" in docx_text(later.files[formats.DOCX])
    assert docx_text(later.files[formats.DOCX]).replace("21 maart", "20 maart") == docx_text(
        first.files[formats.DOCX]
    )
    assert pdf_text(later.files[formats.PDF]).replace("21 maart", "20 maart") == pdf_text(
        first.files[formats.PDF]
    )


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_pdf_is_tagged_the_archive_copy_is_pdfa_and_both_read_back():
    built = report.build(finished().summit, generated_at=DAY)
    for name in (formats.PDF, formats.PDF_ARCHIVE):
        reader = PdfReader(io.BytesIO(built.files[name]))
        root = reader.trailer["/Root"]
        assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"], "tagged"
        assert root["/Lang"] == "nl"
        assert reader.metadata.title == "Participatieverslag Burgertop test"
        text = pdf_text(built.files[name])
        assert "Samenvatting" in text and "Meer bomen" in text and "20 maart 2026" in text
        assert "Bomen in de Ouddiemerlaan" in text
        xmp = root["/Metadata"].get_object().get_data().decode()
        if name == formats.PDF_ARCHIVE:
            assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp
        else:
            assert 'pdfuaid:part="1"' in xmp


def test_the_docx_and_odt_hold_every_proposal_and_the_figures_tables():
    built = report.build(finished().summit, generated_at=DAY)
    document = docx.Document(io.BytesIO(built.files[formats.DOCX]))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == "Participatieverslag Burgertop test"
    assert "Voorstel 1: Meer bomen" in headings and "Voorstel 2: Veilig fietsen" in headings
    result = document.tables[-1]
    assert [c.text for c in result.rows[1].cells] == ["Meer bomen", "3", "ja"]
    assert document.core_properties.title == "Participatieverslag Burgertop test"
    odt = load(io.BytesIO(built.files[formats.ODT]))
    odt_headings = [teletype.extractText(h) for h in odt.getElementsByType(odf_text.H)]
    assert odt_headings[:2] == ["Participatieverslag Burgertop test", "Samenvatting"]
    assert "Voorstel 2: Veilig fietsen" in odt_headings
    cells = [teletype.extractText(c) for c in odt.getElementsByType(odf_table.TableCell)]
    assert "Meer bomen" in cells and "Goedkeuringen" in cells
    with zipfile.ZipFile(io.BytesIO(built.files[formats.ODT])) as archive:
        assert archive.namelist()[0] == "mimetype"
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"


def test_both_csv_dialects_read_back_to_the_same_numbers():
    built = report.build(finished().summit, generated_at=DAY)
    poll = built.report.polls[0]
    row = dataclasses.replace(poll.rows[0], value=1250.5, value_text="1.250,5")
    odd = dataclasses.replace(
        built.report, polls=(dataclasses.replace(poll, rows=(row, *poll.rows[1:])),)
    )
    plain = formats.figures_csv(odd, excel=False)
    excel = formats.figures_csv(odd, excel=True)
    assert excel.startswith(b"\xef\xbb\xbf") and not plain.startswith(b"\xef\xbb\xbf")
    plain_rows = list(csv.DictReader(io.StringIO(plain.decode("utf-8"))))
    excel_rows = list(csv.DictReader(io.StringIO(excel.decode("utf-8-sig")), delimiter=";"))
    assert list(plain_rows[0]) == list(formats.FIGURE_COLUMNS) == list(excel_rows[0])

    def number(text: str, decimal: str) -> float | str:
        return text if text.startswith("<") else float(text.replace(decimal, "."))

    assert [number(r["aantal"], ".") for r in plain_rows] == [
        number(r["aantal"], ",") for r in excel_rows
    ]
    assert any(r["aantal"] == "1250.5" for r in plain_rows)
    assert any(r["aantal"] == "1250,5" for r in excel_rows)


def test_the_json_validates_against_its_published_schema(client):
    built = report.build(finished().summit, generated_at=DAY)
    schema = json.loads(client.get("/raad/verslag/schema.json").content)
    assert schema == json.loads(built.files[formats.SCHEMA])
    data = json.loads(built.files[formats.JSON])
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    data["participation"]["groups"].append({"category": "wijk", "label": "X", "count": 3})
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)


def test_the_zips_readme_names_every_file_and_every_column():
    summit = finished().summit
    built = report.build(summit, generated_at=DAY)
    with zipfile.ZipFile(io.BytesIO(built.archive)) as archive:
        names = archive.namelist()
        readme = archive.read(formats.README).decode()
        ballots = [n for n in names if n.startswith("stembiljetten/")]
        assert len(ballots) == 1
        published = summit.votes.get().poll.result
        assert ballots == [f"stembiljetten/{published.file_name}"]
        assert archive.read(ballots[0]).decode() == published.file_text
    for name in names:
        assert name in readme, name
    for column in (*formats.FIGURE_COLUMNS, *formats.METADATA_COLUMNS):
        assert f"  {column}: " in readme, column
    assert {formats.MARKDOWN, formats.JSON, formats.FIGURES, formats.FIGURES_EXCEL} <= set(names)
    filing = json.loads(built.files[formats.METADATA_JSON])
    assert filing["classification"] == "Participatieverslag"
    assert filing["date"] == "2026-03-20" and filing["name"].startswith("Participatieverslag")


def test_no_export_of_the_demo_holds_a_residents_name_email_code_or_token(
    tmp_path,
):
    codes_file = tmp_path / "c.csv"
    seed_demo(tmp_path / "l.txt", codes_file, on_commit=True)
    summit = Summit.objects.get(slug="burgertop-diemen-voorjaar")
    assert Report.objects.filter(summit=summit).exists(), "the demo publishes its report"
    with codes_file.open(encoding="utf-8") as handle:
        codes = {row["username"]: row["code"] for row in csv.DictReader(handle)}
    residents = list(User.objects.filter(username__in=codes))
    assert len(residents) > 15
    assert set(
        Participant.objects.filter(summit=summit).values_list("user__username", flat=True)
    ) <= set(codes)
    tokens = {person.pk: core_services.api_token_for(user=person) for person in residents}
    # Made again now that every resident has an API token, so a token could leak into it.
    made = services.report_publish(
        summit=summit, by=User.objects.get(username="griffie"), now=timezone.now()
    )
    client = Client()
    bodies = [client.get(f"/raad/burgertop/{summit.slug}/verslag/").content]
    with zipfile.ZipFile(io.BytesIO(bytes(made.archive))) as archive:
        names = archive.namelist()
    for name in [formats.ARCHIVE, *names]:
        response = client.get(f"/raad/burgertop/{summit.slug}/verslag/{name}")
        assert response.status_code == 200, name
        bodies.append(response.content)
    with zipfile.ZipFile(io.BytesIO(bytes(made.archive))) as archive:
        bodies += [archive.read(name) for name in archive.namelist()]
    everything = "\n".join(readable(body) for body in bodies)
    folded = everything.casefold()
    assert "Een open buurthuis in elke wijk" in everything
    for person in residents:
        for value in personal_data(person, codes[person.username], tokens[person.pk]):
            found = as_a_word(everything, value, folded=folded)
            assert found is None, (person.username, value)


def test_the_report_is_dated_by_diemens_calendar():
    """Made at 23:30 UTC it is already the next day in Diemen: the report says so."""
    late = datetime(2026, 3, 20, 23, 30, tzinfo=UTC)
    data = report.summit_report(finished().summit, generated_at=late)
    assert data.generated_text == "21 maart 2026"
    assert data.generated_at == "2026-03-21"
