"""The afternoon of a demo summit: four theme tables writing their proposals.

A summit of its own, so the morning demo summit still starts at its first step. Built as a
day runs, through the same services: ideas at the tables, the theme team's themes, themes
spread over the tables, and each theme table's host writing its proposal.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from samenspel.demo import DemoContext

from . import services
from .models import Participant, Step, Summit

SLUG = "burgertop-diemen-middag"
TABLES = 4
AGENDA = [
    (Step.Kind.IDEA_COLLECTION, "Ideeën verzamelen", "Wat moet er in Diemen beter?", 30),
    (Step.Kind.CLUSTERING, "Het themateam ordent de ideeën", "", 20),
    (Step.Kind.THEME_CHOICE, "Thema's kiezen voor de middag", "", 10),
    (
        Step.Kind.PROPOSALS,
        "Voorstellen per thema",
        "Welk concreet voorstel doet uw tafel aan de gemeenteraad?",
        45,
    ),
    (Step.Kind.VOTE, "Stemmen op de voorstellen", "", 20),
]
THEMES = {
    "Groen en klimaat": [
        "Meer bomen in de straten van Diemen-Noord",
        "Een moestuin bij elke basisschool",
        "Geveltuintjes makkelijker aanvragen",
    ],
    "Verkeer en veiligheid": [
        "Veilige fietsroute naar het station",
        "Drempels bij de scholen",
        "Betere verlichting in het park",
    ],
}
PROPOSALS = {
    "Groen en klimaat": (
        "Elke straat een boom erbij",
        "Diemen plant de komende vijf jaar in **elke straat** minstens één boom erbij.\n\n"
        "- bewoners kiezen samen de plek\n- scholen krijgen een moestuin\n"
        "- een geveltuin aanvragen kan met één formulier",
    ),
    "Verkeer en veiligheid": (
        "Veilig naar school en station",
        "De gemeente maakt de routes naar scholen en het station **veilig voor fietsers**.\n\n"
        "- drempels en zebrapaden bij elke school\n- licht op de fietspaden door het park",
    ),
}


def seed(context: DemoContext) -> Summit:
    summit = Summit.objects.filter(slug=SLUG).first() or _create(context)
    context.lines.append(
        f"Burgertop, middag (voorstellen): http://127.0.0.1:8000/burgertop/{SLUG}/ "
        f"(voorstel 1: /burgertop/{SLUG}/voorstellen/1/)"
    )
    return summit


def _create(context: DemoContext) -> Summit:
    by, now = context.staff["beheer"], context.now
    facilitator, theme_team = context.staff["gespreksleider"], context.staff["themateam"]
    summit = services.summit_create(
        by=by, title="Burgertop Diemen 2026: de middag", template="empty", now=now
    )
    summit = services.summit_update(
        summit=summit,
        by=by,
        title=summit.title,
        slug=SLUG,
        date=timezone.localdate(now),
        place="Theater De Omval, Diemen",
        question="Welke voorstellen doen de thematafels aan de gemeenteraad?",
        limits="",
        commissioned_by="De gemeenteraad van Diemen",
        ladder=Summit.Ladder.ADVISE,
        now=now,
    )
    for kind, title, question, minutes in AGENDA:
        services.summit_step_add(
            summit=summit, by=by, kind=kind, title=title, question=question, minutes=minutes
        )
    hosts = context.table_hosts[:TABLES]
    tables = services.summit_tables_add(summit=summit, by=by, hall=TABLES, online=0, capacity=10)
    for table, host in zip(tables, hosts, strict=True):
        services.summit_table_update(table=table, by=by, capacity=10, video_url="", host=host)
    summit = services.summit_open(summit=summit, by=by, now=now)
    seated = context.residents[: TABLES * 3]
    Participant.objects.bulk_create(
        Participant(
            summit=summit,
            user=user,
            checked_in_at=now - timedelta(minutes=5),
            table=tables[index % TABLES],
        )
        for index, user in enumerate(seated)
    )
    services.summit_step_advance(summit=summit, by=facilitator, now=now)  # ideas
    written: dict[str, list[int]] = {}
    for index, (theme, texts) in enumerate(THEMES.items()):
        for offset, text in enumerate(texts):
            writer = hosts[(index + offset) % TABLES]
            result = services.idea_create(summit=summit, by=writer, text=text, now=now)
            written.setdefault(theme, []).append(result["idea"])
    services.summit_step_advance(summit=summit, by=facilitator, now=now)  # clustering
    for theme, ideas in written.items():
        made = services.theme_create(summit=summit, by=theme_team, name=theme)["theme"]
        services.theme_feature(summit=summit, by=theme_team, theme_id=made, featured=True)
        for idea in ideas:
            services.theme_assign(
                summit=summit, by=theme_team, idea_id=idea, theme_id=made, now=now
            )
    services.theme_tables_spread(summit=summit, by=theme_team)
    services.summit_step_advance(summit=summit, by=facilitator, now=now)  # theme choice
    services.summit_step_advance(summit=summit, by=facilitator, now=now)  # proposals
    for table in summit.tables.select_related("theme", "host").order_by("number"):
        if table.theme is None or table.host is None:
            continue
        title, text = PROPOSALS[table.theme.name]
        services.proposal_save(
            summit=summit,
            by=table.host,
            title=f"{title} (tafel {table.number})",
            text=text,
            ideas=written[table.theme.name][:2],
            version=0,
            now=now,
        )
    return summit
