"""The page to report an idea (``/burgertop/<slug>/melden/``): a table host reports the ideas
of the table they host, and a card's 'Melden' link opens the form with its idea chosen."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from deliberation.models import Idea, IdeaReport, Summit
from tests.deliberation.factories import make_summit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_memory_layer")]

RUDE = "Die buurman van nummer 12 is een oplichter"


@pytest.fixture
def setup():
    setup = make_summit()
    Summit.objects.filter(pk=setup.summit.pk).update(status=Summit.Status.OPEN)
    setup.summit.refresh_from_db()
    # residents[0] sits at table 1, which hosts[0] hosts; hosts[1] hosts table 2.
    now = timezone.now()
    setup.idea = Idea.objects.create(
        summit=setup.summit,
        table=setup.participants[0].table,
        author=setup.residents[0],
        text=RUDE,
        created_at=now,
        updated_at=now,
    )
    return setup


def test_a_table_host_sees_and_reports_the_ideas_of_the_table_they_host(setup, client: Client):
    url = reverse("summit_idea_report", args=[setup.summit.slug])
    client.force_login(setup.hosts[0])
    page = client.get(url).content.decode()
    assert RUDE in page
    assert "Aan uw tafel staat nu geen idee" not in page
    done = client.post(url, {"idea": setup.idea.pk, "reason": "offensive"}, follow=True)
    assert "Dank u. Het themateam kijkt naar het idee dat u meldde." in done.content.decode()
    assert IdeaReport.objects.get().by == setup.hosts[0]

    # The host of another table does not get table 1's ideas listed.
    client.force_login(setup.hosts[1])
    other = client.get(url).content.decode()
    assert RUDE not in other
    assert "Aan uw tafel staat nu geen idee van een ander dat u kunt melden." in other


def test_a_cards_link_opens_the_form_with_its_idea_chosen(setup, client: Client):
    client.force_login(setup.residents[2])
    url = reverse("summit_idea_report", args=[setup.summit.slug])
    screen = client.get(reverse("summit_screen", args=[setup.summit.slug])).content.decode()
    # The participant's screen tells its script where each card's 'Melden' leads.
    assert f'data-report-url="{url}"' in screen
    page = client.get(f"{url}?idee={setup.idea.pk}").content.decode()
    assert f'id="idee-{setup.idea.pk}" name="idea" value="{setup.idea.pk}" required checked' in page
