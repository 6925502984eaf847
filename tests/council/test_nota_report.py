"""The participation report of a nota whose reaction period is over: refused with the reason
while reactions or a vote on its amendments are open, and for someone without the right;
every export reads back (the PDF's text and PDF/A identification, the DOCX and ODT, both
CSV dialects to the same numbers, the JSON against its published schema, the ZIP's README
naming every file); each amendment's trail reaches the council's answer; no export of the
demo's nota holds a resident's name, e-mail address, code or token."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import timedelta

import docx
import jsonschema
import pytest
from django.test import Client
from django.utils import timezone
from django.utils.translation import trans_real
from odf import table as odf_table
from odf import teletype
from odf import text as odf_text
from odf.opendocument import load
from pypdf import PdfReader

from council import report, services
from council.models import Report
from council.report import formats
from deliberation.drafts import services as draft_services
from deliberation.drafts import setup as draft_setup
from deliberation.drafts.demo import FINISHED_SLUG, finished_seed
from deliberation.drafts.models import Amendment, Draft
from samenspel import i18n
from samenspel import services as core_services
from samenspel.demo import DemoContext
from samenspel.models import Role, User
from tests.council.factories import griffie_user
from tests.council.readable import readable
from tests.council.test_report import docx_text, pdf_text
from tests.demo_seed import seed_demo
from tests.factories import UserFactory
from tests.privacy import as_a_word, personal_data

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    i18n.compile_all()
    trans_real._translations = {}
    trans_real._default = None


MAKE = "/werkruimte/raad/verslagen/"
PAGE = f"/raad/nota/{FINISHED_SLUG}/verslag/"


def finished_nota(now=None) -> tuple[Draft, DemoContext]:
    """The demo's finished nota (four amendments, two put to a vote of sixteen residents),
    built through the services over ten weeks before ``now``."""
    now = now or timezone.now()
    context = DemoContext(now=now, small=True, fresh=True)
    context.staff["beheer"] = UserFactory(roles=[Role.ADMINISTRATOR], is_staff=True)
    context.staff["ambtenaar"] = UserFactory(roles=[Role.EDITOR], is_staff=True)
    context.residents = [
        UserFactory(roles=[Role.RESIDENT], birth_year=1950 + 2 * n) for n in range(30)
    ]
    return finished_seed(context), context


def answer(amendment: Amendment, status: str, reasons: str = "") -> None:
    services.amendment_answer_record(
        amendment=amendment,
        by=griffie_user(),
        given=services.AnswerInput(status_key=status, reasons=reasons),
    )


def built_with_answers() -> report.Built:
    draft, _context = finished_nota()
    first, second, *_rest = Amendment.objects.filter(draft=draft).order_by("created_at", "pk")
    answer(first, "adopted", "De raad neemt het **warmwaterbad** over.")
    answer(second, "not_adopted", "Geen geld dit jaar.")
    return report.build_nota(draft, generated_at=timezone.now(), now=timezone.now())


def test_a_nota_whose_reactions_are_open_or_that_has_no_version_is_refused_with_the_reason():
    editor = UserFactory(roles=[Role.EDITOR], is_staff=True)
    now = timezone.now()
    draft = draft_setup.draft_start(
        by=UserFactory(roles=[Role.ADMINISTRATOR]), title="Jeugdnota", kind="jeugdnota", now=now
    )
    with pytest.raises(report.ReportRefused) as refused:
        report.build_nota(draft, generated_at=now, now=now)
    assert "nog geen gepubliceerde versie" in refused.value.message
    draft_services.version_publish(draft=draft, by=editor, now=now)
    with pytest.raises(report.ReportRefused) as refused:
        report.build_nota(draft, generated_at=now, now=now)
    assert "geen einde van de reactieperiode" in refused.value.message
    draft_setup.draft_period_set(
        draft=draft,
        by=UserFactory(roles=[Role.ADMINISTRATOR]),
        opens=now - timedelta(days=1),
        closes=now + timedelta(days=14),
        now=now,
    )
    griffie = Client()
    griffie.force_login(griffie_user())
    refused_page = griffie.post(MAKE, {"draft": draft.slug})
    assert refused_page.status_code == 400
    assert "De reactieperiode van deze nota loopt nog tot" in refused_page.content.decode()
    english = griffie.post(MAKE, {"draft": draft.slug}, HTTP_ACCEPT_LANGUAGE="en")
    assert "reaction period runs until" in english.content.decode()
    assert not Report.objects.exists()
    assert Client().get(f"/raad/nota/{draft.slug}/verslag/").status_code == 404


def test_a_vote_on_amendments_still_open_is_refused_with_the_reason():
    now = timezone.now()
    draft, context = finished_nota(now)
    editor = context.staff["ambtenaar"]
    # The editors take one more amendment to a vote after the period: still open.
    version = draft.versions.order_by("-number").first()
    late = Amendment.objects.create(
        draft=draft,
        version=version,
        author=context.residents[0],
        passage="Voor de nieuwbouw",
        start=version.text.index("Voor de nieuwbouw"),
        replacement="Voor de bouw",
        rationale="Korter.",
        created_at=now,
    )
    draft_services.amendments_put_to_vote(amendments=[late], by=editor, now=now)
    with pytest.raises(report.ReportRefused) as refused:
        services.nota_report_publish(draft=draft, by=griffie_user(), now=now)
    assert "Er loopt nog een stemming over amendementen" in refused.value.message
    assert not Report.objects.exists()


def test_only_the_griffie_administrators_and_the_notas_editors_make_it():
    draft, context = finished_nota()
    member = Client()
    member.force_login(UserFactory(roles=[Role.COUNCIL_MEMBER]))
    assert member.post(MAKE, {"draft": draft.slug}).status_code == 403
    with pytest.raises(services.ReportForbidden):
        services.nota_report_publish(draft=draft, by=context.residents[0], now=timezone.now())
    assert not Report.objects.exists()
    services.nota_report_publish(draft=draft, by=context.staff["ambtenaar"], now=timezone.now())
    assert Report.objects.filter(draft=draft, summit=None).count() == 1


def test_the_griffie_makes_it_and_a_council_member_finds_it_in_the_reading_room():
    draft, _context = finished_nota()
    griffie = Client()
    griffie.force_login(griffie_user())
    assert Client().get(PAGE).status_code == 404, "no report before it is made"
    made = griffie.post(MAKE, {"draft": draft.slug}, follow=True).content.decode()
    assert f"Het participatieverslag van {draft.title} is gemaakt" in made
    member = Client()
    member.force_login(UserFactory(roles=[Role.COUNCIL_MEMBER]))
    room = member.get("/raad/").content.decode()
    assert f'href="{PAGE}"' in room and f"{PAGE}participatieverslag.zip" in room
    page = Client().get(PAGE).content.decode()
    assert "Amendement 1" in page and "Amendement 4" in page
    assert "12 voor, 4 tegen, 0 onthouding (aangenomen)" in page
    assert "Definitieve versie na inspraak" in page


def test_everyone_reads_what_was_done_with_the_amendments_on_the_notas_public_page():
    draft, _context = finished_nota()
    first = Amendment.objects.filter(draft=draft).order_by("created_at", "pk").first()
    answer(first, "adopted", "De raad neemt het **warmwaterbad** over.")
    public = Client().get(f"/raad/nota/{draft.slug}/")
    assert public.status_code == 200
    text = public.content.decode()
    assert "Wat is er met onze amendementen gedaan?" in text
    assert "aangenomen" in text and "<strong>warmwaterbad</strong>" in text
    assert text.count("De raad heeft nog niet geantwoord.") == 3
    assert PAGE not in text, "no report yet, so no link to it"
    services.nota_report_publish(draft=draft, by=griffie_user(), now=timezone.now())
    assert PAGE in Client().get(f"/raad/nota/{draft.slug}/").content.decode()
    unpublished = draft_setup.draft_start(
        by=UserFactory(roles=[Role.ADMINISTRATOR]),
        title="Nog geen versie",
        kind="jeugdnota",
        now=timezone.now(),
    )
    assert Client().get(f"/raad/nota/{unpublished.slug}/").status_code == 404


def test_each_amendments_trail_runs_from_proposal_to_the_councils_answer():
    built = built_with_answers()
    data = built.report
    assert data.kind == "nota" and data.proposals == ()
    first, second, third, fourth = data.amendments
    assert (first.supporters, first.vote_passed, first.taken_over) == (4, True, True)
    assert first.answer is not None and first.answer.status == "aangenomen"
    assert (second.vote_passed, second.taken_over, second.status) == (False, False, "afgewezen")
    assert second.answer is not None and second.answer.status == "niet aangenomen"
    assert third.vote == "" and third.taken_over and third.answer is None
    assert fourth.decision_reason.startswith("De vervoerder")
    counts = {c.label: c.count for c in data.participation.channels}
    assert counts["amendementen ingediend"] == 4 and counts["gestemd over amendementen"] == 16
    assert counts["opmerkingen"] == 4 and counts["antwoorden op opmerkingen"] == 1
    assert counts["inwoners die reageerden (online)"] == 12
    groups = {(g.category, g.label): g.count for g in data.participation.groups}
    # 9 + 3 of 12 residents: the 9 is hidden too, or 12 - 9 would give the 3 away.
    assert groups[("leeftijd", "30-49")] == "verborgen"
    assert groups[("leeftijd", "50-66")] == "<5", "three people: a group under five is hidden"
    assert groups[("wijk", "onbekend")] == 12
    assert [v.final for v in data.versions] == [False, True]
    assert "warmwaterbad voor ouderen" in data.final_text
    text = built.files[formats.MARKDOWN].decode()
    assert "## De amendementen en het antwoord van de raad" in text
    assert "Status: aangenomen (50%)." in text and "De raad heeft nog niet geantwoord." in text


def test_every_export_of_the_nota_reads_back(client):
    built = built_with_answers()
    for name in (formats.PDF, formats.PDF_ARCHIVE):
        reader = PdfReader(io.BytesIO(built.files[name]))
        root = reader.trailer["/Root"]
        assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"], "tagged"
        text = pdf_text(built.files[name])
        assert "Amendement 2" in text and "warmwaterbad" in text and "Geen geld dit jaar." in text
        xmp = root["/Metadata"].get_object().get_data().decode()
        if name == formats.PDF_ARCHIVE:
            assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp
    title = built.report.title
    assert PdfReader(io.BytesIO(built.files[formats.PDF])).metadata.title == title

    document = docx.Document(io.BytesIO(built.files[formats.DOCX]))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == title
    assert "De amendementen en het antwoord van de raad" in headings
    assert "Amendement 4" in headings and "De tekst van versie 2" in headings
    versions = document.tables[-1]
    assert [c.text for c in versions.rows[2].cells] == [
        "2",
        versions.rows[2].cells[1].text,
        "Definitieve versie na inspraak",
        "ja",
    ]
    assert "Status: niet aangenomen (0%)." in docx_text(built.files[formats.DOCX])

    odt = load(io.BytesIO(built.files[formats.ODT]))
    odt_headings = [teletype.extractText(h) for h in odt.getElementsByType(odf_text.H)]
    assert odt_headings[0] == title and "Amendement 1" in odt_headings
    cells = [teletype.extractText(c) for c in odt.getElementsByType(odf_table.TableCell)]
    assert "amendementen overgenomen" in cells and "Definitieve versie na inspraak" in cells

    plain = list(csv.DictReader(io.StringIO(built.files[formats.FIGURES].decode("utf-8"))))
    excel = list(
        csv.DictReader(
            io.StringIO(built.files[formats.FIGURES_EXCEL].decode("utf-8-sig")), delimiter=";"
        )
    )
    assert plain == excel, "the same rows and numbers in both dialects"
    amendments = [r for r in plain if r["onderdeel"] == "amendement"]
    assert [(r["aantal"], r["gekozen"]) for r in amendments] == [
        ("4", "ja"),
        ("3", "nee"),
        ("2", "ja"),
        ("1", "nee"),
    ]
    assert {"onderwerp": "gestemd", "aantal": "16"}.items() <= next(
        r for r in plain if r["onderdeel"] == "stemming" and r["onderwerp"] == "gestemd"
    ).items()

    schema = json.loads(client.get("/raad/verslag/schema.json").content)
    assert schema == json.loads(built.files[formats.SCHEMA])
    data = json.loads(built.files[formats.JSON])
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    assert data["kind"] == "nota" and len(data["amendments"]) == 4
    data["amendments"][0]["supporters"] = -1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)

    with zipfile.ZipFile(io.BytesIO(built.archive)) as archive:
        names = archive.namelist()
        readme = archive.read(formats.README).decode()
    assert names[0] == formats.README
    assert [n for n in names if n.startswith("stembiljetten/")], "the vote's ballot file"
    for name in names:
        assert name in readme, name
    for column in (*formats.FIGURE_COLUMNS, *formats.METADATA_COLUMNS):
        assert f"  {column}: " in readme, column
    filing = json.loads(built.files[formats.METADATA_JSON])
    assert filing["identifier"] == f"participatieverslag-nota-{FINISHED_SLUG}"


def test_the_same_nota_gives_the_same_bytes():
    draft, _context = finished_nota()
    now = timezone.now()
    day = now.replace(hour=9, minute=0)
    first = report.build_nota(draft, generated_at=day, now=now)
    again = report.build_nota(draft, generated_at=day + timedelta(hours=2), now=now)
    assert first.archive == again.archive


def test_no_export_of_the_demos_nota_holds_a_residents_name_email_code_or_token(
    tmp_path,
):
    codes_file = tmp_path / "c.csv"
    seed_demo(tmp_path / "l.txt", codes_file, on_commit=True)
    draft = Draft.objects.get(slug=FINISHED_SLUG)
    assert Report.objects.filter(draft=draft).exists(), "the demo publishes its report"
    with codes_file.open(encoding="utf-8") as handle:
        codes = {row["username"]: row["code"] for row in csv.DictReader(handle)}
    residents = list(User.objects.filter(username__in=codes))
    took_part = set(
        Amendment.objects.filter(draft=draft).values_list("author__username", flat=True)
    )
    assert took_part and took_part <= set(codes)
    tokens = {person.pk: core_services.api_token_for(user=person) for person in residents}
    made = services.nota_report_publish(
        draft=draft, by=User.objects.get(username="griffie"), now=timezone.now()
    )
    client = Client()
    bodies = [client.get(PAGE).content]
    with zipfile.ZipFile(io.BytesIO(bytes(made.archive))) as archive:
        names = archive.namelist()
        bodies += [archive.read(name) for name in names]
    for name in [formats.ARCHIVE, *names]:
        response = client.get(f"{PAGE}{name}")
        assert response.status_code == 200, name
        bodies.append(response.content)
    # The documents' text as a reader's program extracts it (the files are compressed).
    everything = "\n".join(readable(body) for body in bodies)
    folded = everything.casefold()
    assert "warmwaterbad" in everything and "Zorg ook voor plek voor bakfietsen" in everything
    for person in residents:
        for value in personal_data(person, codes[person.username], tokens[person.pk]):
            found = as_a_word(everything, value, folded=folded)
            assert found is None, (person.username, value)


def test_the_report_tells_who_asked_for_the_nota_and_how_much_say_as_staff_set_it():
    draft, context = finished_nota()
    now = timezone.now()
    demo = report.build_nota(draft, generated_at=now, now=now)
    assert "**Opdrachtgever.** Gemeenteraad van Diemen" in demo.files[formats.MARKDOWN].decode()

    draft_setup.draft_details_change(
        draft=draft,
        by=context.staff["ambtenaar"],
        title=draft.title,
        summary=draft.summary,
        commissioned_by="Gemeenteraad",
        ladder="coproduce",
    )
    built = report.build_nota(draft, generated_at=now, now=now)
    text = built.files[formats.MARKDOWN].decode()
    assert "**Opdrachtgever.** Gemeenteraad\n" in text
    assert "**Hoeveel inspraak.** Coproduceren: Inwoners en gemeente maken samen het plan." in text
    assert "Opdrachtgever: Gemeenteraad" in docx_text(built.files[formats.DOCX])
    assert json.loads(built.files[formats.METADATA_JSON])["organization"] == "Gemeenteraad"

    draft_setup.draft_details_change(
        draft=draft,
        by=context.staff["ambtenaar"],
        title=draft.title,
        summary=draft.summary,
        commissioned_by="",
        ladder="advise",
    )
    unnamed = report.build_nota(draft, generated_at=now, now=now)
    text = unnamed.files[formats.MARKDOWN].decode()
    assert "**Opdrachtgever.** College van burgemeester en wethouders" in text
    assert "**Hoeveel inspraak.** Adviseren:" in text
    filing = json.loads(unnamed.files[formats.METADATA_JSON])
    assert filing["organization"] == "College van burgemeester en wethouders"
