"""The poll workspace: staff set up a poll, choose who may vote, import a list, schedule it;
residents outside the electorate are refused with a reason. Services and pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from samenspel.models import Neighbourhood, Role
from tests.factories import UserFactory
from voting import services
from voting.models import Eligibility, Method, Option, Poll
from voting.services import OptionSpec

pytestmark = pytest.mark.django_db


def places() -> tuple[Neighbourhood, Neighbourhood, Neighbourhood]:
    """Two wijken, and a buurt of the first."""
    wijk = Neighbourhood.objects.create(code="WK-T1", name="Testwijk Noord", level="wijk")
    other = Neighbourhood.objects.create(code="WK-T2", name="Testwijk Zuid", level="wijk")
    buurt = Neighbourhood.objects.create(
        code="BU-T1", name="Testbuurt Plein", level="buurt", parent=wijk
    )
    return wijk, other, buurt


def admin():
    return UserFactory(roles=[Role.ADMINISTRATOR])


def resident(place=None, **kwargs):
    return UserFactory(roles=[Role.RESIDENT], neighbourhood=place, **kwargs)


def settings_for(**changes):
    base = {
        "title": "Welk speeltoestel komt er op het plein?",
        "method": Method.APPROVAL,
        "options": [OptionSpec("Schommel"), OptionSpec("Glijbaan"), OptionSpec("Klimrek")],
        "electorate": Poll.Electorate.ALL,
    }
    base.update(changes)
    return base


def refusal(**changes) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        services.poll_setup_create(by=admin(), **settings_for(**changes))
    assert Poll.objects.count() == 0 and Option.objects.count() == 0  # nothing half-stored
    return caught.value.message_dict


# --- bad input, each with its message on its field -------------------------------------


def test_one_option_is_refused():
    errors = refusal(options=[OptionSpec("Schommel")])
    assert errors["options"] == ["Een peiling heeft ten minste twee opties. Vul er nog een in."]


def test_budget_below_the_cheapest_project_is_refused():
    errors = refusal(
        method=Method.BUDGET_MES,
        options=[OptionSpec("Bankjes", cost=2_000), OptionSpec("Bomen", cost=5_000)],
        budget=1_500,
    )
    assert "goedkoopste project (€ 2.000)" in errors["budget"][0]


def test_budget_project_without_cost_is_refused():
    errors = refusal(
        method=Method.BUDGET_GREEDY,
        options=[OptionSpec("Bankjes", cost=2_000), OptionSpec("Bomen")],
        budget=10_000,
    )
    assert "optie 2" in errors["options"][0]


def test_more_seats_than_options_is_refused():
    errors = refusal(seats=4)
    assert errors["seats"] == [
        "Er zijn 3 opties; het aantal winnaars kan niet hoger zijn dan 3."
    ]


def test_opening_in_the_past_and_closing_before_opening_are_refused():
    now = timezone.now()
    errors = refusal(opens_at=now - timedelta(hours=1))
    assert errors["opens_at"][0].startswith("Dit tijdstip is al voorbij.")
    errors = refusal(opens_at=now + timedelta(days=2), closes_at=now + timedelta(days=1))
    assert errors["closes_at"] == ["De peiling moet later sluiten dan ze opengaat."]


def test_a_neighbourhood_poll_needs_its_neighbourhood():
    errors = refusal(electorate=Poll.Electorate.NEIGHBOURHOOD)
    assert "wijk of buurt" in errors["neighbourhood"][0]


def test_only_an_administrator_creates_a_poll():
    facilitator = UserFactory(roles=[Role.FACILITATOR])
    with pytest.raises(services.VotingForbidden):
        services.poll_setup_create(by=facilitator, **settings_for())
    with pytest.raises(services.VotingForbidden):
        services.poll_setup_create(by=resident(), **settings_for())
    assert Poll.objects.count() == 0


def test_an_open_poll_cannot_be_edited():
    by = admin()
    poll = services.poll_setup_create(by=by, **settings_for())
    services.poll_open(poll=poll, by=by)
    with pytest.raises(ValidationError) as caught:
        services.poll_setup_update(poll=poll, by=by, **settings_for(title="Iets anders"))
    assert "al geopend" in caught.value.messages[0]
    assert Poll.objects.get(pk=poll.pk).title == "Welk speeltoestel komt er op het plein?"


# --- who may vote ---------------------------------------------------------------------


def test_a_neighbourhood_poll_lets_its_residents_vote_and_no_one_else():
    wijk, other, buurt = places()
    by = admin()
    inside, in_buurt, outside = resident(wijk), resident(buurt), resident(other)
    poll = services.poll_setup_create(
        by=by, **settings_for(electorate=Poll.Electorate.NEIGHBOURHOOD, neighbourhood=wijk)
    )
    services.poll_open(poll=poll, by=by)
    services.ballot_cast(poll=poll, participant=inside, choice=["1"])
    services.ballot_cast(poll=poll, participant=in_buurt, choice=["2"])  # a buurt of the wijk
    with pytest.raises(services.VotingForbidden):
        services.ballot_cast(poll=poll, participant=outside, choice=["1"])


def test_a_resident_who_moves_in_after_opening_can_vote(client):
    wijk, other, _buurt = places()
    by = admin()
    poll = services.poll_setup_create(
        by=by, **settings_for(electorate=Poll.Electorate.NEIGHBOURHOOD, neighbourhood=wijk)
    )
    services.poll_open(poll=poll, by=by)
    mover = resident(other)
    client.force_login(mover)
    assert client.get(f"/stemmen/{poll.pk}/").status_code == 403
    mover.neighbourhood = wijk
    mover.save(update_fields=["neighbourhood"])
    page = client.get(f"/stemmen/{poll.pk}/")
    assert page.status_code == 200 and "Stem uitbrengen" in page.content.decode()


def test_ballot_page_and_list_tell_a_resident_of_another_neighbourhood_why(client):
    wijk, other, _buurt = places()
    by = admin()
    poll = services.poll_setup_create(
        by=by, **settings_for(electorate=Poll.Electorate.NEIGHBOURHOOD, neighbourhood=wijk)
    )
    services.poll_open(poll=poll, by=by)
    client.force_login(resident(other))
    page = client.get(f"/stemmen/{poll.pk}/")
    assert page.status_code == 403
    html = page.content.decode()
    assert "alleen voor inwoners van Testwijk Noord" in html and "Testwijk Zuid" in html
    listing = client.get("/stemmen/").content.decode()
    assert "Open stemmingen voor anderen" in listing
    assert "alleen voor inwoners van Testwijk Noord" in listing


# --- the named list from a CSV ----------------------------------------------------------


def list_poll():
    by = admin()
    poll = services.poll_setup_create(by=by, **settings_for(electorate=Poll.Electorate.LIST))
    return poll, by


def test_a_csv_with_semicolons_and_windows_encoding_is_read():
    poll, by = list_poll()
    anna = UserFactory(username="anna", email="anna@example.org")
    jose = UserFactory(username="josé")
    data = "Naam;E-mail;Gebruikersnaam\r\nAnna;anna@example.org;anna\r\nJosé;;josé\r\n"
    preview = services.voter_list_preview(data=data.encode("cp1252"))
    assert preview.ok
    assert [row.user for row in preview.rows] == [anna, jose]
    assert any("puntkomma" in note for note in preview.notes)
    assert any("Windows-1252" in note for note in preview.notes)
    assert services.poll_voters_import(poll=poll, by=by, data=data.encode("cp1252")) == 2
    assert set(Eligibility.objects.filter(poll=poll).values_list("participant", flat=True)) == {
        anna.pk,
        jose.pk,
    }


def test_a_csv_without_the_column_is_refused():
    poll, by = list_poll()
    with pytest.raises(ValidationError) as caught:
        services.poll_voters_import(poll=poll, by=by, data=b"naam,adres\nAnna,Dorpsstraat 1\n")
    message = caught.value.message_dict["file"][0]
    assert "'gebruikersnaam' of 'e-mail' ontbreekt" in message and "'naam'" in message
    assert not Eligibility.objects.filter(poll=poll).exists()


def test_a_binary_or_utf16_file_is_refused():
    poll, by = list_poll()
    with pytest.raises(ValidationError) as caught:
        services.poll_voters_import(poll=poll, by=by, data="gebruikersnaam\nanna\n".encode("utf-16"))
    assert "CSV UTF-8" in caught.value.message_dict["file"][0]


def test_duplicate_and_unknown_people_are_refused_per_row_and_nothing_is_stored():
    poll, by = list_poll()
    UserFactory(username="anna", email="anna@example.org")
    data = b"gebruikersnaam\nanna\nonbekend\nANNA\n"
    preview = services.voter_list_preview(data=data)
    assert not preview.ok
    assert preview.errors == [
        "Regel 3: Niemand gevonden met 'onbekend'.",
        f"Regel 4: {preview.rows[0].user.public_name} staat al op regel 2.",
    ]
    with pytest.raises(ValidationError):
        services.poll_voters_import(poll=poll, by=by, data=data)
    assert not Eligibility.objects.filter(poll=poll).exists()


def test_voters_page_previews_before_storing(client):
    poll, by = list_poll()
    UserFactory(username="anna")
    client.force_login(by)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("kiezers.csv", b"gebruikersnaam\nanna\n", content_type="text/csv")
    page = client.post(f"/werkruimte/peiling/{poll.pk}/kiezers/", {"file": upload})
    html = page.content.decode()
    assert "Controleer de lijst" in html and "Deze 1 kiezer opslaan" in html
    assert not Eligibility.objects.filter(poll=poll).exists()
    carried = page.context["carried"]
    client.post(f"/werkruimte/peiling/{poll.pk}/kiezers/", {"carried": carried, "store": "1"})
    assert Eligibility.objects.filter(poll=poll).count() == 1


# --- schedule -------------------------------------------------------------------------


def test_scheduled_poll_opens_and_closes_without_a_button():
    now = timezone.now()
    by = admin()
    voter = resident()
    poll = services.poll_setup_create(
        by=by,
        now=now,
        **settings_for(opens_at=now + timedelta(hours=1), closes_at=now + timedelta(hours=2)),
    )
    assert services.polls_due(now=now + timedelta(minutes=30)).opened == []
    report = services.polls_due(now=now + timedelta(hours=1, minutes=1))
    assert report.opened == [poll.pk]
    services.ballot_cast(poll=poll, participant=voter, choice=["2"])
    assert services.polls_due(now=now + timedelta(hours=2, minutes=1)).closed == [poll.pk]
    poll.refresh_from_db()
    assert poll.status == Poll.Status.CLOSED and poll.result.ballots_counted == 1
    assert poll.result.outcome["winners"] == ["2"]


def test_the_command_and_the_list_page_run_what_is_due(client):
    by = admin()
    poll = services.poll_setup_create(
        by=by, **settings_for(opens_at=timezone.now() + timedelta(minutes=5))
    )
    Poll.objects.filter(pk=poll.pk).update(opens_at=timezone.now() - timedelta(minutes=1))
    call_command("polls_due")
    assert Poll.objects.get(pk=poll.pk).status == Poll.Status.OPEN
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    client.get("/stemmen/")
    assert Poll.objects.get(pk=poll.pk).status == Poll.Status.CLOSED


# --- the pages ------------------------------------------------------------------------


def form_data(**changes):
    data = {
        "title": "Welke boom komt er in het park?",
        "description": "",
        "method": "approval",
        "seats": "1",
        "min_choices": "0",
        "max_choices": "",
        "points": "",
        "budget": "",
        "majority_rule": "simple",
        "electorate": "all",
        "neighbourhood": "",
        "opens_at": "",
        "closes_at": "",
        "live_turnout": "on",
        "option-count": "3",
        "option-1-title": "Eik",
        "option-2-title": "Linde",
        "option-3-title": "Kastanje",
        "save": "1",
    }
    data.update(changes)
    return data


def test_administrator_creates_a_poll_through_the_page(client):
    client.force_login(admin())
    assert client.get("/werkruimte/peiling/nieuw/").status_code == 200
    response = client.post("/werkruimte/peiling/nieuw/", form_data(**{"option-3-place": "0"}))
    poll = Poll.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/werkruimte/peiling/{poll.pk}/"
    assert [o.title for o in poll.options.order_by("position")] == ["Kastanje", "Eik", "Linde"]
    assert "Welke boom" in client.get("/werkruimte/peiling/").content.decode()


def test_the_page_shows_each_refusal_on_its_field(client):
    client.force_login(admin())
    response = client.post(
        "/werkruimte/peiling/nieuw/",
        form_data(**{"option-2-title": "", "option-3-title": "", "seats": "3"}),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Een peiling heeft ten minste twee opties." in html
    assert "het aantal winnaars kan niet hoger zijn dan 1" in html
    assert Poll.objects.count() == 0


def test_a_facilitator_or_resident_gets_no_create_page(client):
    client.force_login(UserFactory(roles=[Role.FACILITATOR]))
    assert client.get("/werkruimte/peiling/nieuw/").status_code == 403
    assert client.post("/werkruimte/peiling/nieuw/", form_data()).status_code == 403
    assert Poll.objects.count() == 0


def test_the_edit_page_of_an_open_poll_says_why_it_cannot_change(client):
    by = admin()
    poll = services.poll_setup_create(by=by, **settings_for())
    services.poll_open(poll=poll, by=by)
    client.force_login(by)
    response = client.post(f"/werkruimte/peiling/{poll.pk}/bewerken/", form_data(), follow=True)
    assert "al geopend en kan niet meer worden gewijzigd" in response.content.decode()
    assert Poll.objects.get(pk=poll.pk).title == "Welk speeltoestel komt er op het plein?"


def test_open_and_close_now_from_the_workspace(client):
    by = admin()
    poll = services.poll_setup_create(by=by, **settings_for())
    client.force_login(by)
    client.post(f"/werkruimte/peiling/{poll.pk}/actie/", {"action": "open"})
    assert Poll.objects.get(pk=poll.pk).status == Poll.Status.OPEN
    client.post(f"/werkruimte/peiling/{poll.pk}/actie/", {"action": "close"})
    assert Poll.objects.get(pk=poll.pk).status == Poll.Status.CLOSED


def test_workspace_section_lists_managed_polls():
    from django.test import RequestFactory

    from voting.workspace import workspace_sections

    by = admin()
    poll = services.poll_setup_create(by=by, **settings_for())
    request = RequestFactory().get("/werkruimte/")
    request.user = by
    (section,) = workspace_sections(request)
    assert section["create_url"] == "/werkruimte/peiling/nieuw/"
    assert section["items"][0]["url"] == f"/werkruimte/peiling/{poll.pk}/"
    request.user = resident()
    assert workspace_sections(request) == []


def test_a_facilitator_of_one_summit_manages_only_its_polls():
    from voting.workspace_views import managed_polls

    lieke = UserFactory(roles=[(Role.FACILITATOR, "summit:burgertop-2026")])
    ours = services.poll_create(
        title="Stap 4",
        method=Method.APPROVAL,
        options=[OptionSpec("A"), OptionSpec("B")],
        context="summit:burgertop-2026/step:4",
    )
    services.poll_create(
        title="Elders",
        method=Method.APPROVAL,
        options=[OptionSpec("A"), OptionSpec("B")],
        context="summit:andere-top/step:4",
    )
    services.poll_setup_create(by=admin(), **settings_for())
    assert managed_polls(lieke) == [ours]
    assert len(managed_polls(admin())) == 3
    assert managed_polls(resident()) == []


def test_the_demo_sets_up_its_neighbourhood_poll_through_the_workspace_service():
    from samenspel.demo import DemoContext
    from voting import demo

    people = [resident() for _ in range(6)]
    context = DemoContext(
        now=timezone.now(),
        small=True,
        fresh=True,
        staff={"gespreksleider": UserFactory(roles=[Role.FACILITATOR]), "beheer": admin()},
        table_hosts=people[:1],
        residents=people[1:],
    )
    demo.seed(context)
    poll = Poll.objects.get(title="Welke speelplek komt er in Diemen-Noord?")
    assert poll.status == Poll.Status.DRAFT and poll.opens_at > context.now
    assert poll.electorate == Poll.Electorate.NEIGHBOURHOOD
    assert poll.neighbourhood.code == "WK038400"


def test_the_admin_cannot_delete_a_result_or_an_opened_poll(client):
    by = admin()
    draft = services.poll_setup_create(by=by, **settings_for(title="Nog een concept"))
    poll = services.poll_setup_create(by=by, **settings_for())
    services.poll_open(poll=poll, by=by)
    services.poll_close(poll=poll, by=by)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(superuser)
    assert client.get(f"/beheer/voting/result/{poll.result.pk}/delete/").status_code == 403
    assert client.get(f"/beheer/voting/poll/{poll.pk}/delete/").status_code == 403
    client.post(
        "/beheer/voting/poll/",
        {"action": "delete_selected", "_selected_action": [poll.pk], "post": "yes"},
    )
    assert Poll.objects.filter(pk=poll.pk).exists()
    assert client.get(f"/beheer/voting/poll/{draft.pk}/delete/").status_code == 200


def test_the_home_page_shows_a_scheduled_poll_once_it_opened_to_a_late_resident(client):
    wijk, _other, buurt = places()
    by = admin()
    poll = services.poll_setup_create(
        by=by,
        **settings_for(
            electorate=Poll.Electorate.NEIGHBOURHOOD,
            neighbourhood=wijk,
            opens_at=timezone.now() + timedelta(minutes=5),
        ),
    )
    Poll.objects.filter(pk=poll.pk).update(opens_at=timezone.now() - timedelta(minutes=1))
    newcomer = resident(buurt)  # registered after the time the poll was set to open
    client.force_login(newcomer)
    html = client.get("/").content.decode()
    assert f'href="/stemmen/{poll.pk}/"' in html and "Welk speeltoestel" in html


def test_hidden_turnout_is_not_on_the_ballot_page_but_the_manager_sees_it(client):
    by = admin()
    voter = resident()
    poll = services.poll_setup_create(by=by, **settings_for(live_turnout=False))
    services.poll_open(poll=poll, by=by)
    client.force_login(voter)
    html = client.get(f"/stemmen/{poll.pk}/").content.decode()
    assert "Stem uitbrengen" in html and "0 van 1 deelnemers hebben gestemd" not in html
    client.force_login(by)
    managed = client.get(f"/stemmen/{poll.pk}/").content.decode()
    assert "0 van 1 deelnemers hebben gestemd" in managed


def test_staff_set_the_polls_frame_on_the_page_and_bad_input_is_refused(client):
    by = admin()
    client.force_login(by)
    new = client.get("/werkruimte/peiling/nieuw/").content.decode()
    assert "Laat u dit leeg, dan staat in het participatieverslag: College van" in new
    assert 'id="ladder-consult" name="ladder" value="consult" checked' in new, "the default"

    wrong = client.post("/werkruimte/peiling/nieuw/", form_data(ladder="veto"))
    assert wrong.status_code == 400
    assert "Kies hoeveel zeggenschap inwoners hebben." in wrong.content.decode()
    long = client.post(
        "/werkruimte/peiling/nieuw/",
        form_data(ladder="advise", commissioned_by="R" * 201, limits="K" * 2001),
    )
    assert long.status_code == 400
    html = long.content.decode()
    assert "De opdrachtgever is hoogstens 200 tekens lang." in html
    assert "De kaders zijn hoogstens 2000 tekens lang." in html
    assert Poll.objects.count() == 0

    made = client.post(
        "/werkruimte/peiling/nieuw/",
        form_data(
            ladder="coproduce",
            commissioned_by="Gemeenteraad",
            limits="Alleen bomen die in Diemen groeien.",
        ),
    )
    assert made.status_code == 302
    poll = Poll.objects.get()
    assert (poll.commissioned_by, poll.ladder, poll.limits) == (
        "Gemeenteraad",
        "coproduce",
        "Alleen bomen die in Diemen groeien.",
    )
    detail = client.get(f"/werkruimte/peiling/{poll.pk}/").content.decode()
    assert "Gemeenteraad" in detail and "Coproduceren" in detail
    edit = client.get(f"/werkruimte/peiling/{poll.pk}/bewerken/").content.decode()
    assert 'id="ladder-coproduce" name="ladder" value="coproduce" checked' in edit
    assert "Alleen bomen die in Diemen groeien." in edit
