"""A finished demo summit: its day ran from ideas to a vote, and its outcome is published.

A summit of its own, so the morning summit still starts at its first step and the afternoon
summit stays in its proposals step. Built as a day runs, through the same services: the
desk checks people in and seats them, they write ideas, the theme team makes themes and
spreads them over the tables, each table's host writes its proposal, the vote step opens
the poll, participants vote on their phones and a host enters paper ballots, the
facilitator closes the vote and shows the result, and the outcome is published.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.utils import timezone

from samenspel.demo import DemoContext
from samenspel.models import User
from voting import selectors as voting_selectors
from voting import services as voting

from . import services
from .models import Idea, Participant, Step, Summit, SummitVote
from .services import invitees

SLUG = "burgertop-diemen-voorjaar"
TITLE = "Burgertop Diemen voorjaar 2026"
TABLES = 3
PEOPLE = 15  # five at each table
AGENDA = [
    (Step.Kind.IDEA_COLLECTION, "Ideeën verzamelen", "Wat kan er beter in de wijk?", 30),
    (Step.Kind.CLUSTERING, "Het themateam ordent de ideeën", "", 20),
    (
        Step.Kind.PROPOSALS,
        "Voorstellen per thema",
        "Welk voorstel doet uw tafel aan de gemeenteraad?",
        45,
    ),
    (Step.Kind.VOTE, "Stemmen op de voorstellen", "Welke voorstellen steunt u?", 20),
    (Step.Kind.CLOSING, "Afsluiting en vervolg", "", 10),
]
THEMES = {
    "Samen in de wijk": [
        "Een buurthuis dat ook in het weekend open is",
        "Een bankje en een tafel op elk pleintje",
        "Buren helpen buren: een klusbank",
    ],
    "Jong en oud": [
        "Sporten voor ouderen in het park",
        "Huiswerkhulp in de bibliotheek",
        "Een plek voor jongeren om af te spreken",
    ],
    "Schoon en heel": [
        "Meer afvalbakken bij de winkels",
        "Kapotte stoeptegels sneller maken",
        "Een opruimdag per buurt, twee keer per jaar",
    ],
}
PROPOSALS = {
    "Samen in de wijk": (
        "Een open buurthuis in elke wijk",
        "Elke wijk krijgt een buurthuis dat **ook in het weekend** open is.\n\n"
        "- vrijwilligers uit de buurt beheren het\n- er is een klusbank: buren helpen buren",
    ),
    "Jong en oud": (
        "Plekken voor jong en oud",
        "De gemeente maakt plekken waar **jong en oud** elkaar ontmoeten.\n\n"
        "- sporten voor ouderen in het park\n- huiswerkhulp in de bibliotheek",
    ),
    "Schoon en heel": (
        "Een schone en hele buurt",
        "Kapotte stoeptegels zijn **binnen een maand** gemaakt, en elke buurt houdt twee "
        "opruimdagen per jaar.",
    ),
}
# Whose ballot is what, by a voter's place in the list of people: the option numbers they
# approve of. The last two do not vote; two at the first table vote on paper.
BALLOTS = [[1], [1, 2], [2], [1, 3], [1], [2, 3], [1], [3], [1, 2], [2], [1], [2], [3]]
PAPER = 2


def seed(context: DemoContext) -> Summit:
    summit = Summit.objects.filter(slug=SLUG).first() or _create(context)
    context.lines.append(
        f"Burgertop, afgelopen (uitkomst gepubliceerd): "
        f"http://127.0.0.1:8000/burgertop/{SLUG}/uitkomst/"
    )
    return summit


def _run(summit: Summit, by: User, command: str, data: dict[str, Any], context: DemoContext) -> Any:
    return services.command_run(
        summit=summit, by=by, key=uuid.uuid4(), command=command, data=data, now=context.now
    )


def _create(context: DemoContext) -> Summit:
    by, now = context.staff["beheer"], context.now
    facilitator, theme_team = context.staff["gespreksleider"], context.staff["themateam"]
    summit = services.summit_create(by=by, title=TITLE, template="empty", now=now)
    summit = services.summit_update(
        summit=summit,
        by=by,
        title=TITLE,
        slug=SLUG,
        date=timezone.localdate(now),
        place="Het Dolfijnhuis, Diemen",
        question="Wat maakt uw wijk in Diemen een betere plek om samen te wonen?",
        limits="Wel: wat de gemeente in de wijken kan doen. Niet: wonen en nieuwbouw.",
        commissioned_by="De gemeenteraad van Diemen",
        ladder=Summit.Ladder.ADVISE,
        now=now,
    )
    for kind, title, question, minutes in AGENDA:
        services.summit_step_add(
            summit=summit, by=by, kind=kind, title=title, question=question, minutes=minutes
        )
    hosts = context.table_hosts[4 : 4 + TABLES]  # the afternoon summit's hosts come first
    tables = services.summit_tables_add(summit=summit, by=by, hall=TABLES, online=0, capacity=8)
    for table, host in zip(tables, hosts, strict=True):
        services.summit_table_update(table=table, by=by, capacity=8, video_url="", host=host)
    people = context.residents[12 : 12 + PEOPLE]
    invitees.invitees_invite_accounts(summit=summit, by=by, users=people)
    summit = services.summit_open(summit=summit, by=by, now=now)
    arrived = now - timedelta(hours=3)
    for participant in Participant.objects.filter(summit=summit).order_by("pk"):
        services.participant_check_in(
            summit=summit, by=facilitator, now=arrived, participant_id=participant.pk
        )
    services.participant_seat_all(summit=summit, by=facilitator, now=now, seed=384)
    seat = dict(Participant.objects.filter(summit=summit).values_list("user_id", "table__number"))
    writers = sorted(people, key=lambda person: (seat[person.pk], person.pk))

    services.summit_step_advance(summit=summit, by=facilitator, now=now)  # ideas
    written: dict[str, list[int]] = {}
    texts = [(theme, text) for theme, items in THEMES.items() for text in items]
    for index, (theme, text) in enumerate(texts):
        writer = writers[(index * 5) % len(writers)]
        made = services.idea_create(summit=summit, by=writer, text=text, now=now)
        written.setdefault(theme, []).append(made["idea"])

    services.summit_step_advance(summit=summit, by=facilitator, now=now)  # clustering
    for theme, ideas in written.items():
        made = services.theme_create(summit=summit, by=theme_team, name=theme)["theme"]
        services.theme_feature(summit=summit, by=theme_team, theme_id=made, featured=True)
        for idea in ideas:
            services.theme_assign(
                summit=summit, by=theme_team, idea_id=idea, theme_id=made, now=now
            )
    services.theme_tables_spread(summit=summit, by=theme_team)

    services.summit_step_advance(summit=summit, by=facilitator, now=now)  # proposals
    for table in summit.tables.select_related("theme", "host").order_by("number"):
        if table.theme is None or table.host is None:
            continue
        title, text = PROPOSALS[table.theme.name]
        services.proposal_save(
            summit=summit,
            by=table.host,
            title=title,
            text=text,
            ideas=written[table.theme.name][:2],
            version=0,
            now=now,
        )

    # The facilitator marks an idea no proposal took up for the council's report, as a
    # minority view.
    services.idea_mark_for_report(
        idea=Idea.objects.get(pk=written["Jong en oud"][2]), by=facilitator, marked=True
    )

    services.summit_step_advance(summit=summit, by=facilitator, now=now)  # the vote opens
    _vote(summit, writers, hosts, context)
    _run(summit, facilitator, "vote.close", {}, context)
    _run(summit, facilitator, "vote.reveal", {}, context)
    services.summit_step_advance(summit=summit, by=facilitator, now=now)  # closing
    services.summit_outcome_publish(summit=summit, by=facilitator, now=now)
    return services.summit_close(summit=summit, by=by, now=now)


def _vote(summit: Summit, voters: list[User], hosts: list[User], context: DemoContext) -> None:
    """Ballots as the hall casts them: on phones, and on paper at the first table."""
    poll = SummitVote.objects.select_related("poll").get(summit=summit).poll
    keys = [option.key for option in voting_selectors.poll_options(poll)]
    first_table = [p for p in voters if p.pk in _seated_at(summit, hosts[0])][:PAPER]
    others = [p for p in voters if p not in first_table]
    for person, numbers in zip(first_table, BALLOTS, strict=False):
        choice = [keys[n - 1] for n in numbers if n <= len(keys)]
        voting.paper_ballot_cast(poll=poll, participant=person, choice=choice, by=hosts[0])
    for person, numbers in zip(others, BALLOTS[PAPER:], strict=False):
        choice = [keys[n - 1] for n in numbers if n <= len(keys)]
        _run(summit, person, "ballot.cast", {"choice": choice}, context)


def _seated_at(summit: Summit, host: User) -> set[int]:
    return set(
        Participant.objects.filter(summit=summit, table__host=host).values_list(
            "user_id", flat=True
        )
    )
