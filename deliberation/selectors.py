"""Every non-trivial read of a live summit: the snapshot each screen starts from."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from samenspel.models import User

from . import rules, seating
from .events import StepData
from .models import Idea, Participant, Summit, SummitTable, Theme


def jsonable(value: Any) -> Any:
    """Plain JSON data (dates as ISO 8601), as it goes over the wire and into the DB."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def step_data(summit: Summit, now: datetime) -> StepData:
    step = summit.current_step
    remaining = summit.paused_remaining_seconds
    if summit.step_state == Summit.StepState.RUNNING and summit.step_deadline is not None:
        remaining = max(0, int((summit.step_deadline - now).total_seconds()))
    return {
        "id": step.pk if step else None,
        "position": step.position if step else None,
        "kind": step.kind if step else None,
        "title": step.title if step else "",
        "question": step.question if step else "",
        "state": summit.step_state,
        "deadline": summit.step_deadline.isoformat() if summit.step_deadline else None,
        "remaining_seconds": remaining,
    }


def table_of(summit: Summit, user: User, roles: set[str]) -> SummitTable | None:
    """The table a user writes for: the one they host, else the one they sit at."""
    if rules.TABLE_HOST in roles:
        hosted = SummitTable.objects.filter(summit=summit, host=user).first()
        if hosted is not None:
            return hosted
    participant = (
        Participant.objects.select_related("table").filter(summit=summit, user=user).first()
    )
    return participant.table if participant else None


def seating_input(
    summit: Summit, *, year: int
) -> tuple[list[seating.Person], list[seating.Table], dict[int, int]]:
    """Checked-in participants and the hall tables as plain data for ``seating.seat``."""
    rows = (
        Participant.objects.filter(summit=summit, checked_in_at__isnull=False)
        .select_related("user__neighbourhood", "table")
        .order_by("pk")
    )
    people = [
        seating.Person(
            id=row.pk,
            neighbourhood=row.user.neighbourhood.code if row.user.neighbourhood else "",
            age_group=seating.age_group(row.user.birth_year, year),
            role="walk_in" if row.walk_in else "resident",
        )
        for row in rows
    ]
    previous = {row.pk: row.table.number for row in rows if row.table is not None}
    tables = [
        seating.Table(number=table.number, capacity=table.capacity)
        for table in summit.tables.filter(online=False)
    ]
    return people, tables, previous


def idea_row(idea: Idea, *, with_hidden_text: bool) -> dict[str, Any]:
    row = {
        "id": idea.pk,
        "table": idea.table.number,
        "text": idea.text,
        "theme": idea.theme_id,
        "status": idea.status,
    }
    if idea.status == Idea.Status.HIDDEN and not with_hidden_text:
        row["text"] = ""
    return row


def snapshot(
    summit: Summit, *, user: User | None, roles: set[str], now: datetime
) -> dict[str, Any]:
    """Everything a screen shows, with the ``seq`` of the last event it already includes.

    ``seq`` is read before the rows: a row may be newer than ``seq``, and the events after
    ``seq`` then set it again to the same value (events carry whole values, not deltas).
    """
    with transaction.atomic():
        summit = Summit.objects.select_related("current_step").get(pk=summit.pk)
        seq = summit.seq
        curator = bool(roles & rules.CURATORS)
        staff = bool(roles & (rules.STAFF_ROLES | rules.CURATORS))
        tables = list(summit.tables.select_related("host"))
        seated = Counter(
            Participant.objects.filter(summit=summit, checked_in_at__isnull=False)
            .exclude(table=None)
            .values_list("table__number", flat=True)
        )
        own_table = table_of(summit, user, roles) if user is not None else None
        ideas_query = Idea.objects.filter(summit=summit).select_related("table")
        statuses = [Idea.Status.VISIBLE, Idea.Status.HIDDEN] if curator else [Idea.Status.VISIBLE]
        ideas_query = ideas_query.filter(status__in=statuses)
        if not staff and own_table is not None and user is not None:
            ideas_query = ideas_query.filter(table=own_table)
        elif not staff:
            ideas_query = ideas_query.none()
        participant = Participant.objects.filter(summit=summit, user=user).first() if user else None
        members: list[dict[str, Any]] = []
        if own_table is not None:
            members = [
                {"id": row.pk, "name": row.user.public_name}
                for row in Participant.objects.filter(table=own_table).select_related("user")
            ]
        data = {
            "summit": {"slug": summit.slug, "title": summit.title, "status": summit.status},
            "step": step_data(summit, now),
            "agenda": [
                {"id": s.pk, "position": s.position, "kind": s.kind, "title": s.title}
                for s in summit.steps.all()
            ],
            "message": {"text": summit.message, "at": summit.message_at}
            if summit.message
            else None,
            "tables": [
                {
                    "number": t.number,
                    "online": t.online,
                    "video_url": t.video_url if (staff or t == own_table) else "",
                    "host": t.host.public_name if t.host else None,
                    "seated": seated.get(t.number, 0),
                    "capacity": t.capacity,
                }
                for t in tables
            ],
            "ideas": [idea_row(i, with_hidden_text=curator) for i in ideas_query],
            "themes": [
                {"id": t.pk, "name": t.name, "featured": t.featured}
                for t in Theme.objects.filter(summit=summit)
            ],
            "counts": {
                "checked_in": Participant.objects.filter(
                    summit=summit, checked_in_at__isnull=False
                ).count(),
                "ideas": Idea.objects.filter(summit=summit, status=Idea.Status.VISIBLE).count(),
            },
            "me": {
                "roles": sorted(roles),
                "participant": participant.pk if participant else None,
                "table": own_table.number if own_table else None,
                "members": members,
            },
        }
        return {"kind": "snapshot", "seq": seq, "data": jsonable(data)}


def hall_snapshot(summit: Summit, *, now: datetime) -> dict[str, Any]:
    """The projector's view: no names, no table members, only visible ideas."""
    frame = snapshot(summit, user=None, roles={rules.THEME_TEAM}, now=now)
    data = frame["data"]
    data["ideas"] = [idea for idea in data["ideas"] if idea["status"] == Idea.Status.VISIBLE]
    for table in data["tables"]:
        table["host"] = None
        table["video_url"] = ""
    data["me"] = {"roles": ["hall"], "participant": None, "table": None, "members": []}
    return frame
