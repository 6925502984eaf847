"""A summit's outcome page: only the summit's staff see it until it is published, then
everyone; each proposal with its text, trail and result in the vote; publishing only by
the summit's staff, and only once a vote has closed."""

import csv
import re
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from deliberation import services
from deliberation.models import (
    Idea,
    Participant,
    Proposal,
    Step,
    Summit,
    SummitTable,
    SummitVote,
    Theme,
)
from tests.deliberation.factories import go_to_step, make_summit
from tests.demo_seed import seed_demo
from voting import services as voting

SLUG = "burgertop-uitkomst"
OUTCOME = f"/burgertop/{SLUG}/uitkomst/"
PUBLISH = f"/werkruimte/burgertop/{SLUG}/uitkomst/"
NOT_YET = "Nog niet gepubliceerd"


def advance(setup):
    services.summit_step_advance(summit=setup.summit, by=setup.facilitator, now=timezone.now())


def run(setup, by, command, data=None):
    return services.command_run(
        summit=setup.summit,
        by=by,
        key=uuid.uuid4(),
        command=command,
        data=data or {},
        now=timezone.now(),
    )


def cast(setup, by, choice):
    return run(setup, by, "ballot.cast", {"choice": choice})


def idea(setup, table, text, theme):
    now = timezone.now()
    return Idea.objects.create(
        summit=setup.summit,
        table=SummitTable.objects.get(summit=setup.summit, number=table),
        author=setup.residents[0],
        text=text,
        theme=theme,
        created_at=now,
        updated_at=now,
    )


def voted(*, reveal=True):
    """A summit whose two theme tables wrote a proposal on their ideas; everyone voted (one
    on paper), the vote is closed and, unless ``reveal`` is False, its result shown."""
    setup = make_summit(SLUG)
    summit = setup.summit
    Step.objects.filter(summit=summit, position=3).update(kind=Step.Kind.PROPOSALS)
    green = Theme.objects.create(summit=summit, name="Groen")
    traffic = Theme.objects.create(summit=summit, name="Verkeer")
    SummitTable.objects.filter(summit=summit, number=1).update(theme=green)
    SummitTable.objects.filter(summit=summit, number=2).update(theme=traffic)
    trees = idea(setup, 2, "Bomen in de Ouddiemerlaan", green)
    gone = idea(setup, 1, "Een idee dat de schrijver introk", green)
    hidden = idea(setup, 1, "Een idee met een scheldwoord", green)
    bikes = idea(setup, 1, "Fietspad langs het spoor", traffic)
    go_to_step(summit, Step.Kind.PROPOSALS)
    now = timezone.now()
    services.proposal_save(
        summit=summit,
        by=setup.hosts[0],
        title="Meer bomen",
        text="Plant **meer bomen**.<script>alert(1)</script>",
        ideas=[trees.pk, gone.pk, hidden.pk],
        version=0,
        now=now,
    )
    services.proposal_save(
        summit=summit,
        by=setup.hosts[1],
        title="Veilig fietsen",
        text="Een fietspad.",
        ideas=[bikes.pk],
        version=0,
        now=now,
    )
    Idea.objects.filter(pk=gone.pk).update(status=Idea.Status.WITHDRAWN)
    Idea.objects.filter(pk=hidden.pk).update(status=Idea.Status.HIDDEN)
    advance(setup)
    poll = SummitVote.objects.get(summit=summit).poll
    cast(setup, setup.residents[0], ["1"])
    cast(setup, setup.residents[1], ["1", "2"])
    cast(setup, setup.residents[2], ["1"])
    # residents[3] sits at table 2: its host enters their paper ballot.
    voting.paper_ballot_cast(
        poll=poll, participant=setup.residents[3], choice=["2"], by=setup.hosts[1]
    )
    run(setup, setup.facilitator, "vote.close")
    if reveal:
        run(setup, setup.facilitator, "vote.reveal")
    return setup


def publish(setup):
    return services.summit_outcome_publish(
        summit=setup.summit, by=setup.facilitator, now=timezone.now()
    )


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def text_of(response):
    """The page's visible text, whitespace folded."""
    body = response.content.decode()
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", body, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


@pytest.mark.django_db
def test_the_outcome_page_is_for_the_summits_staff_until_published_then_for_everyone():
    setup = voted()
    others = {
        "anonymous": Client(),
        "participant": logged_in(setup.residents[0]),
        "table host": logged_in(setup.hosts[0]),
        "theme team": logged_in(setup.theme_team),
        "outsider": logged_in(setup.outsider),
    }
    for name, client in others.items():
        assert client.get(OUTCOME).status_code == 404, name
    # Before publishing the proposal page is as it was: for the summit's people only.
    assert Client().get(f"/burgertop/{SLUG}/voorstellen/1/").status_code == 302
    assert logged_in(setup.outsider).get(f"/burgertop/{SLUG}/voorstellen/1/").status_code == 403
    preview = logged_in(setup.facilitator).get(OUTCOME)
    assert preview.status_code == 200 and NOT_YET in text_of(preview)

    publish(setup)
    for name, client in others.items():
        page = client.get(OUTCOME)
        assert page.status_code == 200, name
        assert NOT_YET not in text_of(page) and "Meer bomen" in text_of(page), name
    shown = text_of(Client().get(f"/burgertop/{SLUG}/voorstellen/1/"))
    assert "Meer bomen" in shown and "Gekozen Goedkeuringen: 3" in shown

    services.summit_outcome_withdraw(summit=setup.summit, by=setup.facilitator, now=timezone.now())
    assert Client().get(OUTCOME).status_code == 404
    assert Client().get(f"/burgertop/{SLUG}/voorstellen/1/").status_code == 302


@pytest.mark.django_db
def test_each_proposal_shows_its_text_its_trail_and_its_result_in_the_vote():
    setup = voted()
    publish(setup)
    response = Client().get(OUTCOME)
    html = response.content.decode()
    page = text_of(response)
    first, second = (
        " ".join(re.sub(r"<[^>]+>", " ", block).split())
        for block in re.findall(r"<article.*?</article>", html, flags=re.S)
    )
    assert first.startswith("Voorstel 1: Meer bomen Gekozen Goedkeuringen: 3")
    assert "<strong>meer bomen</strong>" in html and "<script>alert" not in html
    assert "Thema: Groen. Geschreven door tafel 1." in first
    assert "Bomen in de Ouddiemerlaan (tafel 2)" in first
    assert "introk" not in page and "scheldwoord" not in page, "withdrawn and hidden stay out"
    assert second.startswith("Voorstel 2: Veilig fietsen Niet gekozen Goedkeuringen: 2")
    assert "Fietspad langs het spoor (tafel 1)" in second
    assert "Thema: Verkeer. Geschreven door tafel 2." in second
    assert "4 van de 4 deelnemers stemden. 1 van hen stemde op papier." in page
    summit = Summit.objects.get(slug=SLUG)
    assert "Adviseren" in page, "how much say the participants had"
    poll = summit.votes.get().poll
    assert f'href="/stemmen/{poll.pk}/uitslag/"' in html, "the results page: how it was counted"
    assert f'href="/stemmen/{poll.pk}/bestand/"' in html, "the ballot file, to recount"
    assert f'href="/burgertop/{SLUG}/voorstellen/2/"' in html
    proposal_page = text_of(Client().get(f"/burgertop/{SLUG}/voorstellen/2/"))
    assert "Niet gekozen Goedkeuringen: 2" in proposal_page
    assert "scheldwoord" not in text_of(Client().get(f"/burgertop/{SLUG}/voorstellen/1/"))


@pytest.mark.django_db
def test_the_result_shows_only_once_the_facilitator_revealed_it():
    setup = voted(reveal=False)
    publish(setup)
    page = text_of(Client().get(OUTCOME))
    assert "de uitslag is nog niet bekendgemaakt" in page
    assert "Gekozen" not in page and "Goedkeuringen" not in page
    proposal_page = text_of(Client().get(f"/burgertop/{SLUG}/voorstellen/1/"))
    assert "nog niet bekendgemaakt" in proposal_page and "Gekozen" not in proposal_page


@pytest.mark.django_db
def test_publishing_is_refused_before_the_vote_closed_and_says_why():
    setup = make_summit(SLUG)
    with pytest.raises(ValidationError, match="nog geen gesloten stemming"):
        publish(setup)
    response = logged_in(setup.facilitator).post(PUBLISH, {"action": "publish"}, follow=True)
    assert "nog geen gesloten stemming" in text_of(response)
    assert Summit.objects.get(slug=SLUG).outcome_published_at is None
    assert Client().get(OUTCOME).status_code == 404


@pytest.mark.django_db
def test_only_the_summits_facilitator_and_administrators_publish():
    setup = voted()
    for person in (setup.hosts[0], setup.theme_team, setup.residents[0], setup.outsider):
        with pytest.raises(PermissionDenied):
            services.summit_outcome_publish(summit=setup.summit, by=person, now=timezone.now())
        assert logged_in(person).post(PUBLISH, {"action": "publish"}).status_code == 403
    assert Summit.objects.get(slug=SLUG).outcome_published_at is None
    response = logged_in(setup.facilitator).post(PUBLISH, {"action": "publish"}, follow=True)
    assert "De uitkomst is gepubliceerd" in text_of(response)
    assert Summit.objects.get(slug=SLUG).outcome_published_at is not None


@pytest.mark.django_db
def test_the_publish_button_needs_the_forms_csrf_token():
    setup = voted()
    client = Client(enforce_csrf_checks=True)
    client.force_login(setup.facilitator)
    assert client.post(PUBLISH, {"action": "publish"}).status_code == 403
    assert Summit.objects.get(slug=SLUG).outcome_published_at is None
    workspace = client.get(f"/werkruimte/burgertop/{SLUG}/").content.decode()
    token = re.search(
        rf'action="{PUBLISH}".*?name="csrfmiddlewaretoken" value="([^"]+)"', workspace, re.S
    )
    assert token, "the workspace page has the publish form"
    response = client.post(PUBLISH, {"action": "publish", "csrfmiddlewaretoken": token[1]})
    assert response.status_code == 302
    assert Summit.objects.get(slug=SLUG).outcome_published_at is not None


@pytest.mark.django_db
def test_the_demos_finished_summit_is_published_and_names_no_resident(tmp_path):
    codes_file = tmp_path / "c.csv"
    seed_demo(tmp_path / "l.txt", codes_file, runs=2)  # a re-run adds nothing
    summit = Summit.objects.get(slug="burgertop-diemen-voorjaar")
    assert summit.status == Summit.Status.CLOSED and summit.outcome_published_at is not None
    assert Summit.objects.filter(title="Burgertop Diemen voorjaar 2026").count() == 1
    assert Proposal.objects.filter(summit=summit, status=Proposal.Status.FROZEN).count() == 3
    result = summit.votes.get().poll.result
    assert result.paper_ballots >= 1 and 0 < result.ballots_counted < result.eligible
    assert Summit.objects.get(slug="burgertop-diemen-middag").current_step.kind == "proposals"
    from voting import demo as voting_demo
    from voting.models import Poll

    titles = set(Poll.objects.values_list("title", flat=True))
    assert {poll.title for poll in voting_demo.POLLS} <= titles, "the voting demo's polls too"
    pages = [Client().get(f"/burgertop/{summit.slug}/uitkomst/")] + [
        Client().get(f"/burgertop/{summit.slug}/voorstellen/{n}/") for n in (1, 2, 3)
    ]
    assert all(page.status_code == 200 for page in pages)
    outcome = text_of(pages[0])
    assert (
        f"{result.ballots_counted} van de {result.eligible} deelnemers stemden. "
        f"{result.paper_ballots} van hen" in outcome
    )
    people = [p.user for p in Participant.objects.filter(summit=summit).select_related("user")]
    people += [t.host for t in summit.tables.select_related("host")]
    with codes_file.open(encoding="utf-8") as handle:
        codes = {row["username"]: row["code"] for row in csv.DictReader(handle)}
    everything = "\n".join(page.content.decode() for page in pages)
    for person in people:
        for personal in (person.display_name, person.username, person.email, codes[person.username]):
            assert personal not in everything, personal


@pytest.mark.django_db
def test_a_published_outcome_is_on_the_home_page_and_the_councils_answers_page(client):
    summit = make_summit("burgertop-gepubliceerd").summit
    Summit.objects.filter(pk=summit.pk).update(outcome_published_at=timezone.now())
    outcome = f"/burgertop/{summit.slug}/uitkomst/"
    home = client.get("/").content.decode()
    assert f'href="{outcome}"' in home, "found by anyone, logged in or not"
    answers = client.get(f"/raad/burgertop/{summit.slug}/").content.decode()
    assert f'href="{outcome}"' in answers
    Summit.objects.filter(pk=summit.pk).update(outcome_published_at=None)
    assert f'href="{outcome}"' not in client.get("/").content.decode()
