"""The Diemen burgertop of the demo: 100 tables (a few online), about 1,000 participants."""

from __future__ import annotations

from datetime import timedelta

from samenspel.demo import DemoContext

from . import seating
from .models import Participant, Step, Summit, SummitTable

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
    context.lines.extend(
        [
            "",
            f"Burgertop: http://127.0.0.1:8000/burgertop/{SLUG}/ "
            "(gespreksleider: /regie/, themateam: /themateam/, tafels: /tafel/)",
            f"Zaalscherm: http://127.0.0.1:8000/burgertop/{SLUG}/zaal/{summit.hall_token}/",
        ]
    )


def _create(context: DemoContext) -> Summit:
    summit = Summit.objects.create(slug=SLUG, title="Burgertop Diemen 2026")
    Step.objects.bulk_create(
        Step(
            summit=summit,
            position=position,
            kind=kind,
            title=title,
            question=question,
            duration_seconds=minutes * 60,
        )
        for position, (kind, title, question, minutes) in enumerate(AGENDA, start=1)
    )
    online_count = 1 if context.small else 3
    hosts = context.table_hosts
    tables = SummitTable.objects.bulk_create(
        SummitTable(
            summit=summit,
            number=index + 1,
            host=host,
            capacity=10,
            online=index >= len(hosts) - online_count,
            video_url=(
                f"https://video.diemen.example/burgertop/tafel-{index + 1}"
                if index >= len(hosts) - online_count
                else ""
            ),
        )
        for index, host in enumerate(hosts)
    )
    # Most residents are already checked in and seated; the rest still walk past the desk.
    arrived = len(context.residents) if context.small else len(context.residents) * 9 // 10
    people = [
        seating.Person(
            id=user.pk,
            neighbourhood=user.neighbourhood.code if user.neighbourhood else "",
            age_group=seating.age_group(user.birth_year, context.now.year),
        )
        for user in context.residents[:arrived]
    ]
    hall = [seating.Table(number=t.number, capacity=t.capacity) for t in tables if not t.online]
    plan = seating.seat(people, hall, seed=384)
    by_number = {t.number: t for t in tables}
    check_in_at = context.now - timedelta(minutes=5)
    Participant.objects.bulk_create(
        (
            Participant(
                summit=summit,
                user=user,
                checked_in_at=check_in_at if user.pk in plan else None,
                table=by_number[plan[user.pk]] if user.pk in plan else None,
            )
            for user in context.residents
        ),
        batch_size=500,
    )
    return summit
