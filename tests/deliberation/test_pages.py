"""The summit screens render from the snapshot, each for its own role only."""

import pytest
from django.utils import timezone

from deliberation.models import Idea, Participant, Summit, SummitTable
from deliberation.views import keywords
from tests.deliberation.factories import make_summit
from tests.demo_seed import seed_demo

pytestmark = pytest.mark.django_db

BASE = "/burgertop/burgertop-test/"


@pytest.fixture
def setup():
    return make_summit()


@pytest.mark.parametrize(
    ("path", "who", "status"),
    [
        ("regie/", "facilitator", 200),
        ("regie/", "theme_team", 403),
        ("balie/", "facilitator", 200),
        ("balie/", "host", 403),
        ("tafel/", "host", 200),
        ("tafel/", "resident", 403),
        ("themateam/", "theme_team", 200),
        ("themateam/", "resident", 403),
        ("", "resident", 200),
        ("", "outsider", 403),
    ],
)
def test_each_screen_is_for_its_roles(client, setup, path, who, status):
    user = {
        "facilitator": setup.facilitator,
        "theme_team": setup.theme_team,
        "host": setup.hosts[0],
        "resident": setup.residents[0],
        "outsider": setup.outsider,
    }[who]
    client.force_login(user)
    response = client.get(BASE + path)
    assert response.status_code == status


def test_summit_link_sends_each_role_to_its_screen(client, setup):
    client.force_login(setup.hosts[0])
    assert client.get(BASE).url == BASE + "tafel/"
    client.force_login(setup.facilitator)
    assert client.get(BASE).url == BASE + "regie/"


def test_participant_sees_step_and_only_own_table_ideas(client, setup):
    tables = list(SummitTable.objects.order_by("number"))
    summit = Summit.objects.get()
    for table, text in [(tables[0], "Bankjes bij het water"), (tables[1], "Geheim van tafel 2")]:
        Idea.objects.create(
            summit=summit,
            table=table,
            author=setup.hosts[0],
            text=text,
            created_at=timezone.now(),
            updated_at=timezone.now(),
        )
    client.force_login(setup.residents[0])
    page = client.get(BASE).content.decode()
    assert "Bankjes bij het water" in page and "Geheim van tafel 2" not in page
    assert 'aria-live="polite"' in page and "U zit aan tafel 1." in page


def test_hall_screen_needs_its_token(client, setup):
    token = Summit.objects.get().hall_token
    assert client.get(BASE + "zaal/verkeerd/").status_code == 404
    page = client.get(BASE + f"zaal/{token}/").content.decode()
    assert f"?hall={token}" in page and "Woorden van de tafels" in page


def test_word_cloud_counts_words_without_stop_words():
    assert keywords(["Meer groen in de wijk", "Groen dak!", "de de de"]) == [
        ("groen", 2),
        ("wijk", 1),
        ("dak", 1),
    ]


def test_seed_demo_makes_a_burgertop_with_tables_agenda_and_participants(tmp_path):
    seed_demo(tmp_path / "l.txt", tmp_path / "c.csv", runs=2)  # a re-run adds nothing
    summit = Summit.objects.get(slug="burgertop-diemen-2026")
    assert summit.steps.count() == 8
    assert summit.tables.count() == 10 and summit.tables.filter(online=True).count() == 1
    assert Participant.objects.filter(summit=summit).count() == 60
    assert Participant.objects.filter(table__online=True).count() == 0
    assert max(t.members.count() for t in summit.tables.all()) <= 10
    assert f"zaal/{summit.hall_token}/" in (tmp_path / "l.txt").read_text()


def test_registered_resident_not_checked_in_is_sent_to_the_desk(client):
    setup = make_summit("burgertop-test", seated=False)
    client.force_login(setup.residents[0])
    response = client.get(BASE)
    assert response.status_code == 200
    assert "Meld u eerst aan bij de balie" in response.content.decode()


def test_summit_script_asks_nothing_in_browser_dialogs():
    from pathlib import Path

    import deliberation

    script = Path(deliberation.__file__).parent / "static" / "deliberation" / "summit.js"
    source = script.read_text(encoding="utf-8")
    for dialog in ("prompt(", "confirm(", "alert("):
        assert dialog not in source, f"summit.js uses {dialog}): use an inline form"


def test_control_room_shows_the_theme_of_each_table(client, setup):
    from deliberation.models import Theme

    theme = Theme.objects.create(summit=Summit.objects.get(), name="Groen", featured=True)
    SummitTable.objects.filter(number=2).update(theme=theme)
    client.force_login(setup.facilitator)
    page = client.get(BASE + "regie/").content.decode()
    assert '<td class="utrecht-table__cell" data-table-theme="2">Groen</td>' in page
