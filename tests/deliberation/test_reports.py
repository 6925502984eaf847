"""Residents report an idea of their table to the moderators: a reason from the list and an
optional note, once per person per idea, never their own, not after the summit closed, at
most 20 an hour; the moderation queue shows the reports (how many, why, when; no names) and
a moderator hides the idea or dismisses the reports, and undoes that."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from deliberation import services
from deliberation.models import Idea, IdeaModeration, IdeaReport, Summit
from samenspel.reports import REPORTS_PER_HOUR
from tests.deliberation.factories import make_summit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_memory_layer")]

QUEUE = "/werkruimte/moderatie/"
RUDE = "Die buurman van nummer 12 is een oplichter"


@pytest.fixture
def setup():
    setup = make_summit()
    Summit.objects.filter(pk=setup.summit.pk).update(status=Summit.Status.OPEN)
    setup.summit.refresh_from_db()
    # residents[0] and residents[2] sit at table 1, residents[1] and [3] at table 2.
    author = setup.residents[0]
    now = timezone.now()
    setup.idea = Idea.objects.create(
        summit=setup.summit,
        table=setup.participants[0].table,
        author=author,
        text=RUDE,
        created_at=now,
        updated_at=now,
    )
    return setup


def report(setup, user, *, reason="offensive", note="", idea=None):
    return services.idea_report(
        idea_id=(idea or setup.idea).pk, by=user, reason=reason, note=note, now=timezone.now()
    )


def refusal_of(call):
    with pytest.raises(services.CommandRefused) as refused:
        call()
    return refused.value.code, refused.value.message


def test_a_participant_reports_once_and_a_second_report_adds_nothing(setup):
    neighbour = setup.residents[2]
    assert report(setup, neighbour, note="  Noemt   een adres ") is True
    assert report(setup, neighbour, reason="spam") is False
    stored = IdeaReport.objects.get()
    assert (stored.by, stored.reason, stored.note) == (neighbour, "offensive", "Noemt een adres")


def test_refusals_store_nothing(setup):
    author, neighbour = setup.residents[0], setup.residents[2]
    assert refusal_of(lambda: report(setup, author)) == (
        "own_idea",
        "Uw eigen idee kunt u niet melden.",
    )
    assert refusal_of(lambda: report(setup, setup.outsider)) == (
        "forbidden",
        "Alleen wie meedoet aan deze burgertop kan een idee melden.",
    )
    assert refusal_of(lambda: report(setup, neighbour, reason="boos")) == (
        "invalid",
        "Kies waarom u dit meldt.",
    )
    assert refusal_of(lambda: report(setup, neighbour, note="x" * 281)) == (
        "invalid",
        "Een toelichting is hoogstens 280 tekens lang.",
    )
    Idea.objects.filter(pk=setup.idea.pk).update(status=Idea.Status.HIDDEN)
    assert refusal_of(lambda: report(setup, neighbour))[0] == "not_found"
    Idea.objects.filter(pk=setup.idea.pk).update(status=Idea.Status.VISIBLE)
    Summit.objects.filter(pk=setup.summit.pk).update(status=Summit.Status.CLOSED)
    assert refusal_of(lambda: report(setup, neighbour)) == (
        "summit_closed",
        "Deze burgertop is gesloten: melden kan niet meer.",
    )
    assert not IdeaReport.objects.exists()


def test_reports_are_bounded_per_person_per_hour(setup):
    neighbour = setup.residents[2]
    now = timezone.now()
    ideas = [
        Idea.objects.create(
            summit=setup.summit,
            table=setup.participants[0].table,
            author=setup.residents[0],
            text=f"Idee {n}",
            created_at=now,
            updated_at=now,
        )
        for n in range(REPORTS_PER_HOUR + 1)
    ]
    for idea in ideas[:REPORTS_PER_HOUR]:
        assert report(setup, neighbour, idea=idea) is True
    code, message = refusal_of(lambda: report(setup, neighbour, idea=ideas[-1]))
    assert code == "rate_limited"
    assert message == "U heeft het afgelopen uur al veel gemeld. Probeer het later opnieuw."
    assert IdeaReport.objects.count() == REPORTS_PER_HOUR
    IdeaReport.objects.update(at=now - timedelta(hours=2))
    assert report(setup, neighbour, idea=ideas[-1]) is True


def test_the_queue_shows_how_many_why_and_when_but_not_who(setup, client: Client):
    report(setup, setup.residents[2], note="Noemt een huisnummer")
    report(setup, setup.hosts[0], reason="personal")
    client.force_login(setup.theme_team)
    page = client.get(QUEUE).content.decode()
    card = page[page.index('id="idea-' + str(setup.idea.pk) + '"') :]
    card = card[: card.index("</li>")]
    assert RUDE in card and "Gemeld" in card
    assert "<dd>2</dd>" in card
    assert "Beledigend of kwetsend (1)" in card
    assert "Noemt iemand of persoonlijke gegevens (1)" in card
    assert "Noemt een huisnummer" in card
    for reporter in (setup.residents[2], setup.hosts[0]):
        names = [reporter.username, reporter.display_name, reporter.get_full_name()]
        assert not [name for name in names if name and name in card]
    # A resident, or the theme team of another summit, sees nothing of it.
    other = make_summit("andere-top")
    client.force_login(other.theme_team)
    assert RUDE not in client.get(QUEUE).content.decode()


def test_a_moderator_dismisses_the_reports_and_undoes_that(setup, client: Client):
    report(setup, setup.residents[2])
    client.force_login(setup.theme_team)
    dismissed = client.post(
        reverse("idea_reports_dismiss", args=[setup.idea.pk]), follow=True
    ).content.decode()
    assert "De meldingen zijn afgewezen; het idee blijft staan." in dismissed
    assert "Meldingen afgewezen" in dismissed
    stored = IdeaReport.objects.get()
    assert stored.dismissed_by == setup.theme_team and stored.dismissed_at is not None
    assert Idea.objects.get(pk=setup.idea.pk).status == Idea.Status.VISIBLE

    undone = client.post(
        reverse("idea_reports_dismiss_undo", args=[setup.idea.pk]), follow=True
    ).content.decode()
    assert "De meldingen staan weer open." in undone
    assert IdeaReport.objects.get().dismissed_at is None
    again = client.post(reverse("idea_reports_dismiss_undo", args=[setup.idea.pk]), follow=True)
    assert "Deze meldingen stonden al open; er is niets veranderd." in again.content.decode()


def test_a_moderator_hides_a_reported_idea_from_the_queue_in_any_step(setup, client: Client):
    report(setup, setup.residents[2])
    client.force_login(setup.theme_team)
    url = reverse("idea_moderation_hide", args=[setup.idea.pk])
    empty = client.post(url, {"reason": " "}, follow=True).content.decode()
    assert "Geef een reden op waarom u dit verbergt." in empty
    assert Idea.objects.get(pk=setup.idea.pk).status == Idea.Status.VISIBLE

    done = client.post(url, {"reason": "Noemt een buurman"}, follow=True).content.decode()
    assert "Het idee is van alle schermen gehaald." in done
    assert Idea.objects.get(pk=setup.idea.pk).status == Idea.Status.HIDDEN
    record = IdeaModeration.objects.get(idea=setup.idea)
    assert (record.action, record.reason, record.by) == ("hide", "Noemt een buurman", setup.theme_team)
    client.force_login(setup.residents[2])
    screen = client.get(reverse("summit_screen", args=[setup.summit.slug])).content.decode()
    assert RUDE not in screen


def test_a_resident_cannot_dismiss_or_hide_and_a_closed_summit_keeps_its_reports(
    setup, client: Client
):
    report(setup, setup.residents[2])
    client.force_login(setup.residents[2])
    assert client.post(reverse("idea_reports_dismiss", args=[setup.idea.pk])).status_code == 403
    hide = client.post(reverse("idea_moderation_hide", args=[setup.idea.pk]), {"reason": "x"})
    assert hide.status_code == 403
    assert IdeaReport.objects.get().dismissed_at is None
    Summit.objects.filter(pk=setup.summit.pk).update(status=Summit.Status.CLOSED)
    client.force_login(setup.theme_team)
    closed = client.post(reverse("idea_reports_dismiss", args=[setup.idea.pk]), follow=True)
    assert "Deze burgertop is gesloten: wat gemeld of verborgen is, blijft zo." in (
        closed.content.decode()
    )
    assert IdeaReport.objects.get().dismissed_at is None


def test_the_report_page_lists_others_ideas_of_the_table_and_reports_without_javascript(
    setup, client: Client
):
    neighbour = setup.residents[2]
    client.force_login(neighbour)
    screen = client.get(reverse("summit_screen", args=[setup.summit.slug])).content.decode()
    url = reverse("summit_idea_report", args=[setup.summit.slug])
    assert f'href="{url}"' in screen
    page = client.get(url).content.decode()
    assert RUDE in page and 'name="csrfmiddlewaretoken"' in page

    missing = client.post(url, {"idea": setup.idea.pk})
    assert missing.status_code == 400
    assert "Kies waarom u dit meldt." in missing.content.decode()
    done = client.post(url, {"idea": setup.idea.pk, "reason": "offensive"}, follow=True)
    assert "Dank u. Het themateam kijkt naar het idee dat u meldde." in done.content.decode()
    twice = client.post(url, {"idea": setup.idea.pk, "reason": "spam"}, follow=True)
    assert "U had dit idee al gemeld; er is niets veranderd." in twice.content.decode()
    assert IdeaReport.objects.count() == 1

    # The author does not see their own idea to report; an outsider may not open the page.
    client.force_login(setup.residents[0])
    assert RUDE not in client.get(url).content.decode()
    client.force_login(setup.outsider)
    assert client.get(url).status_code == 403


def test_the_report_form_needs_its_csrf_token(setup):
    client = Client(enforce_csrf_checks=True)
    client.force_login(setup.residents[2])
    url = reverse("summit_idea_report", args=[setup.summit.slug])
    assert client.post(url, {"idea": setup.idea.pk, "reason": "offensive"}).status_code == 403
    assert not IdeaReport.objects.exists()
