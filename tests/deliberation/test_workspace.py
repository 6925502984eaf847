"""The summit workspace: staff create a summit, set its frame, agenda, tables and roles, and
open, close and archive it; bad input is refused with a message and stores nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import trans_real

from deliberation import services
from deliberation.models import Step, Summit, SummitTable
from deliberation.workspace import workspace_sections
from samenspel import i18n
from samenspel.models import Role, RoleGrant
from tests.deliberation.factories import go_to_step, make_summit
from tests.demo_seed import seed_demo
from tests.factories import UserFactory
from voting import services as voting_services
from voting.models import Method
from voting.services import OptionSpec

pytestmark = pytest.mark.django_db

G1000_KINDS = [
    "welcome",
    "table_round",
    "idea_collection",
    "clustering",
    "theme_choice",
    "proposals",
    "vote",
    "closing",
]


@pytest.fixture
def admin():
    return UserFactory(roles=[Role.ADMINISTRATOR])


@pytest.fixture
def summit(admin):
    return services.summit_create(by=admin, title="Burgertop Groen", now=timezone.now())


def messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


def refused(call, *args, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    return messages_of(caught.value)


# Creating ---------------------------------------------------------------------------------


def test_a_summit_made_from_the_g1000_template_has_its_eight_steps_and_is_in_preparation(admin):
    summit = services.summit_create(
        by=admin,
        title="Burgertop Groen",
        date=timezone.localdate(),
        place="Diemen",
        now=timezone.now(),
    )
    assert summit.slug == "burgertop-groen"
    assert summit.status == Summit.Status.DRAFT
    assert list(summit.steps.values_list("kind", flat=True)) == G1000_KINDS
    assert all(step.duration_seconds > 0 for step in summit.steps.all())


def test_an_empty_summit_has_no_agenda_and_a_second_one_of_the_same_title_its_own_name(admin):
    first = services.summit_create(
        by=admin, title="Burgertop", template="empty", now=timezone.now()
    )
    second = services.summit_create(by=admin, title="Burgertop", now=timezone.now())
    assert first.steps.count() == 0
    assert (first.slug, second.slug) == ("burgertop", "burgertop-2")
    # 'nieuw' is the address of the form for a new summit, never a summit's.
    assert services.summit_create(by=admin, title="Nieuw", now=timezone.now()).slug == "nieuw-2"


def test_only_an_administrator_makes_a_new_summit():
    facilitator = UserFactory(roles=[Role.FACILITATOR])
    with pytest.raises(PermissionDenied):
        services.summit_create(by=facilitator, title="Burgertop", now=timezone.now())
    assert not Summit.objects.exists()


def test_an_empty_title_or_a_date_in_the_past_is_refused_and_nothing_is_stored(admin):
    now = timezone.now()
    assert "titel" in refused(services.summit_create, by=admin, title="   ", now=now)
    yesterday = now.date() - timedelta(days=1)
    message = refused(services.summit_create, by=admin, title="Top", date=yesterday, now=now)
    assert "voorbij" in message
    assert not Summit.objects.exists() and not Step.objects.exists()


# Details ----------------------------------------------------------------------------------


def details(summit, **changes):
    fields = {
        "title": summit.title,
        "slug": summit.slug,
        "date": summit.date,
        "place": summit.place,
        "question": summit.question,
        "limits": summit.limits,
        "commissioned_by": summit.commissioned_by,
        "ladder": summit.ladder,
    }
    fields.update(changes)
    return fields


def test_details_are_stored_and_a_new_short_name_takes_the_roles_along(admin, summit):
    facilitator = UserFactory(roles=[(Role.FACILITATOR, summit.scope)])
    services.summit_update(
        summit=summit,
        by=admin,
        now=timezone.now(),
        **details(
            summit,
            slug="groen-2027",
            question="Hoe maken we Diemen groener?",
            limits="Niet: het budget van het Rijk.",
            commissioned_by="De gemeenteraad",
            ladder=Summit.Ladder.DECIDE,
        ),
    )
    summit.refresh_from_db()
    assert (summit.slug, summit.ladder, summit.commissioned_by) == (
        "groen-2027",
        "decide",
        "De gemeenteraad",
    )
    assert RoleGrant.objects.get(user=facilitator).scope == "summit:groen-2027"


def test_a_short_name_in_use_or_with_spaces_is_refused(admin, summit):
    other = services.summit_create(by=admin, title="Andere top", now=timezone.now())
    now = timezone.now()
    message = refused(
        services.summit_update, summit=summit, by=admin, now=now, **details(summit, slug=other.slug)
    )
    assert "al in gebruik" in message
    message = refused(
        services.summit_update, summit=summit, by=admin, now=now, **details(summit, slug="a b")
    )
    assert "kleine letters" in message
    summit.refresh_from_db()
    assert summit.slug == "burgertop-groen"


def test_the_short_name_is_fixed_once_the_summit_is_open(admin):
    setup = make_summit()
    summit = setup.summit  # open, like every summit the factory makes
    message = refused(
        services.summit_update,
        summit=summit,
        by=admin,
        now=timezone.now(),
        **details(summit, slug="iets-anders"),
    )
    assert "staat vast" in message


# The agenda -------------------------------------------------------------------------------


def test_steps_are_added_at_the_end_and_move_up_and_down(admin, summit):
    step = services.summit_step_add(
        summit=summit, by=admin, kind="welcome", title="Koffie", question="", minutes=10
    )
    assert step.position == 9
    services.summit_step_move(step=step, by=admin, up=True)
    titles = list(summit.steps.order_by("position").values_list("title", flat=True))
    assert titles[-2:] == ["Koffie", "Afsluiting en vervolg"]
    services.summit_step_move(step=step, by=admin, up=False)
    assert summit.steps.order_by("position").last().title == "Koffie"
    message = refused(services.summit_step_move, step=step, by=admin, up=False)
    assert "onderaan" in message


@pytest.mark.parametrize(
    ("title", "minutes", "expected"),
    [("", 10, "titel"), ("Pauze", 0, "1 tot 600"), ("Pauze", 601, "1 tot 600")],
)
def test_a_step_without_a_title_or_with_0_or_over_600_minutes_is_refused(
    admin, summit, title, minutes, expected
):
    message = refused(
        services.summit_step_add,
        summit=summit,
        by=admin,
        kind="welcome",
        title=title,
        question="",
        minutes=minutes,
    )
    assert expected in message
    assert summit.steps.count() == 8


def test_removing_a_step_moves_the_later_ones_up(admin, summit):
    welcome = summit.steps.get(position=1)
    services.summit_step_remove(step=welcome, by=admin)
    assert list(summit.steps.values_list("position", flat=True)) == list(range(1, 8))
    assert summit.steps.first().kind == "table_round"


def test_the_current_step_of_a_running_summit_cannot_be_removed_changed_or_moved(admin):
    setup = make_summit()
    current = go_to_step(setup.summit, Step.Kind.TABLE_ROUND)
    assert "niet weghalen" in refused(services.summit_step_remove, step=current, by=admin)
    assert "niet meer veranderen" in refused(
        services.summit_step_update,
        step=current,
        by=admin,
        kind="table_round",
        title="Andere titel",
        question="",
        minutes=10,
    )
    later = setup.summit.steps.get(position=current.position + 1)
    assert "op zijn plaats" in refused(services.summit_step_move, step=later, by=admin, up=True)
    assert setup.summit.steps.filter(pk=current.pk, title="Tafelronde").exists()


def test_a_vote_step_with_a_vote_stays_a_vote_step_and_in_its_place(admin, summit):
    vote = summit.steps.get(kind="vote")
    voting_services.poll_create(
        title="Voorstellen",
        method=Method.APPROVAL,
        options=[OptionSpec(title="Meer bomen"), OptionSpec(title="Een moestuin")],
        context=f"summit:{summit.slug}/step:{vote.position}",
        by=admin,
    )
    assert "stemming" in refused(services.summit_step_remove, step=vote, by=admin)
    welcome = summit.steps.get(position=1)
    assert "stemming" in refused(services.summit_step_remove, step=welcome, by=admin)
    assert "stemstap" in refused(
        services.summit_step_update,
        step=vote,
        by=admin,
        kind="closing",
        title="Stemmen",
        question="",
        minutes=20,
    )
    assert "stemming" in refused(services.summit_step_move, step=vote, by=admin, up=True)
    assert summit.steps.count() == 8
    assert summit.steps.get(position=vote.position).kind == "vote"


# Tables -----------------------------------------------------------------------------------


def test_tables_are_made_in_bulk_numbered_after_the_last_one(admin, summit):
    services.summit_tables_add(summit=summit, by=admin, hall=3, online=1, capacity=8)
    services.summit_tables_add(summit=summit, by=admin, hall=1, online=0, capacity=8)
    rows = list(summit.tables.values_list("number", "online", "capacity"))
    assert rows == [(1, False, 8), (2, False, 8), (3, False, 8), (4, True, 8), (5, False, 8)]


@pytest.mark.parametrize(
    ("hall", "online", "capacity", "expected"),
    [(0, 0, 8, "minstens één tafel"), (2, 0, 0, "1 tot 50"), (301, 0, 8, "hoogstens")],
)
def test_zero_tables_or_a_capacity_of_zero_is_refused(
    admin, summit, hall, online, capacity, expected
):
    message = refused(
        services.summit_tables_add,
        summit=summit,
        by=admin,
        hall=hall,
        online=online,
        capacity=capacity,
    )
    assert expected in message
    assert not summit.tables.exists()


def test_an_online_table_takes_only_an_https_video_link_and_a_host_gets_the_role_here(
    admin, summit
):
    hall, online = services.summit_tables_add(summit=summit, by=admin, hall=1, online=1, capacity=8)
    host = UserFactory()
    for link in ["http://video.example.nl/tafel", "video.example.nl", "javascript:alert(1)"]:
        message = refused(
            services.summit_table_update,
            table=online,
            by=admin,
            capacity=8,
            video_url=link,
            host=host,
        )
        assert "https://" in message
    assert "online tafel" in refused(
        services.summit_table_update,
        table=hall,
        by=admin,
        capacity=8,
        video_url="https://video.example.nl/tafel",
        host=None,
    )
    assert not RoleGrant.objects.filter(user=host).exists()
    services.summit_table_update(
        table=online, by=admin, capacity=6, video_url="https://video.example.nl/t2", host=host
    )
    online.refresh_from_db()
    assert (online.video_url, online.capacity, online.host) == (
        "https://video.example.nl/t2",
        6,
        host,
    )
    assert RoleGrant.objects.filter(user=host, role=Role.TABLE_HOST, scope=summit.scope).exists()


# Status and who may -----------------------------------------------------------------------


def test_a_summit_opens_only_with_an_agenda_and_tables(admin):
    empty = services.summit_create(by=admin, title="Leeg", template="empty", now=timezone.now())
    assert "agenda" in refused(services.summit_open, summit=empty, by=admin, now=timezone.now())
    services.summit_step_add(
        summit=empty, by=admin, kind="welcome", title="Welkom", question="", minutes=5
    )
    assert "tafel" in refused(services.summit_open, summit=empty, by=admin, now=timezone.now())
    services.summit_tables_add(summit=empty, by=admin, hall=1, online=0, capacity=8)
    services.summit_open(summit=empty, by=admin, now=timezone.now())
    empty.refresh_from_db()
    assert empty.status == Summit.Status.OPEN


def test_a_closed_summit_is_read_only_for_the_workspace_and_the_live_commands(admin):
    setup = make_summit()
    summit = setup.summit
    services.summit_close(summit=summit, by=setup.facilitator, now=timezone.now())
    step = summit.steps.last()
    for call, kwargs in [
        (services.summit_step_remove, {"step": step}),
        (services.summit_tables_add, {"summit": summit, "hall": 1, "online": 0, "capacity": 5}),
        (services.summit_update, {"summit": summit, "now": timezone.now(), **details(summit)}),
    ]:
        assert "gesloten" in refused(call, by=admin, **kwargs)
    with pytest.raises(services.CommandRefused):
        services.summit_message_send(summit=summit, by=admin, text="Koffie", now=timezone.now())
    services.summit_archive(summit=summit, by=admin, now=timezone.now())
    summit.refresh_from_db()
    assert summit.status == Summit.Status.ARCHIVED
    with pytest.raises(services.CommandRefused):
        services.summit_message_send(summit=summit, by=admin, text="Koffie", now=timezone.now())
    assert summit.steps.count() == 5 and summit.tables.count() == 3


def test_the_theme_team_a_resident_or_another_summits_facilitator_may_not_manage_it(admin):
    setup = make_summit()
    other = UserFactory(roles=[(Role.FACILITATOR, "summit:een-andere")])
    for who in [setup.theme_team, setup.residents[0], other]:
        with pytest.raises(PermissionDenied):
            services.summit_tables_add(summit=setup.summit, by=who, hall=1, online=0, capacity=5)
    assert setup.summit.tables.count() == 3
    services.summit_tables_add(
        summit=setup.summit, by=setup.facilitator, hall=1, online=0, capacity=5
    )
    assert setup.summit.tables.count() == 4


def test_only_an_administrator_gives_and_takes_roles_in_the_summit(admin):
    setup = make_summit()
    person = UserFactory()
    with pytest.raises(PermissionDenied):
        services.summit_role_grant(
            summit=setup.summit, by=setup.facilitator, user=person, role=Role.FACILITATOR
        )
    services.summit_role_grant(summit=setup.summit, by=admin, user=person, role=Role.THEME_TEAM)
    assert RoleGrant.objects.filter(user=person, scope=setup.summit.scope).count() == 1
    assert "Kies een rol" in refused(
        services.summit_role_grant,
        summit=setup.summit,
        by=admin,
        user=person,
        role=Role.ADMINISTRATOR,
    )
    host = setup.hosts[0]
    services.summit_role_revoke(summit=setup.summit, by=admin, user=host, role=Role.TABLE_HOST)
    assert not SummitTable.objects.filter(summit=setup.summit, host=host).exists()


# Pages ------------------------------------------------------------------------------------


def test_an_administrator_builds_a_summit_through_the_pages(client, admin):
    client.force_login(admin)
    response = client.post(
        "/werkruimte/burgertop/nieuw/",
        {"title": "Burgertop Jeugd", "template": "g1000", "date": "", "place": "Diemen"},
    )
    assert response.status_code == 302
    summit = Summit.objects.get(slug="burgertop-jeugd")
    base = "/werkruimte/burgertop/burgertop-jeugd/"
    response = client.post(base + "tafels/", {"hall": "0", "online": "0", "capacity": "8"})
    assert response.status_code == 400
    assert "Kies minstens één tafel." in response.content.decode()
    client.post(base + "tafels/", {"hall": "3", "online": "1", "capacity": "8"})
    response = client.post(
        base + "tafels/4/", {"capacity": "8", "video_url": "http://x.nl", "host": ""}
    )
    assert "https://" in response.content.decode()
    first = summit.steps.get(position=1)
    client.post(base + f"agenda/{first.pk}/verplaatsen/", {"to": "down"})
    assert summit.steps.get(position=2).pk == first.pk
    response = client.post(base + "status/", {"action": "open"}, follow=True)
    assert "De burgertop is open." in response.content.decode()
    summit.refresh_from_db()
    assert summit.status == Summit.Status.OPEN
    page = client.get("/werkruimte/burgertop/").content.decode()
    assert "Burgertop Jeugd" in page and "open" in page


def test_a_closed_summits_pages_say_so_and_refuse_a_change(client, admin):
    setup = make_summit()
    services.summit_close(summit=setup.summit, by=admin, now=timezone.now())
    client.force_login(setup.facilitator)
    base = "/werkruimte/burgertop/burgertop-test/"
    page = client.get(base + "agenda/").content.decode()
    assert "Deze burgertop is gesloten." in page
    assert "Stap toevoegen" not in page
    response = client.post(
        base + "agenda/", {"kind": "welcome", "title": "Nog een", "question": "", "minutes": "5"}
    )
    assert "gesloten" in response.content.decode()
    assert setup.summit.steps.count() == 5


def test_a_resident_gets_no_workspace_and_no_section(client, rf):
    setup = make_summit()
    resident = setup.residents[0]
    client.force_login(resident)
    assert client.get("/werkruimte/burgertop/").status_code == 403
    assert client.get("/werkruimte/burgertop/burgertop-test/").status_code == 403
    assert client.get("/werkruimte/burgertop/nieuw/").status_code == 403
    request = rf.get("/werkruimte/")
    request.user = resident
    assert workspace_sections(request) == []
    request.user = setup.facilitator
    (section,) = workspace_sections(request)
    assert section["create_url"] is None
    assert [item["label"] for item in section["items"]] == ["Burgertop test"]


def test_an_archived_summit_leaves_the_home_page_and_the_active_list(client, admin):
    setup = make_summit()
    client.force_login(setup.residents[0])
    assert "Burgertop test" in client.get("/").content.decode()
    services.summit_close(summit=setup.summit, by=admin, now=timezone.now())
    services.summit_archive(summit=setup.summit, by=admin, now=timezone.now())
    assert "Burgertop test" not in client.get("/").content.decode()
    client.force_login(admin)
    page = client.get("/werkruimte/burgertop/").content.decode()
    assert page.index("Gearchiveerd") < page.index("Burgertop test")


def test_the_demo_summit_is_built_the_way_staff_build_one(tmp_path):
    seed_demo(tmp_path / "l.txt", tmp_path / "c.csv")
    summit = Summit.objects.get(slug="burgertop-diemen-2026")
    # Details only the workspace's service sets, and opened as staff open a summit.
    assert summit.status == Summit.Status.OPEN
    assert summit.commissioned_by == "De gemeenteraad van Diemen"
    assert summit.ladder == Summit.Ladder.ADVISE and summit.date is not None
    online = summit.tables.get(online=True)
    assert online.video_url.startswith("https://") and online.host is not None


def test_the_workspace_speaks_english_when_asked(client, admin):
    i18n.compile_all()
    trans_real._translations = {}
    trans_real._default = None
    setup = make_summit()
    client.force_login(admin)
    page = client.get(
        "/werkruimte/burgertop/burgertop-test/gegevens/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Details of the citizen summit" in page
    assert "Residents decide. The municipality carries out what they choose." in page
    response = client.post(
        "/werkruimte/burgertop/burgertop-test/tafels/",
        {"hall": "0", "online": "0", "capacity": "5"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Choose at least one table." in response.content.decode()
    assert setup.summit.tables.count() == 3
