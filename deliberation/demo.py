"""The Diemen burgertop of the demo: 100 tables (a few online), about 1,000 participants."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from samenspel.demo import DemoContext

from . import demo_afternoon, demo_finished, services
from .models import Participant, Step, Summit
from .services import invitees

SLUG = "burgertop-diemen-2026"
AGENDA = [
    (Step.Kind.WELCOME, "Welkom in het Theater De Omval", "", 15),
    (
        Step.Kind.TABLE_ROUND,
        "Tafelronde: kennismaken",
        "Wat maakt Diemen voor u een fijne plek om te wonen?",
        20,
    ),
    (
        Step.Kind.IDEA_COLLECTION,
        "Ideeën verzamelen",
        "Wat moet er in Diemen de komende tien jaar beter?",
        30,
    ),
    (Step.Kind.CLUSTERING, "Het themateam ordent de ideeën", "", 20),
    (Step.Kind.THEME_CHOICE, "Thema's kiezen voor de middag", "", 10),
    (
        Step.Kind.PROPOSALS,
        "Voorstellen per thema",
        "Welk concreet voorstel doet uw tafel aan de gemeenteraad?",
        45,
    ),
    (Step.Kind.VOTE, "Stemmen op de voorstellen", "", 20),
    (Step.Kind.CLOSING, "Afsluiting en vervolg", "", 10),
]


def seed(context: DemoContext) -> None:
    summit = Summit.objects.filter(slug=SLUG).first()
    if summit is None:
        summit = _create(context)
    demo_afternoon.seed(context)  # a second summit, in its proposals step
    demo_finished.seed(context)  # a third, finished: voted on, its outcome published
    context.lines.extend(
        [
            "",
            f"Burgertop: http://127.0.0.1:8000/burgertop/{SLUG}/ "
            "(gespreksleider: /regie/, themateam: /themateam/, tafels: /tafel/)",
            f"Zaalscherm: http://127.0.0.1:8000/burgertop/{SLUG}/zaal/{summit.hall_token}/",
        ]
    )


def _create(context: DemoContext) -> Summit:
    """The summit as a municipality builds it in the workspace: the same services."""
    by = context.staff["beheer"]
    summit = services.summit_create(
        by=by, title="Burgertop Diemen 2026", template="empty", now=context.now
    )
    summit = services.summit_update(
        summit=summit,
        by=by,
        title=summit.title,
        slug=SLUG,
        date=timezone.localdate(context.now),
        place="Theater De Omval, Diemen",
        question="Hoe maken we Diemen samen een fijne plek om te wonen, nu en over tien jaar?",
        limits=(
            "Wel: wat de gemeente zelf kan doen of regelen in Diemen. "
            "Niet: belastingen, zaken van het Rijk of de provincie."
        ),
        commissioned_by="De gemeenteraad van Diemen",
        ladder=Summit.Ladder.ADVISE,
        now=context.now,
    )
    for kind, title, question, minutes in AGENDA:
        services.summit_step_add(
            summit=summit, by=by, kind=kind, title=title, question=question, minutes=minutes
        )
    online_count = 1 if context.small else 3
    hosts = context.table_hosts
    tables = services.summit_tables_add(
        summit=summit, by=by, hall=len(hosts) - online_count, online=online_count, capacity=10
    )
    for table, host in zip(tables, hosts, strict=True):
        video_url = (
            f"https://video.diemen.example/burgertop/tafel-{table.number}" if table.online else ""
        )
        services.summit_table_update(
            table=table, by=by, capacity=10, video_url=video_url, host=host
        )
    invitees.invitees_invite_accounts(summit=summit, by=by, users=context.residents)
    summit = services.summit_open(summit=summit, by=by, now=context.now)
    # Most residents were checked in at the desk five minutes ago and seated by its
    # 'Tafels indelen'; the rest still walk past the desk.
    arrived = len(context.residents) if context.small else len(context.residents) * 9 // 10
    desk = context.staff["gespreksleider"]
    participant_of = dict(Participant.objects.filter(summit=summit).values_list("user_id", "pk"))
    check_in_at = context.now - timedelta(minutes=5)
    for user in context.residents[:arrived]:
        services.participant_check_in(
            summit=summit, by=desk, now=check_in_at, participant_id=participant_of[user.pk]
        )
    services.participant_seat_all(summit=summit, by=desk, now=context.now, seed=384)
    return summit
