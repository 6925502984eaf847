"""A summit of a browser test's own on the demo server, built through the services as a day
runs: two hall tables with a host and two residents each, a theme per table, ideas, and the
summit in its proposals step (table 2's proposal written, table 1's not yet). Run in the
server's database with ``DemoServer.manage("shell", "-c", ...)``; prints JSON with the
one-time codes of the people it made, so the test uses no code of the shared demo.

    from tests.e2e.summit_setup import afternoon; afternoon("burgertop-test-stemmen")
"""

from __future__ import annotations

import json
import uuid

from django.utils import timezone

from deliberation import services
from deliberation.models import Participant, Step
from samenspel import services as core_services
from samenspel.models import Role, User

AGENDA = [
    (Step.Kind.IDEA_COLLECTION, "Ideeën verzamelen", "", 30),
    (Step.Kind.CLUSTERING, "Het themateam ordent", "", 20),
    (Step.Kind.PROPOSALS, "Voorstellen per thema", "Welk voorstel doet uw tafel?", 45),
    (Step.Kind.VOTE, "Stemmen op de voorstellen", "", 20),
    (Step.Kind.CLOSING, "Afsluiting", "", 10),
]


def _person(name: str, role: str, scope: str) -> User:
    user = User.objects.create(
        username=f"e2e-{uuid.uuid4().hex[:10]}", display_name=name, password="!"
    )
    core_services.role_grant(user=user, role=role, scope=scope)
    return user


def afternoon(slug: str) -> None:
    now = timezone.now()
    by = User.objects.get(username="beheer")
    facilitator = User.objects.get(username="gespreksleider")
    team = User.objects.get(username="themateam")
    summit = services.summit_create(by=by, title=f"Burgertop {slug}", template="empty", now=now)
    summit = services.summit_update(
        summit=summit,
        by=by,
        title=summit.title,
        slug=slug,
        date=timezone.localdate(now),
        place="Diemen",
        question="Welke voorstellen doen de tafels?",
        limits="",
        commissioned_by="De gemeenteraad",
        ladder="advise",
        now=now,
    )
    for kind, title, question, minutes in AGENDA:
        services.summit_step_add(
            summit=summit, by=by, kind=kind, title=title, question=question, minutes=minutes
        )
    scope = summit.scope
    hosts = [_person(f"Gastheer {n}", Role.TABLE_HOST, scope) for n in (1, 2)]
    tables = services.summit_tables_add(summit=summit, by=by, hall=2, online=0, capacity=6)
    for table, host in zip(tables, hosts, strict=True):
        services.summit_table_update(table=table, by=by, capacity=6, video_url="", host=host)
    summit = services.summit_open(summit=summit, by=by, now=now)
    residents = [_person(f"Inwoner {n}", Role.RESIDENT, scope) for n in range(1, 5)]
    for index, user in enumerate(residents):
        Participant.objects.create(
            summit=summit, user=user, checked_in_at=now, table=tables[index // 2]
        )
    services.summit_step_advance(summit=summit, by=facilitator, now=now)  # ideas
    ideas = {
        "Groen": [
            services.idea_create(summit=summit, by=hosts[0], text=text, now=now)["idea"]
            for text in ("Meer bomen in de straat", "Een moestuin bij school")
        ],
        "Verkeer": [
            services.idea_create(summit=summit, by=hosts[1], text=text, now=now)["idea"]
            for text in ("Veilige fietsroute", "Drempels bij scholen")
        ],
    }
    services.summit_step_advance(summit=summit, by=facilitator, now=now)  # clustering
    for name, picked in ideas.items():
        theme = services.theme_create(summit=summit, by=team, name=name)["theme"]
        services.theme_feature(summit=summit, by=team, theme_id=theme, featured=True)
        for idea in picked:
            services.theme_assign(summit=summit, by=team, idea_id=idea, theme_id=theme, now=now)
    services.theme_tables_spread(summit=summit, by=team)
    services.summit_step_advance(summit=summit, by=facilitator, now=now)  # proposals
    for table in summit.tables.select_related("theme", "host").order_by("number")[1:]:
        services.proposal_save(
            summit=summit,
            by=table.host,
            title="Veilig naar school",
            text="Drempels en zebrapaden bij elke school.",
            ideas=ideas[table.theme.name] if table.theme else [],
            version=0,
            now=now,
        )
    people = hosts + residents
    codes = core_services.invitation_codes_issue(users=people, now=now, valid_days=1)
    by_user = {issued.user.pk: issued.code for issued in codes}
    print(
        json.dumps(
            {
                "hall": summit.hall_token,
                "hosts": [by_user[user.pk] for user in hosts],
                "residents": [by_user[user.pk] for user in residents],
                "resident_names": [user.public_name for user in residents],
            }
        )
    )
