"""Every non-trivial read of a live summit: the snapshot each screen starts from."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from samenspel.live.frames import dumps
from samenspel.models import User

from . import rules, seating, vote_state
from .drafts.markdown import render_markdown
from .events import FULL, ProposalData, StepData, VoteData, proposal_brief, table_audience
from .models import Idea, Participant, Proposal, Summit, SummitTable, Theme


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


# Table names as the migrations create them (checked by tests/deliberation).
_SEAT_SQL = (
    "SELECT t.* FROM deliberation_summittable t WHERE t.summit_id = %s AND t.id IN"
    " (SELECT p.table_id FROM deliberation_participant p WHERE p.summit_id = %s AND p.user_id = %s)"
    " LIMIT 1"
)
_HOSTED_OR_SEAT_SQL = (
    "SELECT t.* FROM deliberation_summittable t WHERE t.summit_id = %s AND (t.host_id = %s OR"
    " t.id IN (SELECT p.table_id FROM deliberation_participant p"
    " WHERE p.summit_id = %s AND p.user_id = %s))"
    " ORDER BY CASE WHEN t.host_id = %s THEN 0 ELSE 1 END LIMIT 1"
)


def table_of(summit: Summit, user: User, roles: set[str]) -> SummitTable | None:
    """The table a user writes for: the one they host, else the one they sit at.

    One query, as it runs for every idea written (see ``rules.summit_roles``).
    """
    if rules.TABLE_HOST in roles:
        sql, params = _HOSTED_OR_SEAT_SQL, [summit.pk, user.pk, summit.pk, user.pk, user.pk]
    else:
        sql, params = _SEAT_SQL, [summit.pk, summit.pk, user.pk]
    found = list(SummitTable.objects.raw(sql, params))
    return found[0] if found else None


def tables_of(summit: Summit, roles: dict[int, set[str]]) -> dict[int, SummitTable | None]:
    """``table_of`` for several users at once (user id -> their roles), in two queries."""
    hosts = [pk for pk, held in roles.items() if rules.TABLE_HOST in held]
    hosted: dict[int, SummitTable] = {}
    for table in SummitTable.objects.filter(summit=summit, host_id__in=hosts).order_by("pk"):
        hosted.setdefault(table.host_id, table)  # type: ignore[arg-type]
    seats = {
        seat.user_id: seat.table
        for seat in Participant.objects.filter(
            summit=summit, user_id__in=list(roles), table__isnull=False
        ).select_related("table")
    }
    return {pk: hosted.get(pk) or seats.get(pk) for pk in roles}


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


def proposal_data(proposal: Proposal, idea_ids: list[int]) -> ProposalData:
    """A proposal whole, as its event and the snapshot carry it (``proposal.table`` loaded)."""
    return {
        "id": proposal.pk,
        "number": proposal.number,
        "tables": [proposal.table.number],
        "theme": proposal.theme_id,
        "title": proposal.title,
        "text": proposal.text,
        "html": render_markdown(proposal.text),
        "ideas": idea_ids,
        "status": proposal.status,
        "version": proposal.version,
    }


def proposals_data(summit: Summit) -> list[ProposalData]:
    rows = Proposal.objects.filter(summit=summit).select_related("table")
    return [
        proposal_data(p, sorted(i.pk for i in p.ideas.all()))
        for p in rows.prefetch_related("ideas")
    ]


def proposal_of(snap: dict[str, Any], table: SummitTable | None) -> dict[str, Any] | None:
    """The proposal of ``table`` in a snapshot's ``data``, if it has one."""
    if table is None:
        return None
    found = [p for p in snap.get("proposals", []) if table.number in p["tables"]]
    return dict(found[0]) if found else None


def theme_ideas(summit: Summit, theme_id: int) -> list[dict[str, Any]]:
    """The visible ideas of a theme, from every table: what a theme table's proposal may
    build on."""
    rows = Idea.objects.filter(summit=summit, theme_id=theme_id, status=Idea.Status.VISIBLE)
    return [{"id": pk, "text": text} for pk, text in rows.order_by("pk").values_list("pk", "text")]


@dataclass(frozen=True)
class ProposalOption:
    """A frozen proposal as a ballot names it: a stable id, its citable number, its text."""

    id: int
    number: int
    title: str
    text: str


def frozen_proposals(summit: Summit) -> list[ProposalOption]:
    """The options of the summit's vote: its frozen proposals, in number order."""
    return [
        ProposalOption(id=p.pk, number=p.number, title=p.title, text=p.text)
        for p in Proposal.objects.filter(summit=summit, status=Proposal.Status.FROZEN)
    ]


@dataclass
class SummitState:
    """The summit-wide part of every snapshot at one ``seq``: the same for every screen."""

    seq: int
    agenda: list[dict[str, Any]]
    tables: list[dict[str, Any]]  # with host names and video links; views blank them
    ideas: list[dict[str, Any]]  # visible and hidden, with text; views filter them
    themes: list[dict[str, Any]]
    counts: dict[str, int]
    # Merged duplicates with the id they went ``into``: only the theme team sees them, to undo.
    merged: list[dict[str, Any]] = field(default_factory=list)
    proposals: list[ProposalData] = field(default_factory=list)  # every screen sees them
    vote: VoteData | None = None  # the current vote step's poll (deliberation/vote_state.py)
    views: dict[Hashable, str] = field(default_factory=dict)  # view -> encoded JSON members
    members: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # table pk -> members
    built: float = field(default_factory=time.monotonic)


# Per process: (summit pk, hall token) -> its state at the latest seq seen. Every change a
# service makes bumps the seq, so a state with the current seq is current, and connecting
# 1,000 screens costs one build instead of 1,000. Edits outside the services (the admin)
# show within STATE_MAX_AGE_SECONDS.
STATE_MAX_AGE_SECONDS = 10.0
_states: dict[tuple[int, str], SummitState] = {}
_states_lock = threading.Lock()


def _build_state(summit: Summit) -> SummitState:
    tables = list(summit.tables.select_related("host"))
    seated = Counter(
        Participant.objects.filter(summit=summit, checked_in_at__isnull=False)
        .exclude(table=None)
        .values_list("table__number", flat=True)
    )
    ideas = Idea.objects.filter(
        summit=summit, status__in=[Idea.Status.VISIBLE, Idea.Status.HIDDEN]
    ).select_related("table")
    return SummitState(
        seq=summit.seq,
        agenda=[
            {"id": s.pk, "position": s.position, "kind": s.kind, "title": s.title}
            for s in summit.steps.all()
        ],
        tables=[
            {
                "number": t.number,
                "online": t.online,
                "video_url": t.video_url,
                "host": t.host.public_name if t.host else None,
                "seated": seated.get(t.number, 0),
                "capacity": t.capacity,
                "theme": t.theme_id,  # the afternoon theme (table.spread_themes), or None
            }
            for t in tables
        ],
        ideas=[idea_row(i, with_hidden_text=True) for i in ideas],
        themes=[
            {"id": t.pk, "name": t.name, "featured": t.featured}
            for t in Theme.objects.filter(summit=summit)
        ],
        proposals=proposals_data(summit),
        vote=vote_state.current_vote_data(summit),
        merged=[
            {**idea_row(i, with_hidden_text=True), "into": i.merged_into_id}
            for i in Idea.objects.filter(summit=summit, status=Idea.Status.MERGED).select_related(
                "table"
            )
        ],
        counts={
            "checked_in": Participant.objects.filter(
                summit=summit, checked_in_at__isnull=False
            ).count(),
            "ideas": Idea.objects.filter(summit=summit, status=Idea.Status.VISIBLE).count(),
        },
    )


def summit_state(summit: Summit, *, cached: bool = True) -> SummitState:
    """The state of ``summit`` (a row just read, in the caller's transaction), from the
    per-process cache when it holds the same ``seq``."""
    if not cached:
        return _build_state(summit)
    key = (summit.pk, summit.hall_token)
    with _states_lock:
        state = _states.get(key)
    fresh = state is not None and time.monotonic() - state.built < STATE_MAX_AGE_SECONDS
    if state is None or state.seq != summit.seq or not fresh:
        state = _build_state(summit)
        with _states_lock:
            current = _states.get(key)
            if current is None or current.seq <= state.seq:
                _states[key] = state
    return state


def snapshot_view(roles: set[str], own_table: int | None, *, hall: bool = False) -> Hashable:
    """Which part of the summit a screen sees: the key of its cached, encoded view."""
    if hall:
        return "hall"
    if roles & rules.CURATORS:
        return "curator"
    if roles & rules.STAFF_ROLES:
        return "staff"
    return table_audience(own_table)


def _view_data(state: SummitState, view: Hashable) -> dict[str, Any]:
    staff = view in ("curator", "staff")
    own = view[1] if isinstance(view, tuple) else None
    if view == "curator":
        ideas = state.ideas
    elif view in ("staff", "hall"):
        ideas = [i for i in state.ideas if i["status"] == Idea.Status.VISIBLE]
    elif own is not None:
        ideas = [i for i in state.ideas if i["table"] == own and i["status"] == Idea.Status.VISIBLE]
    else:
        ideas = []
    tables = [
        {
            **t,
            "video_url": t["video_url"] if (staff or t["number"] == own) else "",
            "host": None if view == "hall" else t["host"],
        }
        for t in state.tables
    ]
    data: dict[str, Any] = {
        "agenda": state.agenda,
        "tables": tables,
        "ideas": ideas,
        "themes": state.themes,
        "counts": state.counts,
        # A table's screens get other tables' proposals without their text (as events).
        "proposals": state.proposals
        if own is None and view != ("table", None)
        else [p if own in p["tables"] else proposal_brief(p) for p in state.proposals],
    }
    if state.vote is not None:
        data["vote"] = state.vote
    if view == "curator":
        data["merged"] = state.merged
    return data


def _view_text(state: SummitState, view: Hashable) -> str:
    text = state.views.get(view)
    if text is None:
        text = state.views[view] = dumps(_view_data(state, view))[1:-1]
    return text


def _members(state: SummitState, table: SummitTable) -> list[dict[str, Any]]:
    found = state.members.get(table.pk)
    if found is None:
        found = state.members[table.pk] = [
            {"id": row.pk, "name": row.user.public_name}
            for row in Participant.objects.filter(table=table).select_related("user")
        ]
    return found


@dataclass
class LiveSnapshot:
    """A snapshot frame as sent, and who the screen is: its audience for events."""

    text: str
    seq: int
    audience: Hashable
    participant: int | None  # set when the seat, not a hosted table, decides the audience


def live_snapshot(
    summit: Summit,
    *,
    user: User | None,
    roles: set[str],
    now: datetime,
    hall: bool = False,
    cached: bool = True,
) -> LiveSnapshot:
    """The snapshot frame of the live channel, encoded; only ``me`` is built per screen."""
    with transaction.atomic():
        summit = Summit.objects.select_related("current_step").get(pk=summit.pk)
        state = summit_state(summit, cached=cached)
        own_table = table_of(summit, user, roles) if user is not None and not hall else None
        participant = (
            Participant.objects.filter(summit=summit, user=user).first()
            if user is not None and not hall
            else None
        )
        view = snapshot_view(roles, own_table.number if own_table else None, hall=hall)
        me = {
            "roles": ["hall"] if hall else sorted(roles),
            "participant": participant.pk if participant else None,
            "table": own_table.number if own_table else None,
            "members": _members(state, own_table) if own_table is not None else [],
            # The ideas this person wrote, so their own screen offers to change only those.
            "ideas": list(
                Idea.objects.filter(
                    summit=summit, author=user, status=Idea.Status.VISIBLE
                ).values_list("pk", flat=True)
            )
            if user is not None and not hall
            else [],
            # Their ideas the theme team merged into another: shown with the one they joined.
            "merged": [
                {"id": pk, "text": text, "into": into, "into_text": into_text}
                for pk, text, into, into_text in Idea.objects.filter(
                    summit=summit, author=user, status=Idea.Status.MERGED
                )
                .order_by("pk")
                .values_list("pk", "text", "merged_into", "merged_into__text")
            ]
            if user is not None and not hall
            else [],
            # In a vote step: whether this person may vote and has (never what).
            "ballot": vote_state.my_ballot(state.vote["poll"], user)
            if state.vote is not None and not hall
            else None,
        }
        head = {
            "summit": {"slug": summit.slug, "title": summit.title, "status": summit.status},
            "step": step_data(summit, now),
            "message": {"text": summit.message, "at": summit.message_at}
            if summit.message
            else None,
        }
        text = (
            f'{{"kind":"snapshot","seq":{state.seq},"data":{{{dumps(head)[1:-1]},'
            f'{_view_text(state, view)},"me":{dumps(me)}}}}}'
        )
    hosted = own_table is not None and own_table.host_id == getattr(user, "pk", None)
    return LiveSnapshot(
        text=text,
        seq=state.seq,
        audience=FULL if isinstance(view, str) else view,
        participant=participant.pk if participant is not None and not hosted else None,
    )


def snapshot(
    summit: Summit, *, user: User | None, roles: set[str], now: datetime
) -> dict[str, Any]:
    """Everything a screen shows, with the ``seq`` of the last event it already includes.

    ``seq`` is read before the rows: a row may be newer than ``seq``, and the events after
    ``seq`` then set it again to the same value (events carry whole values, not deltas).
    """
    frame = live_snapshot(summit, user=user, roles=roles, now=now, cached=False)
    return dict(json.loads(frame.text))


def hall_snapshot(summit: Summit, *, now: datetime) -> dict[str, Any]:
    """The projector's view: no names, no table members, only visible ideas."""
    frame = live_snapshot(summit, user=None, roles=set(), now=now, hall=True, cached=False)
    return dict(json.loads(frame.text))


def ideas_by_theme(snap: dict[str, Any]) -> list[dict[str, Any]]:
    """The visible ideas of a snapshot grouped by theme, with counts: each theme in order
    (most ideas first), then the ideas without a theme (``theme`` None)."""
    groups: dict[int | None, list[dict[str, Any]]] = {theme["id"]: [] for theme in snap["themes"]}
    groups[None] = []
    for idea in snap["ideas"]:
        if idea["status"] == Idea.Status.VISIBLE:
            groups.setdefault(idea["theme"], []).append(idea)
    names = {theme["id"]: theme["name"] for theme in snap["themes"]}
    rows = [
        {"theme": pk, "name": names.get(pk, ""), "ideas": ideas, "count": len(ideas)}
        for pk, ideas in groups.items()
        if pk is not None
    ]
    rows.sort(key=lambda row: -row["count"])
    rows.append({"theme": None, "name": "", "ideas": groups[None], "count": len(groups[None])})
    return rows
