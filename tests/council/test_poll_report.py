"""The participation report of a closed poll of the workspace: refused with the reason while
the poll is open, when nobody voted, for a summit's or a nota's poll, and for someone without
the right; it tells the question and its frame, who could vote and who did (online and on
paper, by wijk and age band with small groups hidden), the voting rules and each round of
the count; every export reads back; the results page links it once it exists and the read
API lists it; no export of the demo's poll holds a resident's name, e-mail address, code or
token."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import timedelta

import docx
import jsonschema
import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from django.utils.translation import trans_real
from odf import table as odf_table
from odf import teletype
from odf import text as odf_text
from odf.opendocument import load
from pypdf import PdfReader

from council import report, services
from council.demo import REPORTED_POLL
from council.models import Report
from council.report import formats
from samenspel import i18n
from samenspel import services as core_services
from samenspel.models import Neighbourhood, Role, User
from tests.council.factories import griffie_user
from tests.council.readable import readable
from tests.council.test_report import docx_text, pdf_text
from tests.deliberation.factories import make_summit
from tests.demo_seed import seed_demo
from tests.factories import UserFactory
from tests.privacy import as_a_word, personal_data
from voting import services as voting_services
from voting.models import Eligibility, Method, Poll
from voting.services import OptionSpec

pytestmark = pytest.mark.django_db

MAKE = "/werkruimte/raad/verslagen/"
NAMES = ("Diemerhof", "Park De Sniep", "Het Groene Hart")


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    i18n.compile_all()
    trans_real._translations = {}
    trans_real._default = None


def page(poll: Poll) -> str:
    return f"/raad/peiling/{poll.pk}/verslag/"


def open_poll(
    *, voters: int = 12, context: str = "", **frame: str
) -> tuple[Poll, User, list[User]]:
    """A ranked poll (instant runoff) of the workspace, opened by the administrator who
    made it, for ``voters`` residents of one wijk born in different decades."""
    manager = UserFactory(roles=[Role.ADMINISTRATOR], is_staff=True)
    wijk, _new = Neighbourhood.objects.get_or_create(
        code="WK999901", defaults={"name": "Testwijk", "level": "wijk"}
    )
    people = [
        UserFactory(roles=[Role.RESIDENT], birth_year=1950 + 3 * n, neighbourhood=wijk)
        for n in range(voters)
    ]
    poll = voting_services.poll_create(
        title="Welke naam krijgt het park?",
        method=Method.IRV,
        options=[OptionSpec(title=name) for name in NAMES],
        eligible=people,
        context=context,
        description="De raad kiest de naam; de peiling adviseert.",
        by=manager,
        **frame,
        now=timezone.now() - timedelta(days=14),
    )
    poll = voting_services.poll_open(poll=poll, by=manager, now=timezone.now() - timedelta(days=14))
    return poll, manager, people


def closed_poll(voters: int = 12, paper: int = 2, **frame: str) -> tuple[Poll, User, list[User]]:
    """The poll with everyone but two voted (``paper`` of them on paper), then closed: the
    park's first name wins in the second round. ``frame``: who asked, the say, the limits."""
    poll, manager, people = open_poll(voters=voters, **frame)
    rankings = [["1", "2"], ["2", "1"], ["3", "1"], ["1"], ["2", "3"]]
    for n, person in enumerate(people[:-2]):
        choice = rankings[n % len(rankings)]
        if n < paper:
            voting_services.paper_ballot_cast(
                poll=poll, participant=person, choice=choice, by=manager
            )
        else:
            voting_services.ballot_cast(poll=poll, participant=person, choice=choice)
    voting_services.poll_close(poll=poll, by=manager, now=timezone.now() - timedelta(days=1))
    return Poll.objects.get(pk=poll.pk), manager, people


def test_an_open_poll_one_without_ballots_and_a_summits_poll_are_refused_with_the_reason(
    client,
):
    poll, manager, _people = open_poll()
    with pytest.raises(report.ReportRefused, match="nog niet gesloten"):
        services.poll_report_publish(poll=poll, by=griffie_user(), now=timezone.now())
    client.force_login(griffie_user())
    response = client.post(MAKE, {"poll": poll.pk})
    assert response.status_code == 400
    assert "Deze peiling is nog niet gesloten." in response.content.decode()

    voting_services.poll_close(poll=poll, by=manager)
    with pytest.raises(report.ReportRefused, match="niemand gestemd"):
        services.poll_report_publish(poll=poll, by=griffie_user(), now=timezone.now())

    summits, _m, _p = open_poll(context="summit:burgertop-x/step:3")
    with pytest.raises(report.ReportRefused, match="hoort bij een burgertop of nota"):
        report.build_poll(summits, generated_at=timezone.now())
    assert not Report.objects.exists()


def test_the_griffie_administrators_and_the_polls_managers_make_it_a_resident_not(client):
    poll, manager, people = closed_poll()
    with pytest.raises(services.ReportForbidden):
        services.poll_report_publish(poll=poll, by=people[0], now=timezone.now())
    client.force_login(people[0])
    assert client.post(MAKE, {"poll": poll.pk}).status_code == 403
    assert not Report.objects.exists()

    # The poll's own manager (no griffie right) sees and makes their poll's report only.
    creator = UserFactory(roles=[Role.RESIDENT])
    Poll.objects.filter(pk=poll.pk).update(created_by=creator)
    client.force_login(creator)
    shown = client.get(MAKE).content.decode()
    assert "Participatieverslag per peiling" in shown and poll.title in shown
    assert "Participatieverslag per burgertop" not in shown
    response = client.post(MAKE, {"poll": poll.pk}, follow=True)
    assert "is gemaakt" in response.content.decode()
    assert Report.objects.filter(poll=poll).count() == 1

    client.force_login(griffie_user())
    client.post(MAKE, {"poll": poll.pk})
    assert Report.objects.filter(poll=poll).count() == 2


def test_the_report_tells_the_frame_the_turnout_the_rules_and_every_round():
    poll, _manager, _people = closed_poll()
    built = report.build_poll(poll, generated_at=timezone.now())
    made = built.report
    assert made.kind == "peiling" and made.proposals == () and made.amendments == ()
    assert made.summary.question.startswith("Welke naam krijgt het park?")
    assert "De raad kiest de naam" in made.summary.question
    assert made.summary.commissioned_by and made.summary.say == "Raadplegen"
    channels = {c.label: c.count for c in made.participation.channels}
    assert channels["mochten stemmen"] == 12 and channels["gestemd"] == 10
    assert channels["gestemd op papier"] == 2
    assert channels["gestemd online (telefoon of laptop)"] == 8
    # Ten voters of one wijk: its total; age bands under five hidden, with their neighbour.
    groups = {(g.category, g.label): g.count for g in made.participation.groups}
    assert groups[("wijk", "Testwijk")] == 10
    assert "<5" in [g.count for g in made.participation.groups if g.category == "leeftijd"]
    (counted,) = made.polls
    assert [r.option for r in counted.rows][0] == "Diemerhof" and counted.rows[0].chosen
    rules, *rounds = counted.rounds
    assert rules.title == "Stemregels"
    assert "Methode: Rangschikken (instant runoff)." in rules.lines
    assert any(line.startswith("Gelijke standen beslist het lotingszaad") for line in rules.lines)
    assert [r.title for r in rounds if r.title.startswith("Ronde")][:2] == ["Ronde 1", "Ronde 2"]
    assert "Gekozen: Diemerhof." in made.summary.outcome
    assert built.files[f"stembiljetten/{poll.result.file_name}"] == poll.result.file_text.encode()


def test_every_export_of_the_poll_reads_back(client):
    poll, _manager, _people = closed_poll()
    built = report.build_poll(poll, generated_at=timezone.now())
    title = built.report.title
    for name in (formats.PDF, formats.PDF_ARCHIVE):
        reader = PdfReader(io.BytesIO(built.files[name]))
        root = reader.trailer["/Root"]
        assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"], "tagged"
        assert root["/Lang"] == "nl" and reader.metadata.title == title
        text = pdf_text(built.files[name])
        assert "Stemregels" in text and "Ronde 2" in text and "Diemerhof" in text
        assert "De voorstellen" not in text and "De versies" not in text
        xmp = root["/Metadata"].get_object().get_data().decode()
        if name == formats.PDF_ARCHIVE:
            assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp

    document = docx.Document(io.BytesIO(built.files[formats.DOCX]))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == title and poll.title in headings
    assert "De amendementen en het antwoord van de raad" not in headings
    assert "De voorstellen en het antwoord van de raad" not in headings
    words = docx_text(built.files[formats.DOCX])
    assert "Wie mocht stemmen: de inwoners op de lijst van de gemeente." in words
    odt = load(io.BytesIO(built.files[formats.ODT]))
    assert [teletype.extractText(h) for h in odt.getElementsByType(odf_text.H)][0] == title
    cells = [teletype.extractText(c) for c in odt.getElementsByType(odf_table.TableCell)]
    assert "gestemd op papier" in cells and "Optie" in cells

    plain = list(csv.DictReader(io.StringIO(built.files[formats.FIGURES].decode("utf-8"))))
    excel = list(
        csv.DictReader(
            io.StringIO(built.files[formats.FIGURES_EXCEL].decode("utf-8-sig")), delimiter=";"
        )
    )
    assert plain == excel, "the same rows and numbers in both dialects"
    voted = next(r for r in plain if r["onderdeel"] == "stemming" and r["onderwerp"] == "gestemd")
    assert voted["aantal"] == "10"
    assert "## De voorstellen" not in built.files[formats.MARKDOWN].decode()

    schema = json.loads(client.get("/raad/verslag/schema.json").content)
    assert schema == json.loads(built.files[formats.SCHEMA])
    data = json.loads(built.files[formats.JSON])
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    assert data["kind"] == "peiling" and data["format_version"] == "4"
    data["kind"] = "enquete"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)

    with zipfile.ZipFile(io.BytesIO(built.archive)) as archive:
        names = archive.namelist()
        readme = archive.read(formats.README).decode()
    assert names[0] == formats.README
    assert f"stembiljetten/{poll.result.file_name}" in names
    for name in names:
        assert name in readme, name
    filing = json.loads(built.files[formats.METADATA_JSON])
    assert filing["identifier"] == f"participatieverslag-peiling-{poll.pk}"


def test_the_same_poll_gives_the_same_bytes():
    poll, _manager, _people = closed_poll()
    day = timezone.now().replace(hour=9, minute=0)
    first = report.build_poll(poll, generated_at=day)
    again = report.build_poll(poll, generated_at=day + timedelta(hours=2))
    assert first.archive == again.archive


def test_the_results_page_links_the_report_once_made_and_the_api_lists_it(client):
    poll, _manager, _people = closed_poll()
    results = f"/stemmen/{poll.pk}/uitslag/"
    assert "Participatieverslag" not in client.get(results).content.decode()
    assert client.get(page(poll)).status_code == 404
    assert client.get("/api/v1/reports/").json()["count"] == 0

    services.poll_report_publish(poll=poll, by=griffie_user(), now=timezone.now())
    shown = client.get(results).content.decode()
    assert f'href="{page(poll)}"' in shown and "Participatieverslag" in shown
    body = client.get(page(poll)).content.decode()
    assert "Stemregels" in body and "Ronde 2" in body and "De uitslag van de peiling" in body
    assert "De voorstellen en het antwoord van de raad" not in body
    zipped = client.get(f"{page(poll)}{formats.ARCHIVE}")
    assert zipped.status_code == 200 and zipped["Content-Type"] == "application/zip"
    listed = client.get("/api/v1/reports/").json()["results"]
    assert [(r["kind"], r["poll"], r["title"]) for r in listed] == [
        ("peiling", poll.pk, poll.title)
    ]
    assert listed[0]["page_url"].endswith(page(poll))
    assert client.get(listed[0]["json_url"]).json()["kind"] == "peiling"


def test_no_export_of_the_demos_poll_holds_a_residents_name_email_code_or_token(
    tmp_path,
):
    codes_file = tmp_path / "c.csv"
    seed_demo(tmp_path / "l.txt", codes_file, on_commit=True)
    poll = Poll.objects.get(title=REPORTED_POLL)
    assert Report.objects.filter(poll=poll).exists(), "the demo makes its report"
    with codes_file.open(encoding="utf-8") as handle:
        codes = {row["username"]: row["code"] for row in csv.DictReader(handle)}
    residents = list(User.objects.filter(username__in=codes))
    voted = set(
        Eligibility.objects.filter(poll=poll, has_voted=True).values_list(
            "participant__username", flat=True
        )
    )
    assert voted & set(codes), "residents voted in it"
    tokens = {person.pk: core_services.api_token_for(user=person) for person in residents}
    made = services.poll_report_publish(
        poll=poll, by=User.objects.get(username="griffie"), now=timezone.now()
    )
    client = Client()
    bodies = [client.get(page(poll)).content]
    with zipfile.ZipFile(io.BytesIO(bytes(made.archive))) as archive:
        names = archive.namelist()
        bodies += [archive.read(name) for name in names]
    for name in [formats.ARCHIVE, *names]:
        response = client.get(f"{page(poll)}{name}")
        assert response.status_code == 200, name
        bodies.append(response.content)
    # The documents' text as a reader's program extracts it (the files are compressed).
    everything = "\n".join(readable(body) for body in bodies)
    folded = everything.casefold()
    assert "Diemerhof" in everything and "Stemregels" in everything
    for person in residents:
        for value in personal_data(person, codes[person.username], tokens[person.pk]):
            found = as_a_word(everything, value, folded=folded)
            assert found is None, (person.username, value)


def test_a_stored_report_is_about_exactly_one_summit_nota_or_poll():
    poll, _manager, _people = closed_poll()
    summit = make_summit().summit
    kept = {"generated_at": timezone.now(), "archive": b"zip", "sha256": "0" * 64}
    for subjects in ({}, {"poll": poll, "summit": summit}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Report.objects.create(**subjects, **kept)
    assert Report.objects.create(poll=poll, **kept).poll == poll


def test_the_report_tells_the_frame_staff_set_for_the_poll():
    poll, _manager, _people = closed_poll(
        commissioned_by="Gemeenteraad",
        ladder="coproduce",
        limits="Alleen namen die de straatnamencommissie goedkeurde.",
    )
    built = report.build_poll(poll, generated_at=timezone.now())
    text = built.files[formats.MARKDOWN].decode()
    assert "**Opdrachtgever.** Gemeenteraad\n" in text
    assert "**Hoeveel inspraak.** Coproduceren: Inwoners en gemeente maken samen het plan." in text
    assert "Alleen namen die de straatnamencommissie goedkeurde. Inwoners konden alleen" in text
    assert "De gemeente houdt zich aan de uitslag" in text
    assert "Het college weegt de uitslag mee" not in text
    assert "Opdrachtgever: Gemeenteraad" in docx_text(built.files[formats.DOCX])
    assert json.loads(built.files[formats.METADATA_JSON])["organization"] == "Gemeenteraad"


def test_a_poll_whose_staff_named_nobody_is_the_executives_consultation():
    poll, _manager, _people = closed_poll()
    built = report.build_poll(poll, generated_at=timezone.now())
    text = built.files[formats.MARKDOWN].decode()
    assert "**Opdrachtgever.** College van burgemeester en wethouders" in text
    assert "**Hoeveel inspraak.** Raadplegen:" in text
    assert "Het college weegt de uitslag mee" in text
    filing = json.loads(built.files[formats.METADATA_JSON])
    assert filing["organization"] == "College van burgemeester en wethouders"
