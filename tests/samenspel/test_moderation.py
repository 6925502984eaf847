"""The moderation queue (/werkruimte/moderatie/): who sees which hidden content, with the
reason, who hid it and when; its undo (twice, by the wrong person, on a closed summit); and
the admin, which cannot delete or change the evidence of a vote."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from deliberation import services as summit_services
from deliberation.models import Idea, IdeaModeration, Step, Summit
from samenspel.models import Role
from tests.deliberation.factories import go_to_step, make_summit
from tests.factories import UserFactory
from voting import models as voting_models
from voting import services as voting_services
from voting.models import Method
from voting.services import OptionSpec

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_memory_layer")]

QUEUE = "/werkruimte/moderatie/"


def hidden_idea(setup, text="Scheldwoord", reason="Persoonlijke aanval", *, minutes_ago=0):
    """An idea of table 1, hidden by the theme team with ``reason``."""
    go_to_step(setup.summit, Step.Kind.TABLE_ROUND)
    now = timezone.now() - timedelta(minutes=minutes_ago)
    done = summit_services.idea_create(summit=setup.summit, by=setup.hosts[0], text=text, now=now)
    summit_services.idea_hide(
        summit=setup.summit, by=setup.theme_team, idea_id=done["idea"], reason=reason, now=now
    )
    return Idea.objects.get(pk=done["idea"])


def queue_of(client, user, **params):
    client.force_login(user)
    response = client.get(QUEUE, params)
    assert response.status_code == 200
    return response.content.decode()


def test_hiding_writes_the_record_and_the_queue_shows_reason_who_and_when(client):
    setup = make_summit()
    idea = hidden_idea(setup)
    record = IdeaModeration.objects.get(idea=idea)
    assert (record.action, record.reason, record.by) == (
        "hide",
        "Persoonlijke aanval",
        setup.theme_team,
    )

    page = queue_of(client, setup.facilitator)
    assert "Scheldwoord" in page and "Persoonlijke aanval" in page
    assert setup.theme_team.public_name in page
    assert f'datetime="{timezone.localtime(record.at).isoformat()}"' in page
    assert "Ongedaan maken" in page and "Burgertop test" in page


def test_the_queue_shows_a_summits_hidden_ideas_only_to_its_moderators(client):
    setup = make_summit()
    hidden_idea(setup)
    other = make_summit("andere-burgertop")
    administrator = UserFactory(roles=[Role.ADMINISTRATOR])
    for user in (setup.facilitator, setup.theme_team, administrator):
        assert "Scheldwoord" in queue_of(client, user), user
    for user in (other.facilitator, other.theme_team, setup.hosts[0], setup.residents[0]):
        page = queue_of(client, user)
        assert "Scheldwoord" not in page, user
        assert "Er is nu niets verborgen of gemeld dat u mag modereren." in page
    client.logout()
    assert client.get(QUEUE).status_code == 302  # to the login


def test_the_queue_is_newest_first_and_filters_by_process(client):
    setup = make_summit()
    other = make_summit("andere-burgertop")
    Summit.objects.filter(pk=other.summit.pk).update(title="Tweede burgertop")
    hidden_idea(setup, "Oud scheldwoord", minutes_ago=30)
    hidden_idea(other, "Nieuw scheldwoord", minutes_ago=1)
    administrator = UserFactory(roles=[Role.ADMINISTRATOR])
    page = queue_of(client, administrator)
    assert page.index("Nieuw scheldwoord") < page.index("Oud scheldwoord")
    only = queue_of(client, administrator, proces=setup.summit.scope)
    assert "Oud scheldwoord" in only and "Nieuw scheldwoord" not in only


def test_undo_puts_the_idea_back_and_a_second_undo_says_so(client):
    setup = make_summit()
    idea = hidden_idea(setup)
    client.force_login(setup.facilitator)
    url = reverse("idea_moderation_undo", args=[idea.pk])
    first = client.post(url, follow=True).content.decode()
    assert "Het idee staat weer op alle schermen." in first
    assert "Scheldwoord" not in first.split("<main", 1)[1].split("Het idee staat", 1)[1]
    idea.refresh_from_db()
    assert idea.status == Idea.Status.VISIBLE
    second = client.post(url, follow=True).content.decode()
    assert "Dit idee was al teruggezet; er is niets veranderd." in second
    actions = list(IdeaModeration.objects.filter(idea=idea).values_list("action", "by"))
    assert sorted(actions) == [("hide", setup.theme_team.pk), ("restore", setup.facilitator.pk)]


def test_undo_by_someone_who_does_not_moderate_the_summit_is_refused(client):
    setup = make_summit()
    idea = hidden_idea(setup)
    other = make_summit("andere-burgertop")
    url = reverse("idea_moderation_undo", args=[idea.pk])
    for user in (other.facilitator, setup.hosts[0], setup.residents[0]):
        client.force_login(user)
        assert client.post(url).status_code == 403, user
    client.force_login(setup.theme_team)
    assert client.get(url).status_code == 405  # only a POST changes anything
    idea.refresh_from_db()
    assert idea.status == Idea.Status.HIDDEN


def test_a_closed_summits_hidden_ideas_stay_hidden_and_the_page_says_why(client):
    setup = make_summit()
    idea = hidden_idea(setup)
    Summit.objects.filter(pk=setup.summit.pk).update(status=Summit.Status.CLOSED)
    page = queue_of(client, setup.facilitator)
    assert "Scheldwoord" in page
    assert "Deze burgertop is gesloten: wat verborgen was, blijft verborgen." in page
    assert "terugzetten/" not in page  # no undo button
    answer = client.post(reverse("idea_moderation_undo", args=[idea.pk]), follow=True)
    assert (
        "Deze burgertop is gesloten: wat verborgen was, blijft verborgen."
        in answer.content.decode()
    )
    idea.refresh_from_db()
    assert idea.status == Idea.Status.HIDDEN


def test_the_workspace_links_to_the_queue(client):
    setup = make_summit()
    hidden_idea(setup)
    client.force_login(setup.facilitator)
    page = client.get(reverse("workspace")).content.decode()
    assert "Moderatie" in page and f'href="{QUEUE}"' in page


# The admin: a result, a ballot, an eligibility mark and a receipt are evidence. ------------


def closed_poll_with_a_ballot():
    manager = UserFactory(roles=[Role.FACILITATOR])
    voter = UserFactory()
    poll = voting_services.poll_create(
        title="Wat doen we met het plein?",
        method=Method.APPROVAL,
        options=[OptionSpec(title="Speeltuin"), OptionSpec(title="Bomen")],
        eligible=[voter],
        context="",
        by=manager,
    )
    voting_services.poll_open(poll=poll, by=manager)
    voting_services.ballot_cast(poll=poll, participant=voter, choice=["1"])
    result = voting_services.poll_close(poll=poll, by=manager)
    return poll, result


def test_the_admin_cannot_delete_or_change_a_result_or_a_closed_poll(client):
    poll, result = closed_poll_with_a_ballot()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for name, pk in (("result", result.pk), ("poll", poll.pk)):
        assert client.get(reverse(f"admin:voting_{name}_delete", args=[pk])).status_code == 403
        assert (
            client.post(
                reverse(f"admin:voting_{name}_delete", args=[pk]), {"post": "yes"}
            ).status_code
            == 403
        )
        listing = client.get(reverse(f"admin:voting_{name}_changelist")).content.decode()
        assert "delete_selected" not in listing, name
        change = client.get(reverse(f"admin:voting_{name}_change", args=[pk])).content.decode()
        assert 'name="_save"' not in change, name  # read only
        bulk = client.post(
            reverse(f"admin:voting_{name}_changelist"),
            {"action": "delete_selected", "_selected_action": [pk], "post": "yes"},
        )
        assert bulk.status_code in (200, 302)
    assert voting_models.Result.objects.filter(pk=result.pk).exists()
    assert voting_models.Ballot.objects.filter(poll=poll).count() == 1
    assert voting_models.Eligibility.objects.filter(poll=poll).count() == 1


def test_ballots_eligibility_marks_and_receipts_are_not_in_the_admin(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for model in (
        voting_models.Ballot,
        voting_models.Eligibility,
        voting_models.PendingBallot,
        voting_models.ReplacedReceipt,
        IdeaModeration,
    ):
        assert model not in admin.site._registry, model
        url = f"/beheer/{model._meta.app_label}/{model._meta.model_name}/"
        assert client.get(url).status_code == 404, url


def test_deleting_a_voter_in_the_admin_keeps_the_mark_that_they_voted(client):
    poll, _result = closed_poll_with_a_ballot()
    mark = voting_models.Eligibility.objects.get(poll=poll)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:samenspel_user_delete", args=[mark.participant_id])
    page = client.get(url).content.decode()
    assert "kan niet worden verwijderd" in page
    assert "Stemgerechtigde: " in page  # names what stands in the way
    client.post(url, {"post": "yes"})
    bulk = reverse("admin:samenspel_user_changelist")
    client.post(
        bulk,
        {"action": "delete_selected", "_selected_action": [mark.participant_id], "post": "yes"},
    )
    mark.refresh_from_db()
    assert mark.has_voted
    assert voting_models.Eligibility.objects.filter(poll=poll).count() == 1


def test_a_long_queue_shows_the_newest_two_hundred_and_says_so(client):
    setup = make_summit()
    first = hidden_idea(setup, "Het oudste scheldwoord", minutes_ago=60)
    now = timezone.now()
    ideas = Idea.objects.bulk_create(
        Idea(
            summit=setup.summit,
            table=first.table,
            author=setup.hosts[0],
            text=f"Scheldwoord {n}",
            status=Idea.Status.HIDDEN,
            created_at=now,
            updated_at=now,
        )
        for n in range(200)
    )
    IdeaModeration.objects.bulk_create(
        IdeaModeration(
            summit=setup.summit,
            idea=idea,
            action="hide",
            reason="Grof",
            by=setup.theme_team,
            at=now,
        )
        for idea in ideas
    )
    page = queue_of(client, setup.facilitator)
    assert "U ziet de nieuwste 200 van de 201." in page
    assert "Scheldwoord 199" in page and "Het oudste scheldwoord" not in page
