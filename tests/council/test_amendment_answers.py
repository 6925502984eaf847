"""The council's answers on nota amendments: the griffie answers each amendment of a nota
with a published version on its own page (the same fields, permission and history as a
proposal's), and in the same CSV file as the proposals (a ``soort`` column; old files
without it still import); the read API lists them and the nota's report; the nota's read
page links to its council page."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from council import selectors, services
from council.models import Answer, AnswerChange
from deliberation.drafts import services as draft_services
from deliberation.drafts import setup as draft_setup
from deliberation.drafts.models import Amendment, Draft
from deliberation.models import Summit
from samenspel.models import Role
from tests.council.factories import council_setup, griffie_user
from tests.council.test_nota_report import finished_nota
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ANSWERS = "/werkruimte/raad/"


def nota_amendments() -> tuple[Draft, list[Amendment]]:
    draft, _context = finished_nota()
    return draft, list(Amendment.objects.filter(draft=draft).order_by("created_at", "pk"))


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(pk: int) -> str:
    return reverse("council_amendment_answer", args=[pk])


def test_the_griffie_answers_an_amendment_on_its_page_and_residents_read_it():
    draft, amendments = nota_amendments()
    griffie = signed_in(griffie_user())
    listing = griffie.get(ANSWERS).content.decode()
    assert draft.title in listing and "0 van 4 amendementen hebben een antwoord." in listing
    assert f'href="{page(amendments[1].pk)}"' in listing

    form = griffie.get(page(amendments[1].pk)).content.decode()
    assert "Amendement 2" in form and amendments[1].passage_shown[:20] in form
    stored = griffie.post(
        page(amendments[1].pk),
        {
            "status": "not_adopted",
            "reasons": "Geen geld in **2026**.",
            "decision_date": "12-03-2026",
            "decision_reference": "RB 2026-031",
            "milestones": "2026-05-01 | 10 | Besproken in de commissie",
        },
        follow=True,
    )
    assert "Het antwoord op amendement 2 van" in stored.content.decode()
    answer = Answer.objects.get(amendment=amendments[1])
    assert answer.status.key == "not_adopted" and str(answer.decision_date) == "2026-03-12"
    assert answer.milestones.get().description == "Besproken in de commissie"
    assert AnswerChange.objects.get(answer=answer).source == "form"
    assert "1 van 4 amendementen hebben een antwoord." in griffie.get(ANSWERS).content.decode()

    public = Client().get(reverse("council_public_nota", args=[draft.slug])).content.decode()
    assert "Geen geld in <strong>2026</strong>." in public and "RB 2026-031" in public

    # The same answer again writes no history; a change writes one, shown on the page.
    griffie.post(
        page(amendments[1].pk),
        {
            "status": "not_adopted",
            "reasons": "Geen geld in **2026**.",
            "decision_date": "2026-03-12",
            "decision_reference": "RB 2026-031",
            "milestones": "2026-05-01 | 10 | Besproken in de commissie",
        },
    )
    assert AnswerChange.objects.filter(answer=answer).count() == 1
    griffie.post(page(amendments[1].pk), {"status": "adopted"})
    assert AnswerChange.objects.filter(answer=answer).count() == 2
    assert "Eerdere wijzigingen" in griffie.get(page(amendments[1].pk)).content.decode()


def test_a_wrong_answer_on_an_amendment_is_refused_at_its_field_and_nothing_is_stored():
    _draft, amendments = nota_amendments()
    griffie = signed_in(griffie_user())
    refused = griffie.post(
        page(amendments[0].pk),
        {"status": "", "decision_reference": "http://example.org/besluit"},
    )
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Er is niets opgeslagen" in text and "begint met https://" in text
    assert not Answer.objects.filter(amendment=amendments[0]).exists()


def test_a_council_member_without_the_right_gets_403_and_changes_nothing():
    _draft, amendments = nota_amendments()
    member = signed_in(UserFactory(roles=[Role.COUNCIL_MEMBER]))
    shown = member.get(page(amendments[0].pk))
    assert shown.status_code == 403
    assert "Alleen de griffie kan de antwoorden van de raad vastleggen" in shown.content.decode()
    posted = member.post(page(amendments[0].pk), {"status": "adopted"})
    assert posted.status_code == 403
    assert not Answer.objects.filter(amendment=amendments[0]).exists()
    assert Client().get(page(amendments[0].pk)).status_code == 302  # to the login page


def test_an_unknown_amendment_has_no_answer_page():
    griffie = signed_in(griffie_user())
    assert griffie.get(page(999_999)).status_code == 404


def rows_of(exported: bytes, excel: bool) -> list[dict[str, str]]:
    text = exported.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";" if excel else ","))


@pytest.mark.parametrize("excel", [False, True])
def test_the_export_lists_amendments_and_imports_again_without_a_change(excel):
    setup = council_setup()
    draft, amendments = nota_amendments()
    services.amendment_answer_record(
        amendment=amendments[0],
        by=setup.griffie,
        given=services.AnswerInput(status_key="adopted", reasons="Over;genomen,\n met *zin*."),
    )
    exported = selectors.answers_csv(excel=excel)
    rows = rows_of(exported, excel)
    assert [(r["soort"], r["burgertop"], r["voorstel"]) for r in rows[:3]] == [
        ("voorstel", "burgertop-raad", "1"),
        ("voorstel", "burgertop-raad", "2"),
        ("voorstel", "burgertop-raad", "3"),
    ]
    assert [(r["soort"], r["nota"], r["amendement"], r["status"]) for r in rows[3:]] == [
        ("amendement", draft.slug, "1", "adopted"),
        ("amendement", draft.slug, "2", ""),
        ("amendement", draft.slug, "3", ""),
        ("amendement", draft.slug, "4", ""),
    ]
    check = services.answer_file_import(by=setup.griffie, data=exported)
    assert [row.outcome for row in check.rows] == ["skipped"] * 3 + ["same"] + ["skipped"] * 3
    assert AnswerChange.objects.count() == 1

    # The clerk fills in two rows in the same file: one proposal, one amendment.
    rows[1]["status"] = "in_progress"
    rows[5]["status"] = "niet aangenomen"
    rows[5]["besluitdatum"] = "12-03-2026"
    edited = io.StringIO()
    writer = csv.DictWriter(edited, fieldnames=list(rows[0]), delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    check = services.answer_file_import(by=griffie_user(), data=edited.getvalue().encode())
    assert [row.outcome for row in check.rows if row.outcome != "skipped"] == [
        "new",
        "same",
        "new",
    ]
    third = Answer.objects.get(amendment=amendments[2])
    assert third.status.key == "not_adopted" and str(third.decision_date) == "2026-03-12"
    assert AnswerChange.objects.get(answer=third).source == "file"
    assert Answer.objects.get(proposal=setup.proposals[1]).status.key == "in_progress"


def test_an_old_file_without_the_soort_column_still_imports():
    setup = council_setup()
    nota_amendments()
    content = (
        "burgertop;voorstel;titel;status;toelichting;besluitdatum;raadsbesluit;mijlpalen\r\n"
        "burgertop-raad;2;;aangenomen;Overgenomen;12-03-2026;RB 2026-014;\r\n"
    ).encode("cp1252")
    check = services.answer_file_import(by=setup.griffie, data=content)
    assert [row.outcome for row in check.rows] == ["new"]
    assert Answer.objects.get(proposal=setup.proposals[1]).status.key == "adopted"


def test_a_file_of_amendments_only_needs_no_summit_columns():
    griffie = griffie_user()
    draft, amendments = nota_amendments()
    content = f"nota,amendement,status\r\n{draft.slug},4,in_progress\r\n".encode()
    services.answer_file_import(by=griffie, data=content)
    assert Answer.objects.get(amendment=amendments[3]).status.key == "in_progress"


def test_wrong_amendment_rows_are_named_per_row_and_nothing_is_stored():
    setup = council_setup()
    draft, amendments = nota_amendments()
    content = "\r\n".join(
        [
            "soort,burgertop,voorstel,nota,amendement,status,besluitdatum",
            "voorstel,burgertop-raad,1,,,adopted,",
            f"amendement,,,{draft.slug},1,adopted,",
            f"amendement,,,{draft.slug},99,adopted,",
            f"amendement,,,{draft.slug},2,bestaat_niet,",
            f"amendement,,,{draft.slug},3,adopted,31-02-2026",
            f"amendement,,,{draft.slug},1,not_adopted,",
            f"motie,,,{draft.slug},4,adopted,",
            "amendement,,,,x,adopted,",
        ]
    ).encode()
    check = services.answer_file_check(data=content)
    errors = {row.line: " ".join(row.errors) for row in check.rows if row.errors}
    assert sorted(errors) == [4, 5, 6, 7, 8, 9]
    assert f"Amendement 99 van de nota '{draft.slug}' bestaat niet." in errors[4]
    assert "De status 'bestaat_niet' bestaat niet." in errors[5]
    assert "De datum '31-02-2026' klopt niet" in errors[6]
    assert "Dit amendement staat al in regel 3." in errors[7]
    assert "De soort 'motie' bestaat niet" in errors[8]
    assert "De nota ontbreekt." in errors[9] and "'x' is geen getal" in errors[9]
    with pytest.raises(Exception) as refused:
        services.answer_file_import(by=setup.griffie, data=content)
    assert "Regel 4:" in str(refused.value) and "Regel 9:" in str(refused.value)
    assert not Answer.objects.exists()  # all or nothing: the right rows are not stored either


def test_the_import_page_shows_amendment_rows_and_stores_them():
    draft, amendments = nota_amendments()
    griffie = signed_in(griffie_user())
    content = f"soort,nota,amendement,status\r\namendement,{draft.slug},2,adopted\r\n".encode()
    upload = io.BytesIO(content)
    upload.name = "antwoorden.csv"
    preview = griffie.post("/werkruimte/raad/import/", {"file": upload}).content.decode()
    assert f"{draft.slug}, amendement 2" in preview and "Nieuw antwoord" in preview
    assert not Answer.objects.exists()
    carried = preview.split('name="carried" value="')[1].split('"')[0]
    griffie.post("/werkruimte/raad/import/", {"carried": carried, "store": "1"})
    assert Answer.objects.get(amendment=amendments[1]).status.key == "adopted"


def test_a_council_member_without_the_right_cannot_import_amendment_answers():
    member = UserFactory(roles=[Role.COUNCIL_MEMBER])
    draft, _amendments = nota_amendments()
    content = f"nota,amendement,status\r\n{draft.slug},1,adopted\r\n".encode()
    with pytest.raises(services.AnswerForbidden):
        services.answer_file_import(by=member, data=content)
    assert not Answer.objects.exists()


def test_the_api_serves_amendment_answers_and_nota_reports_and_nothing_unpublished():
    setup = council_setup()
    draft, amendments = nota_amendments()
    services.amendment_answer_record(
        amendment=amendments[2],
        by=setup.griffie,
        given=services.AnswerInput(status_key="adopted", reasons="Ja, **graag**."),
    )
    now = timezone.now()
    services.nota_report_publish(draft=draft, by=setup.griffie, now=now)
    # Unpublished: a nota without a version, a summit still being prepared.
    draft_setup.draft_start(
        by=UserFactory(roles=[Role.ADMINISTRATOR]), title="Jeugdnota", kind="jeugdnota", now=now
    )
    hidden = council_setup("burgertop-concept")
    Summit.objects.filter(pk=hidden.summit.pk).update(status=Summit.Status.DRAFT)
    api = Client()

    body = api.get("/api/v1/answers/").json()
    assert body["count"] == 3 + 4
    kinds = [(r["kind"], r["summit"], r["nota"], r["number"]) for r in body["results"]]
    assert kinds[3:] == [("amendement", None, draft.slug, n) for n in (1, 2, 3, 4)]
    assert "burgertop-concept" not in str(body)
    third = body["results"][5]
    assert third["answer"]["status"]["key"] == "adopted"
    assert third["answer"]["reasons_html"] == "<p>Ja, <strong>graag</strong>.</p>"
    assert third["page_url"].endswith(f"/raad/nota/{draft.slug}/")
    assert third["nota_url"].endswith(f"/api/v1/drafts/{draft.slug}/")

    # A page that spans the proposals and the amendments, and the filters.
    spanning = api.get("/api/v1/answers/?limit=2&offset=2").json()["results"]
    assert [(r["kind"], r["number"]) for r in spanning] == [("voorstel", 3), ("amendement", 1)]
    only = api.get(f"/api/v1/answers/?nota={draft.slug}&status=adopted").json()
    assert [(r["nota"], r["number"]) for r in only["results"]] == [(draft.slug, 3)]
    unanswered = api.get("/api/v1/answers/?kind=amendement&status=geen").json()
    assert [r["number"] for r in unanswered["results"]] == [1, 2, 4]
    assert api.get("/api/v1/answers/?kind=motie").status_code == 400

    reports = api.get("/api/v1/reports/").json()
    assert reports["count"] == 1
    made = reports["results"][0]
    assert (made["kind"], made["nota"], made["summit"]) == ("nota", draft.slug, None)
    assert made["archive_url"].endswith(f"/raad/nota/{draft.slug}/verslag/participatieverslag.zip")
    assert api.get(made["json_url"]).status_code == 200
    assert api.get(made["page_url"]).status_code == 200


def test_the_nota_read_page_links_to_its_council_page_once_a_version_is_published():
    draft, _amendments = nota_amendments()
    council_page = reverse("council_public_nota", args=[draft.slug])
    shown = Client().get(reverse("drafts:detail", args=[draft.slug])).content.decode()
    assert f'href="{council_page}"' in shown and "Wat is er met de amendementen gedaan?" in shown
    unpublished = draft_setup.draft_start(
        by=UserFactory(roles=[Role.ADMINISTRATOR]),
        title="Jeugdnota",
        kind="jeugdnota",
        now=timezone.now(),
    )
    bare = Client().get(reverse("drafts:detail", args=[unpublished.slug])).content.decode()
    assert "/raad/nota/" not in bare
    assert Client().get(reverse("council_public_nota", args=[unpublished.slug])).status_code == 404


def test_an_open_amendment_of_a_nota_not_yet_sent_to_the_council_cannot_be_answered_yet():
    now = timezone.now()
    admin = UserFactory(roles=[Role.ADMINISTRATOR], is_staff=True)
    editor = UserFactory(roles=[Role.EDITOR], is_staff=True)
    draft = draft_setup.draft_start(
        by=admin, title="Speeltuinnota", kind="jeugdnota", now=now, text="Open om acht uur.\n"
    )
    draft_setup.draft_editor_name(draft=draft, by=admin, username=editor.username)
    draft_setup.draft_period_set(
        draft=draft,
        by=editor,
        opens=now - timedelta(days=1),
        closes=now + timedelta(days=9),
        now=now,
    )
    version = draft_services.version_publish(draft=draft, by=editor, now=now)
    amendment = draft_services.amendment_propose(
        version=version,
        by=UserFactory(roles=[Role.RESIDENT]),
        passage="acht",
        start=version.text.index("acht"),
        replacement="zeven",
        rationale="Vroeger open.",
        now=now,
    )
    griffie = signed_in(griffie_user())
    assert "Speeltuinnota" not in griffie.get(ANSWERS).content.decode()
    assert griffie.get(page(amendment.pk)).status_code == 404
    assert griffie.post(page(amendment.pk), {"status": "adopted"}).status_code == 404
    content = f"nota,amendement,status\r\n{draft.slug},1,adopted\r\n".encode()
    check = services.answer_file_check(data=content)
    assert "heeft de redactie nog niet besloten" in " ".join(check.rows[0].errors)
    assert f"{draft.slug}" not in selectors.answers_csv(excel=False).decode()

    # Once the editor decides, the griffie can answer it.
    draft_services.amendment_reject(amendment=amendment, by=editor, reason="Te vroeg.", now=now)
    assert griffie.get(page(amendment.pk)).status_code == 200
    services.answer_file_import(by=griffie_user(), data=content)
    assert Answer.objects.get(amendment=amendment).status.key == "adopted"


def test_an_amendment_is_named_by_its_passage_as_the_page_shows_it():
    assert selectors.amendment_title(Amendment(passage="de **grote** zaal")) == "de grote zaal"
    assert selectors.amendment_title(Amendment(passage="om acht uur\nopen")) == "om acht uur open"
    long = selectors.amendment_title(Amendment(passage="woord " * 40))
    assert len(long) == 80 and long.endswith("…")
