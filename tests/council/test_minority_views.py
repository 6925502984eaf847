"""Minority views and open questions in the participation report: the theme team or a
facilitator marks a theme or an idea, a nota's editor marks a comment or a turned-down
amendment, with a plain form on their own pages; the report quotes them in participants' own
words, without names, under "Minderheidsstandpunten en open vragen" before the other voices,
and says so when nothing is marked. Nobody else can mark."""

from __future__ import annotations

import json

import jsonschema
import pytest
from django.test import Client
from django.utils import timezone

from council import report
from council.report import formats
from deliberation import services as summit_services
from deliberation.drafts import services as draft_services
from deliberation.drafts.models import Amendment, Comment
from deliberation.models import Idea, Theme
from tests.council.test_nota_report import finished_nota
from tests.council.test_report import DAY, docx_text, finished, pdf_text
from tests.privacy import as_a_word

pytestmark = pytest.mark.django_db

HEADING = "## Minderheidsstandpunten en open vragen"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def section(markdown: str) -> str:
    """The report's minority section, up to the other voices."""
    start = markdown.index(HEADING)
    return markdown[start : markdown.index("## Andere stemmen", start)]


def test_a_facilitator_marks_a_theme_and_an_idea_and_the_report_quotes_them_first():
    setup = finished()
    summit = setup.summit
    green = Theme.objects.get(summit=summit, name="Groen")
    bikes = Idea.objects.get(summit=summit, text="Fietspad langs het spoor")
    page = f"/burgertop/{summit.slug}/verslag-markeren/"
    facilitator = logged_in(setup.facilitator)
    listed = facilitator.get(page)
    assert listed.status_code == 200
    assert "Fietspad langs het spoor" in listed.content.decode()
    done = facilitator.post(
        f"{page}thema/{green.pk}/", {"markeren": "1"}, follow=True
    ).content.decode()
    assert (
        "staat in het participatieverslag" in done
        and "Dit thema niet meer voor het verslag" in done
    )
    logged_in(setup.theme_team).post(f"{page}idee/{bikes.pk}/", {"markeren": "1"})

    built = report.build(summit, generated_at=DAY)
    views = built.report.minority_views
    assert [(v.kind, v.text) for v in views] == [
        ("thema", "Groen"),
        ("idee", "Fietspad langs het spoor"),
    ]
    assert views[0].details == ("Bomen in de Ouddiemerlaan",), "hidden and withdrawn ideas stay out"
    markdown = built.files[formats.MARKDOWN].decode()
    assert markdown.index(HEADING) < markdown.index("## Andere stemmen")
    assert "- Thema: Groen\n  - Bomen in de Ouddiemerlaan" in section(markdown)
    assert "- Idee: Fietspad langs het spoor" in section(markdown)
    for person in [*setup.residents, *setup.hosts]:
        assert as_a_word(section(markdown), person.public_name) is None, person.public_name
        assert as_a_word(section(markdown), person.username) is None, person.username
    data = json.loads(built.files[formats.JSON])
    jsonschema.validate(data, json.loads(built.files[formats.SCHEMA]))
    assert data["minority_views"][1]["text"] == "Fietspad langs het spoor"
    assert "Minderheidsstandpunten en open vragen" in docx_text(built.files[formats.DOCX])
    pdf = pdf_text(built.files[formats.PDF])
    assert pdf.index("Minderheidsstandpunten") < pdf.index("Andere stemmen")
    assert report.build(summit, generated_at=DAY).archive == built.archive, "same bytes"

    facilitator.post(f"{page}thema/{green.pk}/", {"markeren": "0"})
    again = report.build(summit, generated_at=DAY).report
    assert [v.text for v in again.minority_views] == ["Fietspad langs het spoor"]


def test_with_nothing_marked_the_report_says_so():
    built = report.build(finished().summit, generated_at=DAY)
    assert built.report.minority_views == ()
    text = section(built.files[formats.MARKDOWN].decode())
    assert "Er is niets gemarkeerd als minderheidsstandpunt of open vraag" in text


def test_residents_and_table_hosts_cannot_mark_anything_for_the_report():
    setup = finished()
    summit = setup.summit
    bikes = Idea.objects.get(summit=summit, text="Fietspad langs het spoor")
    page = f"/burgertop/{summit.slug}/verslag-markeren/"
    for person in (setup.residents[0], setup.hosts[0], setup.outsider):
        client = logged_in(person)
        assert client.get(page).status_code == 403
        assert client.post(f"{page}idee/{bikes.pk}/", {"markeren": "1"}).status_code == 403
    with pytest.raises(summit_services.ReportMarkRefused) as refused:
        summit_services.idea_mark_for_report(idea=bikes, by=setup.hosts[0], marked=True)
    assert "themateam" in str(refused.value)
    assert not Idea.objects.filter(summit=summit, for_report=True).exists()


def test_a_hidden_idea_cannot_be_marked_and_the_page_says_why():
    setup = finished()
    hidden = Idea.objects.get(summit=setup.summit, status=Idea.Status.HIDDEN)
    answer = logged_in(setup.facilitator).post(
        f"/burgertop/{setup.summit.slug}/verslag-markeren/idee/{hidden.pk}/",
        {"markeren": "1"},
        follow=True,
    )
    assert "verborgen of ingetrokken" in answer.content.decode()
    assert not Idea.objects.get(pk=hidden.pk).for_report


def test_an_editor_marks_a_comment_and_a_turned_down_amendment_for_the_nota_report():
    draft, context = finished_nota()
    editor = context.staff["ambtenaar"]
    client = logged_in(editor)
    read = client.get(f"/nota/{draft.slug}/").content.decode()
    assert "Voor het verslag markeren" in read and "Niet meer voor het verslag" in read
    comments = list(Comment.objects.filter(version__draft=draft, parent=None).order_by("pk"))
    # The demo marked the question about a green roof; the editor takes it out and marks
    # the one about cargo bikes instead.
    client.post(f"/nota/{draft.slug}/reacties/{comments[1].pk}/verslag/", {"markeren": "0"})
    done = client.post(
        f"/nota/{draft.slug}/reacties/{comments[3].pk}/verslag/", {"markeren": "1"}, follow=True
    ).content.decode()
    assert "De reactie staat in het participatieverslag" in done
    amendments = list(Amendment.objects.filter(draft=draft).order_by("created_at", "pk"))
    taken = amendments[0]
    refused = client.post(
        f"/nota/{draft.slug}/amendementen/{taken.pk}/verslag/", {"markeren": "1"}, follow=True
    ).content.decode()
    assert "Alleen een afgewezen amendement" in refused
    client.post(f"/nota/{draft.slug}/amendementen/{amendments[3].pk}/verslag/", {"markeren": "1"})

    built = report.build_nota(draft, generated_at=timezone.now(), now=timezone.now())
    views = built.report.minority_views
    assert [(v.kind, v.label) for v in views] == [
        ("opmerking", "Opmerking"),
        ("amendement", "Afgewezen amendement 2"),
        ("amendement", "Afgewezen amendement 4"),
    ]
    assert views[0].text == "Zorg ook voor plek voor bakfietsen en driewielers."
    assert views[0].details == ("Bij de passage: overdekte fietsenstallingen",)
    assert views[2].details[-1].startswith("Reden van de redactie: De vervoerder")
    markdown = built.files[formats.MARKDOWN].decode()
    assert "Minderheidsstandpunten en open vragen" in markdown
    assert markdown.index(HEADING) < markdown.index("## Andere stemmen")
    for person in context.residents:
        assert as_a_word(section(markdown), person.public_name) is None, person.public_name
    jsonschema.validate(
        json.loads(built.files[formats.JSON]), json.loads(built.files[formats.SCHEMA])
    )


def test_only_the_notas_editors_mark_its_comments():
    draft, context = finished_nota()
    comment = Comment.objects.filter(version__draft=draft, parent=None).order_by("pk").first()
    resident = context.residents[0]
    answer = logged_in(resident).post(
        f"/nota/{draft.slug}/reacties/{comment.pk}/verslag/", {"markeren": "1"}, follow=True
    )
    assert "Alleen de redactie van deze nota" in answer.content.decode()
    assert not Comment.objects.get(pk=comment.pk).for_report
    with pytest.raises(PermissionError):
        draft_services.comment_mark_for_report(comment=comment, by=resident, marked=True)


def test_the_editors_page_lists_every_versions_comments_and_the_turned_down_amendments():
    draft, context = finished_nota()
    page = f"/nota/{draft.slug}/verslag-markeren/"
    editor = logged_in(context.staff["ambtenaar"])
    listed = editor.get(page).content.decode()
    # The read page shows the newest version's comments only; these were on version 1.
    assert "Zorg ook voor plek voor bakfietsen en driewielers." in listed
    assert "Amendement 2" in listed and "Amendement 4" in listed
    assert "Amendement 1" not in listed, "an amendment taken over is no minority view"
    cargo = Comment.objects.get(version__draft=draft, body__startswith="Zorg ook voor plek")
    back = editor.post(
        f"/nota/{draft.slug}/reacties/{cargo.pk}/verslag/", {"markeren": "1", "terug": "verslag"}
    )
    assert back.url == f"{page}#reactie-{cargo.pk}"
    assert Comment.objects.get(pk=cargo.pk).for_report
    assert logged_in(context.residents[0]).get(page).status_code == 403
