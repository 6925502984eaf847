"""The council's pages: who may open which, the griffie's forms (CSRF-protected, bad input
answered in Dutch), the reading room's filters, and the public page of answers."""

from __future__ import annotations

import base64
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from council import services
from council.models import Answer, AnswerStatus
from deliberation.models import Proposal, Summit
from samenspel.models import Role
from tests.council.factories import council_setup
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def client_for(user=None, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    if user is not None:
        client.force_login(user)
    return client


def text(response) -> str:
    return unescape(response.content.decode())


def answer(setup, proposal, status_key="adopted", **given):
    return services.answer_record(
        proposal=proposal,
        by=setup.griffie,
        given=services.AnswerInput(status_key=status_key, **given),
    )


def form_data(**values):
    return {
        "status": "adopted",
        "reasons": "",
        "decision_date": "",
        "decision_reference": "",
        "milestones": "",
        **values,
    }


def test_the_public_page_shows_each_frozen_proposal_with_its_answer_to_anyone():
    setup = council_setup()
    answer(
        setup,
        setup.proposals[0],
        "implemented",
        reasons="De bomen **staan**.",
        decision_reference="https://diemen.raadsinformatie.nl/besluit/14",
    )
    page = text(Client().get("/raad/burgertop/burgertop-raad/"))
    assert "Wat is er met onze voorstellen gedaan?" in page
    assert "Voorstel over bomen 1" in page and "uitgevoerd" in page
    assert "<strong>staan</strong>" in page
    assert 'href="https://diemen.raadsinformatie.nl/besluit/14"' in page
    assert page.count("De raad heeft nog niet geantwoord.") == 2


def test_the_public_page_leaves_out_proposals_still_being_written_and_draft_summits():
    setup = council_setup(frozen=False)
    answer(setup, setup.proposals[0])
    page = text(Client().get("/raad/burgertop/burgertop-raad/"))
    assert "Voorstel over bomen" not in page
    assert "Er liggen nog geen voorstellen vast" in page
    Summit.objects.filter(pk=setup.summit.pk).update(status=Summit.Status.DRAFT)
    assert Client().get("/raad/burgertop/burgertop-raad/").status_code == 404
    assert Client().get("/raad/burgertop/bestaat-niet/").status_code == 404


def test_reasons_cannot_carry_a_script_onto_the_public_page():
    setup = council_setup()
    answer(
        setup, setup.proposals[0], reasons='<script>alert(1)</script><a href="javascript:x">k</a>'
    )
    page = Client().get("/raad/burgertop/burgertop-raad/").content.decode()
    assert "<script>alert" not in page and "javascript:x" not in page


def test_the_reading_room_is_for_council_members_and_staff():
    setup = council_setup()
    assert client_for(setup.member).get("/raad/").status_code == 200
    assert client_for(UserFactory(roles=[Role.EDITOR])).get("/raad/").status_code == 200
    assert client_for(setup.resident).get("/raad/").status_code == 403
    assert Client().get("/raad/").status_code == 302
    trail = "/raad/burgertop/burgertop-raad/voorstellen/1/"
    assert client_for(setup.resident).get(trail).status_code == 403
    page = text(client_for(setup.member).get(trail))
    assert "Idee 1: meer bomen" in page and "Groen en klimaat" in page
    assert "Antwoord vastleggen" not in page, "a member without the right sees no write link"


def test_the_reading_room_filters_by_status_and_date_and_searches_the_text():
    setup = council_setup()
    answer(setup, setup.proposals[0], "implemented", reasons="De bomen aan de Ouddiemerlaan.")
    answer(setup, setup.proposals[1], "not_adopted")
    member = client_for(setup.member)

    def listed(query):
        page = text(member.get("/raad/" + query))
        return sorted(n for n in (1, 2, 3) if f"Voorstel over bomen {n}" in page)

    assert listed("") == [1, 2, 3]
    assert listed("?status=implemented") == [1]
    assert listed("?status=geen") == [3]
    assert listed("?q=ouddiemerlaan") == [1]
    assert listed("?q=30+bomen") == [3]
    Summit.objects.filter(pk=setup.summit.pk).update(date="2026-03-01")
    assert listed("?since=2026-03-02") == []
    assert listed("?since=01-03-2026&until=2026-03-01") == [1, 2, 3]
    response = member.get("/raad/?since=maart")
    assert response.status_code == 400
    assert "Schrijf de datum als 2026-03-12" in text(response)


def test_a_council_member_without_the_right_is_told_in_dutch_who_records_answers():
    setup = council_setup()
    proposal = setup.proposals[0]
    member = client_for(setup.member)
    for url in [
        "/werkruimte/raad/",
        f"/werkruimte/raad/voorstel/{proposal.pk}/",
        "/werkruimte/raad/statussen/",
        "/werkruimte/raad/import/",
        "/werkruimte/raad/export/",
    ]:
        response = member.get(url)
        assert response.status_code == 403, url
        assert "Alleen de griffie kan de antwoorden van de raad vastleggen" in text(response)
    response = member.post(f"/werkruimte/raad/voorstel/{proposal.pk}/", form_data())
    assert response.status_code == 403 and not Answer.objects.exists()
    assert client_for(setup.resident).get("/werkruimte/raad/").status_code == 403
    assert Client().get("/werkruimte/raad/").status_code == 302


def test_the_griffie_saves_an_answer_in_the_form_and_sees_it_on_the_public_page():
    setup = council_setup()
    proposal = setup.proposals[1]
    griffie = client_for(setup.griffie)
    page = text(griffie.get("/werkruimte/raad/"))
    assert "0 van 3 voorstellen hebben een antwoord." in page
    response = griffie.post(
        f"/werkruimte/raad/voorstel/{proposal.pk}/",
        form_data(
            status="partly_adopted",
            reasons="Drempels wel, licht niet.",
            decision_date="12-03-2026",
            decision_reference="RB 2026-021",
            milestones="2026-05-01 | 20 | Ontwerp ligt ter inzage",
        ),
    )
    assert response.status_code == 302
    public = text(Client().get("/raad/burgertop/burgertop-raad/"))
    assert "deels aangenomen" in public and "Besloten op 12 maart 2026." in public
    assert "Raadsbesluit RB 2026-021." in public
    assert "Ontwerp ligt ter inzage (20% klaar)" in public


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"status": "vergeten"}, "Selecteer een geldige keuze"),
        ({"decision_date": "12 maart"}, "Schrijf de datum als 2026-03-12 of 12-03-2026."),
        ({"milestones": "begonnen"}, "Mijlpaal 1: schrijf 'datum | voortgang | wat er is gebeurd'"),
        ({"decision_reference": "http://diemen.nl"}, "begint met https://"),
    ],
)
def test_bad_input_in_the_answer_form_gets_a_dutch_message_and_stores_nothing(values, message):
    setup = council_setup()
    response = client_for(setup.griffie).post(
        f"/werkruimte/raad/voorstel/{setup.proposals[0].pk}/", form_data(**values)
    )
    assert response.status_code == 400
    assert message in text(response)
    assert "Er is niets opgeslagen." in text(response)
    assert not Answer.objects.exists()


def test_the_griffies_forms_refuse_a_post_without_the_csrf_token():
    setup = council_setup()
    griffie = client_for(setup.griffie, csrf=True)
    proposal = setup.proposals[0]
    assert griffie.post(f"/werkruimte/raad/voorstel/{proposal.pk}/", form_data()).status_code == 403
    status = AnswerStatus.objects.get(key="not_adopted")
    response = griffie.post(
        "/werkruimte/raad/statussen/", {"action": "delete", "status": status.pk}
    )
    assert response.status_code == 403
    content = b"burgertop,voorstel,status\r\nburgertop-raad,1,adopted\r\n"
    response = griffie.post(
        "/werkruimte/raad/import/",
        {"store": "1", "carried": base64.b64encode(content).decode()},
    )
    assert response.status_code == 403
    assert not Answer.objects.exists()
    assert AnswerStatus.objects.filter(pk=status.pk).exists()


def test_the_import_page_previews_then_stores_all_rows_and_refuses_a_wrong_file_whole():
    setup = council_setup()
    griffie = client_for(setup.griffie)
    good = (
        b"burgertop;voorstel;status\r\nburgertop-raad;1;adopted\r\nburgertop-raad;2;uitgevoerd\r\n"
    )
    preview = griffie.post("/werkruimte/raad/import/", {"file": SimpleUploadedFile("a.csv", good)})
    assert preview.status_code == 200 and "2 antwoorden opslaan" in text(preview)
    assert not Answer.objects.exists(), "the preview stores nothing"
    stored = griffie.post(
        "/werkruimte/raad/import/",
        {"store": "1", "carried": base64.b64encode(good).decode()},
    )
    assert stored.status_code == 302
    assert Answer.objects.count() == 2
    wrong = good.replace(b"uitgevoerd", b"klaar") + b"burgertop-raad;3;adopted\r\n"
    preview = griffie.post("/werkruimte/raad/import/", {"file": SimpleUploadedFile("b.csv", wrong)})
    assert preview.status_code == 400
    page = text(preview)
    assert "1 regel heeft een fout. Er is niets opgeslagen" in page
    assert "De status 'klaar' bestaat niet." in page
    assert "opslaan</button>" not in page
    refused = griffie.post(
        "/werkruimte/raad/import/", {"store": "1", "carried": base64.b64encode(wrong).decode()}
    )
    assert refused.status_code == 400 and "Regel 3:" in text(refused)
    assert Answer.objects.count() == 2
    assert not Answer.objects.filter(proposal__number=3).exists()
    garbage = griffie.post(
        "/werkruimte/raad/import/", {"file": SimpleUploadedFile("c.xlsx", b"PK\x03\x04zip")}
    )
    assert garbage.status_code == 400 and "Dit is een Excel-bestand" in text(garbage)


def test_the_griffie_manages_the_status_list_on_its_page():
    setup = council_setup()
    answer(setup, setup.proposals[0], "adopted")
    griffie = client_for(setup.griffie)
    response = griffie.post(
        "/werkruimte/raad/statussen/",
        {"action": "add", "key": "aangehouden", "label": "aangehouden", "progress": "5"},
    )
    assert response.status_code == 302
    assert AnswerStatus.objects.filter(key="aangehouden").exists()
    used = AnswerStatus.objects.get(key="adopted")
    response = griffie.post(
        "/werkruimte/raad/statussen/", {"action": "delete", "status": used.pk}, follow=True
    )
    assert "kan niet weg" in text(response)
    assert AnswerStatus.objects.filter(pk=used.pk).exists()
    page = text(griffie.get("/werkruimte/raad/statussen/"))
    assert page.count(">Verwijderen<") == AnswerStatus.objects.count() - 1
    response = griffie.post("/werkruimte/raad/statussen/", {"action": "delete", "status": "x"})
    assert response.status_code == 400, "a tampered form is answered, not a server error"
    assert AnswerStatus.objects.count() == 6
    response = griffie.post(
        "/werkruimte/raad/statussen/",
        {"action": "add", "key": "Fout Woord", "label": "aangenomen", "progress": "200"},
    )
    assert response.status_code == 400
    assert AnswerStatus.objects.filter(label="aangenomen").count() == 1


def test_the_export_lists_every_proposal_for_excel():
    setup = council_setup()
    answer(setup, setup.proposals[0], "adopted", reasons="Mooi; goed")
    response = client_for(setup.griffie).get("/werkruimte/raad/export/?dialect=excel")
    assert response["Content-Disposition"].startswith("attachment;")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:7] == [
        "soort",
        "burgertop",
        "voorstel",
        "nota",
        "amendement",
        "titel",
        "status",
    ]
    assert lines[1].startswith(
        'voorstel;burgertop-raad;1;;;Voorstel over bomen 1;adopted;"Mooi; goed"'
    )
    assert len(lines) == 1 + Proposal.objects.count()
