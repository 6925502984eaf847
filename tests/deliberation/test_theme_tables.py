"""Afternoon theme tables: the theme team puts the marked themes on tables, participants
choose one while it has a free seat."""

import html

import pytest
from django.utils import timezone

from deliberation import services
from deliberation.models import Participant, Step, SummitTable, Theme
from tests.deliberation.factories import go_to_step, make_summit

pytestmark = pytest.mark.django_db

BASE = "/burgertop/burgertop-test/"


@pytest.fixture
def setup():
    setup = make_summit(residents=4)
    Theme.objects.create(summit=setup.summit, name="Groen", featured=True)
    Theme.objects.create(summit=setup.summit, name="Verkeer", featured=True)
    Theme.objects.create(summit=setup.summit, name="Niet gekozen", featured=False)
    go_to_step(setup.summit, Step.Kind.THEME_CHOICE)
    return setup


def spread(setup):
    services.theme_tables_spread(summit=setup.summit, by=setup.theme_team)


def test_marked_themes_are_spread_over_hall_and_online_tables(setup):
    spread(setup)
    themes = dict(SummitTable.objects.values_list("number", "theme__name"))
    assert themes == {1: "Groen", 2: "Verkeer", 3: "Groen"}


def test_spreading_without_marked_themes_is_refused_in_dutch(setup):
    Theme.objects.update(featured=False)
    with pytest.raises(services.CommandRefused, match="Markeer eerst de thema's"):
        spread(setup)


def test_participants_cannot_spread_themes(setup):
    with pytest.raises(services.CommandRefused) as refused:
        services.theme_tables_spread(summit=setup.summit, by=setup.residents[0])
    assert refused.value.code == "forbidden"


def theme_id(name):
    return str(Theme.objects.get(name=name).pk)


def test_participant_chooses_a_theme_and_sits_at_its_table(client, setup):
    spread(setup)
    client.force_login(setup.residents[0])  # seated at table 1 (Groen)
    page = client.get(BASE + "thematafel/").content.decode()
    assert "Groen" in page and "Verkeer" in page and "Niet gekozen" not in page
    assert "Tafel 3" not in page, "the online table is not offered to someone in the hall"
    assert "hier zit u nu al" in page and "nog 3 plekken vrij" in page  # Verkeer: 5 - 2
    response = client.post(BASE + "thematafel/", {"theme": theme_id("Verkeer")}, follow=True)
    page = response.content.decode()
    assert "U zit nu aan tafel 2, thema Verkeer." in page
    assert "U zit aan tafel 2." in page and "Thema van uw tafel: Verkeer" in page
    assert Participant.objects.get(user=setup.residents[0]).table.number == 2


def test_a_theme_shows_the_free_seats_of_all_its_tables_and_seats_where_there_is_room(
    client, setup
):
    spread(setup)
    SummitTable.objects.filter(number=2).update(capacity=2)  # Verkeer's first table is full
    SummitTable.objects.create(
        summit=setup.summit, number=4, capacity=6, theme=Theme.objects.get(name="Verkeer")
    )
    client.force_login(setup.residents[0])
    page = client.get(BASE + "thematafel/").content.decode()
    assert "Verkeer –" in " ".join(page.split()) and "nog 6 plekken vrij" in page
    assert "Tafel 2" not in page and "Tafel 4" not in page, "themes, not tables, to choose"
    response = client.post(BASE + "thematafel/", {"theme": theme_id("Verkeer")}, follow=True)
    assert "U zit nu aan tafel 4, thema Verkeer." in response.content.decode()
    assert Participant.objects.get(user=setup.residents[0]).table.number == 4


def test_a_full_theme_is_refused_with_a_dutch_message_and_nobody_moves(client, setup):
    spread(setup)
    SummitTable.objects.filter(number=2).update(capacity=2)  # two residents already sit there
    client.force_login(setup.residents[0])
    page = client.get(BASE + "thematafel/").content.decode()
    assert "vol" in page and f'value="{theme_id("Verkeer")}" required disabled' in page
    response = client.post(BASE + "thematafel/", {"theme": theme_id("Verkeer")})
    assert response.status_code == 409
    assert "Aan het thema Verkeer is geen plek meer vrij. Kies een ander thema." in (
        response.content.decode()
    )
    assert Participant.objects.get(user=setup.residents[0]).table.number == 1


def test_the_last_free_seat_goes_to_the_first_chooser(setup):
    spread(setup)
    SummitTable.objects.filter(number=1).update(capacity=3)  # two sit there: one seat left
    now = timezone.now()
    first, second = setup.residents[1], setup.residents[3]  # both at table 2
    assert services.theme_table_choose(summit=setup.summit, by=first, table_number=1, now=now) == {
        "table": 1,
        "theme": "Groen",
    }
    with pytest.raises(services.CommandRefused) as refused:
        services.theme_table_choose(summit=setup.summit, by=second, table_number=1, now=now)
    assert refused.value.code == "no_room"
    assert Participant.objects.filter(table__number=1).count() == 3


def test_choosing_only_during_the_theme_choice_step(client, setup):
    spread(setup)
    go_to_step(setup.summit, Step.Kind.CLUSTERING)
    client.force_login(setup.residents[0])
    assert "kan alleen tijdens de stap" in client.get(BASE + "thematafel/").content.decode()
    response = client.post(BASE + "thematafel/", {"theme": theme_id("Verkeer")})
    assert response.status_code == 409
    assert "deze stap is niet open" in response.content.decode()


def test_a_theme_without_tables_or_nonsense_is_refused(client, setup):
    client.force_login(setup.residents[0])
    for value in [theme_id("Groen"), "abc", ""]:
        response = client.post(BASE + "thematafel/", {"theme": value})
        assert response.status_code == 409
        assert "Kies een van de thema&#x27;s." in response.content.decode()


def test_only_checked_in_participants_open_the_choice(client, setup):
    for user in [setup.outsider, setup.hosts[0]]:
        client.force_login(user)
        assert client.get(BASE + "thematafel/").status_code == 403


def test_theme_team_spreads_from_its_screen(client, setup):
    client.force_login(setup.theme_team)
    response = client.post(BASE + "themateam/tafels/", follow=True)
    page = html.unescape(response.content.decode())
    assert "2 thema's staan nu op 3 tafels" in page
    assert "Tafel 1: Groen" in page and "Tafel 3: Groen" in page


def test_participant_screen_links_to_the_choice_during_the_step(client, setup):
    client.force_login(setup.residents[0])
    page = client.get(BASE).content.decode()
    assert BASE + "thematafel/" in page


def test_participant_screen_names_the_themes_to_choose_from_once_they_are_spread(client, setup):
    client.force_login(setup.residents[0])
    page = html.unescape(client.get(BASE).content.decode())
    assert "Het themateam zet de thema's zo op de tafels." in page
    assert "<li>Groen</li>" not in page
    spread(setup)
    page = html.unescape(client.get(BASE).content.decode())
    assert "Thema van uw tafel: Groen" in page
    # Hall tables only (the online table also has Groen), each theme once, in table order.
    assert "<li>Groen</li><li>Verkeer</li>" in "".join(page.split())
