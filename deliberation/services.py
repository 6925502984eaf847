"""Every write of a live summit. Each service checks the named rule, writes in one
transaction with the summit row locked, and broadcasts its events after commit, each with
the summit's next sequence number.

Run from ``command_run`` a service's own transaction block takes no savepoint: it is inside
that command's savepoint already (one round trip fewer each way per command on PostgreSQL).
Called in any other way it behaves as ``transaction.atomic()``."""

from __future__ import annotations

import logging
import re
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspel import services as core_services
from samenspel.models import InvitationCode, Role, User
from samenspel.realtime import broadcast

from . import events, rules, seating, selectors
from .models import (
    IDEA_MAX_LENGTH,
    CommandAnswer,
    Idea,
    Participant,
    Step,
    Summit,
    SummitTable,
    Theme,
)

logger = logging.getLogger(__name__)

MESSAGE_MAX_LENGTH = 280
THEME_NAME_MAX_LENGTH = 120
MAX_EXTEND_SECONDS = 3600


class CommandRefused(Exception):
    """A command that was not carried out; nothing was written. ``message`` is translated."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class _Batch:
    """Commands run together in one transaction (see ``command_run_batch``).

    The summit row is locked once and its ``seq`` written once at the end; roles and tables
    looked up for one command are reused by the next, until a command that can change them.
    """

    summit: Summit | None = None
    seq_unsaved: bool = False
    roles: dict[int, set[str]] = field(default_factory=dict)
    tables: dict[int, SummitTable | None] = field(default_factory=dict)
    # Lock late (see ``command_run_batch``): events wait here for their seq.
    late: bool = False
    events: list[tuple[Callable[[int, Any], events.Event], Any]] = field(default_factory=list)

    def mark(self) -> tuple[int | None, int]:
        """Where a command starts: the seq not yet written, and the events waiting."""
        return (self.summit.seq if self.summit is not None else None), len(self.events)


_running = threading.local()

# Commands whose batches lock the summit only to number their events (``command_run_batch``).
_LOCK_LATE = frozenset({"idea.create"})

# Commands that change no one's roles or table: lookups stay valid after them.
_KEEPS_LOOKUPS = frozenset(
    {
        "step.start",
        "step.pause",
        "step.extend",
        "step.advance",
        "message.send",
        "idea.create",
        "idea.edit",
        "idea.withdraw",
        "idea.hide",
        "idea.merge",
        "theme.create",
        "theme.rename",
        "theme.assign",
        "theme.feature",
    }
)


def _atomic() -> transaction.Atomic:
    """A service's transaction block: no savepoint of its own inside ``command_run``'s."""
    return transaction.atomic(savepoint=not getattr(_running, "in_command", False))


def _batch() -> _Batch | None:
    return getattr(_running, "batch", None)


def _locked(summit: Summit) -> Summit:
    batch = _batch()
    if batch is not None and batch.summit is not None and batch.summit.pk == summit.pk:
        return batch.summit
    if batch is not None and batch.late:
        batch.summit = Summit.objects.select_related("current_step").get(pk=summit.pk)
        return batch.summit
    locked = (
        Summit.objects.select_for_update(of=("self",))
        .select_related("current_step")
        .get(pk=summit.pk)
    )
    if batch is not None:
        batch.summit = locked
    return locked


def _roles(summit: Summit, by: User) -> set[str]:
    batch = _batch()
    if batch is None:
        return rules.summit_roles(by, summit)
    if by.pk not in batch.roles:
        batch.roles[by.pk] = rules.summit_roles(by, summit)
    return batch.roles[by.pk]


def _table_of(summit: Summit, by: User, roles: set[str]) -> SummitTable | None:
    batch = _batch()
    if batch is None:
        return selectors.table_of(summit, by, roles)
    if by.pk not in batch.tables:
        batch.tables[by.pk] = selectors.table_of(summit, by, roles)
    return batch.tables[by.pk]


def _authorise(summit: Summit, by: User, command: str) -> set[str]:
    """Check deliberation.<command> against the locked summit; return the user's roles."""
    if summit.status == Summit.Status.CLOSED:
        raise CommandRefused("summit_closed", _("Deze burgertop is gesloten."))
    roles = _roles(summit, by)
    rule = rules.COMMAND_RULES[command]
    if not roles & rule.roles:
        raise CommandRefused("forbidden", _("U mag dit niet doen in deze burgertop."))
    step = summit.current_step
    if not rules.step_open_for(
        command, step_kind=step.kind if step else None, step_state=summit.step_state
    ):
        raise CommandRefused("step_closed", _("Dit kan nu niet: deze stap is niet open."))
    return roles


def _emit(summit: Summit, builder: Callable[[int, Any], events.Event], data: Any) -> None:
    batch = _batch()
    if batch is not None and batch.late and batch.summit is summit:
        batch.events.append((builder, data))  # numbered when the batch ends
        return
    summit.seq += 1
    if batch is not None and batch.summit is summit:
        batch.seq_unsaved = True  # written once when the batch ends
    else:
        summit.save(update_fields=["seq"])
    broadcast(summit.group, builder(summit.seq, data))


def _step_changed(summit: Summit, now: datetime) -> None:
    _emit(summit, events.step_changed, selectors.step_data(summit, now))


# Control characters and lone surrogates: invisible, and PostgreSQL refuses NUL in text.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# Database ids are positive 64-bit integers; anything else cannot name a row.
_MAX_ID = 2**63 - 1


def _id(value: Any) -> int:
    """``value`` as a row id, or -1 (which names no row) for anything that is not one."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= _MAX_ID:
        return value
    return -1


def _clean_text(raw: Any, *, limit: int, empty: str, too_long: str) -> str:
    if not isinstance(raw, str):
        raise CommandRefused("invalid", empty)
    text = " ".join(_UNWRITABLE.sub("", raw).split())
    if not text:
        raise CommandRefused("invalid", empty)
    if len(text) > limit:
        raise CommandRefused("too_long", too_long)
    return text


# Agenda and timer --------------------------------------------------------------------------


def _run_step(summit: Summit, step: Step, now: datetime) -> None:
    summit.current_step = step
    summit.step_state = Summit.StepState.RUNNING
    summit.step_deadline = (
        now + timedelta(seconds=step.duration_seconds) if step.duration_seconds else None
    )
    summit.paused_remaining_seconds = None
    summit.save(
        update_fields=["current_step", "step_state", "step_deadline", "paused_remaining_seconds"]
    )


def summit_step_start(*, summit: Summit, by: User, now: datetime) -> dict[str, Any]:
    """Start the current (or first) step, or resume it after a pause."""
    with _atomic():
        summit = _locked(summit)
        _authorise(summit, by, "step.start")
        if summit.step_state == Summit.StepState.RUNNING:
            return {"state": summit.step_state}
        if summit.step_state == Summit.StepState.PAUSED and summit.current_step is not None:
            remaining = summit.paused_remaining_seconds
            summit.step_state = Summit.StepState.RUNNING
            summit.step_deadline = now + timedelta(seconds=remaining) if remaining else None
            summit.paused_remaining_seconds = None
            summit.save(update_fields=["step_state", "step_deadline", "paused_remaining_seconds"])
        else:
            step = summit.current_step or summit.steps.order_by("position").first()
            if step is None:
                raise CommandRefused("no_step", _("Deze burgertop heeft nog geen agenda."))
            _run_step(summit, step, now)
        _step_changed(summit, now)
        return {"state": summit.step_state}


def summit_step_pause(*, summit: Summit, by: User, now: datetime) -> dict[str, Any]:
    with _atomic():
        summit = _locked(summit)
        _authorise(summit, by, "step.pause")
        if summit.step_state != Summit.StepState.RUNNING:
            raise CommandRefused("not_running", _("Er loopt nu geen stap om te pauzeren."))
        remaining = None
        if summit.step_deadline is not None:
            remaining = max(0, int((summit.step_deadline - now).total_seconds()))
        summit.step_state = Summit.StepState.PAUSED
        summit.step_deadline = None
        summit.paused_remaining_seconds = remaining
        summit.save(update_fields=["step_state", "step_deadline", "paused_remaining_seconds"])
        _step_changed(summit, now)
        return {"state": summit.step_state}


def summit_step_extend(*, summit: Summit, by: User, seconds: int, now: datetime) -> dict[str, Any]:
    with _atomic():
        summit = _locked(summit)
        _authorise(summit, by, "step.extend")
        if not 0 < seconds <= MAX_EXTEND_SECONDS:
            raise CommandRefused("invalid", _("Verleng met 1 seconde tot 60 minuten."))
        if summit.step_state == Summit.StepState.PAUSED:
            summit.paused_remaining_seconds = (summit.paused_remaining_seconds or 0) + seconds
        elif summit.step_state == Summit.StepState.RUNNING:
            summit.step_deadline = max(summit.step_deadline or now, now) + timedelta(
                seconds=seconds
            )
        else:
            raise CommandRefused("not_running", _("Er loopt nu geen stap om te verlengen."))
        summit.save(update_fields=["step_deadline", "paused_remaining_seconds"])
        _step_changed(summit, now)
        return {"deadline": summit.step_deadline, "remaining": summit.paused_remaining_seconds}


def summit_step_advance(*, summit: Summit, by: User, now: datetime) -> dict[str, Any]:
    """Go to the next step of the agenda and start its timer."""
    with _atomic():
        summit = _locked(summit)
        _authorise(summit, by, "step.advance")
        steps = summit.steps.order_by("position")
        if summit.current_step is not None:
            steps = steps.filter(position__gt=summit.current_step.position)
        step = steps.first()
        if step is None:
            raise CommandRefused("no_next_step", _("Dit is de laatste stap van de agenda."))
        _run_step(summit, step, now)
        _step_changed(summit, now)
        return {"step": step.pk}


def summit_message_send(*, summit: Summit, by: User, text: Any, now: datetime) -> dict[str, Any]:
    """A short message on every screen of the summit ('Koffie staat klaar')."""
    with _atomic():
        summit = _locked(summit)
        _authorise(summit, by, "message.send")
        text = _clean_text(
            text,
            limit=MESSAGE_MAX_LENGTH,
            empty=_("Een mededeling mag niet leeg zijn."),
            too_long=_("Een mededeling is hoogstens 280 tekens lang."),
        )
        summit.message = text
        summit.message_at = now
        summit.save(update_fields=["message", "message_at"])
        _emit(summit, events.message_sent, {"text": text, "at": now.isoformat()})
        return {}


# Check-in and seating ----------------------------------------------------------------------


def _participant_data(participant: Participant) -> events.ParticipantData:
    return {
        "id": participant.pk,
        "name": participant.user.public_name,
        "table": participant.table.number if participant.table else None,
    }


def participant_check_in(
    *, summit: Summit, by: User, now: datetime, code: Any = None, participant_id: Any = None
) -> dict[str, Any]:
    """Check a registered participant in, found by the letter code (its first part) or id."""
    with _atomic():
        summit = _locked(summit)
        _authorise(summit, by, "participant.check_in")
        participant = None
        if isinstance(code, str) and code.strip():
            lookup = core_services.normalise_code(code)[: core_services.LOOKUP_LENGTH]
            row = InvitationCode.objects.filter(lookup=lookup).first()
            if row is not None:
                participant = Participant.objects.filter(summit=summit, user=row.user_id).first()
        elif _id(participant_id) > 0:
            participant = Participant.objects.filter(summit=summit, pk=participant_id).first()
        if participant is None:
            raise CommandRefused(
                "not_found", _("Geen deelnemer van deze burgertop gevonden met deze code.")
            )
        participant = Participant.objects.select_related("user", "table").get(pk=participant.pk)
        if participant.checked_in_at is None:
            participant.checked_in_at = now
            participant.save(update_fields=["checked_in_at"])
            _emit(summit, events.participant_checked_in, _participant_data(participant))
        return {
            "participant": participant.pk,
            "name": participant.user.public_name,
            "table": participant.table.number if participant.table else None,
        }


def participant_walk_in(
    *, summit: Summit, by: User, name: Any, birth_year: Any = None, now: datetime
) -> dict[str, Any]:
    """Register and check in someone without an invitation; returns their one-time code."""
    with _atomic():
        summit = _locked(summit)
        _authorise(summit, by, "participant.walk_in")
        name = _clean_text(
            name,
            limit=100,
            empty=_("Vul een naam in."),
            too_long=_("Een naam is hoogstens 100 tekens lang."),
        )
        year = birth_year if isinstance(birth_year, int) and 1900 < birth_year <= now.year else None
        user = User.objects.create(
            username=f"inloop-{uuid.uuid4().hex[:12]}",
            display_name=name,
            birth_year=year,
            password="!",  # unusable: walk-ins log in with their code
        )
        core_services.role_grant(user=user, role=str(Role.RESIDENT), scope=summit.scope)
        participant = Participant.objects.create(
            summit=summit, user=user, checked_in_at=now, walk_in=True
        )
        code = core_services.invitation_codes_issue(users=[user], now=now, valid_days=2)[0].code
        _emit(summit, events.participant_checked_in, _participant_data(participant))
        return {"participant": participant.pk, "name": name, "code": code}


def participant_seat_all(
    *, summit: Summit, by: User, now: datetime, seed: int = 0
) -> dict[str, Any]:
    """Seat every checked-in participant at a hall table, mixing them (pure ``seating.seat``).

    Run again between rounds: people move away from the table they sat at.
    """
    with _atomic():
        summit = _locked(summit)
        _authorise(summit, by, "participant.seat_all")
        people, tables, previous = selectors.seating_input(summit, year=now.year)
        try:
            plan = seating.seat(people, tables, previous=previous, seed=seed)
        except seating.SeatingError as error:
            raise CommandRefused(
                "no_room", _("Er zijn niet genoeg plaatsen aan de tafels.")
            ) from error
        table_ids = dict(summit.tables.values_list("number", "pk"))
        changed: dict[str, int | None] = {}
        rows = list(Participant.objects.filter(summit=summit, pk__in=plan))
        for row in rows:
            number = plan[row.pk]
            if previous.get(row.pk) != number:
                row.table_id = table_ids[number]
                changed[str(row.pk)] = number
        Participant.objects.bulk_update(rows, ["table"], batch_size=500)
        if changed:
            _emit(summit, events.seating_changed, {"seats": changed})
        return {"seated": len(plan), "moved": len(changed)}


# Online tables and afternoon theme tables ---------------------------------------------------


def participant_join_online(*, summit: Summit, by: User, now: datetime) -> dict[str, Any]:
    """A registered participant who is not in the hall joins from home: checked in and seated
    at the online table with the most free seats. Joining again returns the same table."""
    with _atomic():
        summit = _locked(summit)
        _authorise(summit, by, "participant.join_online")
        participant = (
            Participant.objects.select_related("user", "table")
            .filter(summit=summit, user=by)
            .first()
        )
        if participant is None:
            raise CommandRefused(
                "forbidden", _("U staat niet op de deelnemerslijst van deze burgertop.")
            )
        if participant.table is not None and participant.table.online:
            return _online_answer(participant, participant.table)
        if participant.checked_in_at is not None:
            raise CommandRefused(
                "invalid", _("U bent al aangemeld in de zaal. Online meedoen kan dan niet meer.")
            )
        tables = [
            table
            for table in summit.tables.filter(online=True).annotate(seated=Count("members"))
            if table.seated < table.capacity
        ]
        if not tables:
            raise CommandRefused(
                "no_room", _("Alle online tafels zijn vol. Vraag de organisatie om hulp.")
            )
        table = min(tables, key=lambda t: (t.seated, t.number))
        participant.checked_in_at = now
        participant.table = table
        participant.save(update_fields=["checked_in_at", "table"])
        _emit(summit, events.participant_checked_in, _participant_data(participant))
        return _online_answer(participant, table)


def _online_answer(participant: Participant, table: SummitTable) -> dict[str, Any]:
    return {"participant": participant.pk, "table": table.number, "video_url": table.video_url}


def theme_tables_spread(*, summit: Summit, by: User) -> dict[str, Any]:
    """Give every table one of the marked themes for the afternoon, in turn; hall tables and
    online tables each get the themes from the first one on, so both can choose any theme."""
    with _atomic():
        summit = _locked(summit)
        _authorise(summit, by, "table.spread_themes")
        themes = list(Theme.objects.filter(summit=summit, featured=True).order_by("pk"))
        if not themes:
            raise CommandRefused(
                "no_themes",
                _("Markeer eerst de thema's voor de middag met 'Op het zaalscherm'."),
            )
        tables = list(summit.tables.order_by("number"))
        for group in ([t for t in tables if not t.online], [t for t in tables if t.online]):
            for index, table in enumerate(group):
                table.theme = themes[index % len(themes)]
        SummitTable.objects.bulk_update(tables, ["theme"])
        # Every table, not only the changed ones: screens take the whole map as it is now.
        _emit(
            summit,
            events.table_themes_changed,
            {"tables": {str(table.number): table.theme_id for table in tables}},
        )
        return {"tables": len(tables), "themes": len(themes)}


def theme_table_choose(
    *, summit: Summit, by: User, table_number: Any, now: datetime
) -> dict[str, Any]:
    """A participant moves to the theme table of their choice while it has a free seat.

    Someone in the hall chooses among hall tables, someone online among online tables.
    """
    with _atomic():
        summit = _locked(summit)
        _authorise(summit, by, "table.choose")
        participant = (
            Participant.objects.select_related("table")
            .filter(summit=summit, user=by, checked_in_at__isnull=False)
            .first()
        )
        if participant is None:
            raise CommandRefused("forbidden", _("U bent nog niet aangemeld bij deze burgertop."))
        number = _id(table_number)
        table = (
            SummitTable.objects.select_related("theme")
            .filter(summit=summit, number=number, theme__isnull=False)
            .first()
        )
        if table is None or table.theme is None:
            raise CommandRefused("not_found", _("Kies een van de thematafels."))
        answer = {"table": table.number, "theme": table.theme.name}
        if participant.table_id == table.pk:
            return answer
        online = participant.table.online if participant.table is not None else False
        if table.online != online:
            raise CommandRefused(
                "invalid",
                _("U doet online mee: kies een online tafel.")
                if online
                else _("U bent in de zaal: kies een tafel in de zaal."),
            )
        if Participant.objects.filter(table=table).count() >= table.capacity:
            raise CommandRefused(
                "no_room",
                _("Tafel %(number)s (%(theme)s) is vol. Kies een andere tafel.")
                % {"number": table.number, "theme": table.theme.name},
            )
        participant.table = table
        participant.save(update_fields=["table"])
        _emit(summit, events.seating_changed, {"seats": {str(participant.pk): table.number}})
        return answer


# Ideas --------------------------------------------------------------------------------------


def _idea_text(raw: Any) -> str:
    return _clean_text(
        raw,
        limit=IDEA_MAX_LENGTH,
        empty=_("Een idee mag niet leeg zijn."),
        too_long=_("Een idee is hoogstens %(limit)s tekens lang.") % {"limit": IDEA_MAX_LENGTH},
    )


def _new_idea(summit: Summit, by: User, text: Any, now: datetime) -> Idea:
    """The idea ``by`` may write now, checked and not yet saved; refusals come first."""
    roles = _authorise(summit, by, "idea.create")
    text = _idea_text(text)
    table = _table_of(summit, by, roles)
    if table is None:
        raise CommandRefused("no_table", _("U zit nog niet aan een tafel."))
    return Idea(
        summit=summit,
        table=table,
        step=summit.current_step,
        author=by,
        text=text,
        created_at=now,
        updated_at=now,
    )


def _idea_created(summit: Summit, idea: Idea) -> None:
    _emit(
        summit,
        events.idea_created,
        {"id": idea.pk, "table": idea.table.number, "text": idea.text, "theme": None},
    )


def idea_create(*, summit: Summit, by: User, text: Any, now: datetime) -> dict[str, Any]:
    """A host writes for their table; a seated participant for the table they sit at."""
    with _atomic():
        summit = _locked(summit)
        idea = _new_idea(summit, by, text, now)
        idea.save()
        _idea_created(summit, idea)
        return {"idea": idea.pk}


def _own_idea(summit: Summit, by: User, roles: set[str], idea_id: Any) -> Idea:
    idea = Idea.objects.select_related("table").filter(summit=summit, pk=_id(idea_id)).first()
    if idea is None or idea.status != Idea.Status.VISIBLE:
        raise CommandRefused("not_found", _("Dit idee bestaat niet (meer)."))
    hosts_it = Role.TABLE_HOST in roles and idea.table.host_id == by.pk
    if idea.author_id != by.pk and not hosts_it:
        raise CommandRefused("forbidden", _("U kunt alleen ideeën van uw eigen tafel wijzigen."))
    return idea


def idea_edit(
    *, summit: Summit, by: User, idea_id: Any, text: Any, now: datetime
) -> dict[str, Any]:
    with _atomic():
        summit = _locked(summit)
        roles = _authorise(summit, by, "idea.edit")
        idea = _own_idea(summit, by, roles, idea_id)
        idea.text = _idea_text(text)
        idea.updated_at = now
        idea.save(update_fields=["text", "updated_at"])
        _emit(summit, events.idea_edited, {"id": idea.pk, "text": idea.text})
        return {"idea": idea.pk}


def idea_withdraw(*, summit: Summit, by: User, idea_id: Any, now: datetime) -> dict[str, Any]:
    with _atomic():
        summit = _locked(summit)
        roles = _authorise(summit, by, "idea.withdraw")
        idea = _own_idea(summit, by, roles, idea_id)
        idea.status = Idea.Status.WITHDRAWN
        idea.updated_at = now
        idea.save(update_fields=["status", "updated_at"])
        _emit(summit, events.idea_withdrawn, {"id": idea.pk})
        return {"idea": idea.pk}


def _curated_idea(summit: Summit, idea_id: Any) -> Idea:
    idea = Idea.objects.filter(summit=summit, pk=_id(idea_id)).first()
    if idea is None or idea.status != Idea.Status.VISIBLE:
        raise CommandRefused("not_found", _("Dit idee bestaat niet (meer)."))
    return idea


def idea_hide(*, summit: Summit, by: User, idea_id: Any, now: datetime) -> dict[str, Any]:
    """Take an idea off every screen (e.g. a personal attack); the text stays stored."""
    with _atomic():
        summit = _locked(summit)
        _authorise(summit, by, "idea.hide")
        idea = _curated_idea(summit, idea_id)
        idea.status = Idea.Status.HIDDEN
        idea.updated_at = now
        idea.save(update_fields=["status", "updated_at"])
        _emit(summit, events.idea_hidden, {"id": idea.pk})
        return {"idea": idea.pk}


def idea_merge(
    *, summit: Summit, by: User, idea_id: Any, into_id: Any, now: datetime
) -> dict[str, Any]:
    """Fold a duplicate into another idea; the duplicate leaves the lists."""
    with _atomic():
        summit = _locked(summit)
        _authorise(summit, by, "idea.merge")
        idea = _curated_idea(summit, idea_id)
        into = _curated_idea(summit, into_id)
        if idea.pk == into.pk:
            raise CommandRefused(
                "invalid", _("Een idee kan niet met zichzelf worden samengevoegd.")
            )
        idea.status = Idea.Status.MERGED
        idea.merged_into = into
        idea.updated_at = now
        idea.save(update_fields=["status", "merged_into", "updated_at"])
        _emit(summit, events.idea_merged, {"id": idea.pk, "into": into.pk})
        return {"idea": idea.pk, "into": into.pk}


# Themes -------------------------------------------------------------------------------------


def _theme_name(raw: Any) -> str:
    return _clean_text(
        raw,
        limit=THEME_NAME_MAX_LENGTH,
        empty=_("Een thema heeft een naam nodig."),
        too_long=_("Een themanaam is hoogstens 120 tekens lang."),
    )


def _theme(summit: Summit, theme_id: Any) -> Theme:
    theme = Theme.objects.filter(summit=summit, pk=_id(theme_id)).first()
    if theme is None:
        raise CommandRefused("not_found", _("Dit thema bestaat niet."))
    return theme


def _theme_data(theme: Theme) -> events.ThemeData:
    return {"id": theme.pk, "name": theme.name, "featured": theme.featured}


def theme_create(*, summit: Summit, by: User, name: Any) -> dict[str, Any]:
    with _atomic():
        summit = _locked(summit)
        _authorise(summit, by, "theme.create")
        theme = Theme.objects.create(summit=summit, name=_theme_name(name))
        _emit(summit, events.theme_created, _theme_data(theme))
        return {"theme": theme.pk}


def theme_rename(*, summit: Summit, by: User, theme_id: Any, name: Any) -> dict[str, Any]:
    with _atomic():
        summit = _locked(summit)
        _authorise(summit, by, "theme.rename")
        theme = _theme(summit, theme_id)
        theme.name = _theme_name(name)
        theme.save(update_fields=["name"])
        _emit(summit, events.theme_renamed, _theme_data(theme))
        return {"theme": theme.pk}


def theme_feature(*, summit: Summit, by: User, theme_id: Any, featured: Any) -> dict[str, Any]:
    """Mark a theme for the hall screen (or take it off)."""
    with _atomic():
        summit = _locked(summit)
        _authorise(summit, by, "theme.feature")
        theme = _theme(summit, theme_id)
        theme.featured = bool(featured)
        theme.save(update_fields=["featured"])
        _emit(summit, events.theme_featured, _theme_data(theme))
        return {"theme": theme.pk}


def theme_assign(
    *, summit: Summit, by: User, idea_id: Any, theme_id: Any, now: datetime
) -> dict[str, Any]:
    """Put an idea in a theme (``theme_id`` None takes it out)."""
    with _atomic():
        summit = _locked(summit)
        _authorise(summit, by, "theme.assign")
        idea = _curated_idea(summit, idea_id)
        theme = None if theme_id is None else _theme(summit, theme_id)
        idea.theme = theme
        idea.updated_at = now
        idea.save(update_fields=["theme", "updated_at"])
        _emit(
            summit,
            events.theme_assigned,
            {"idea": idea.pk, "theme": theme.pk if theme else None},
        )
        return {"idea": idea.pk, "theme": theme.pk if theme else None}


# Commands from the live channel -------------------------------------------------------------


def _int(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


Handler = Callable[[Summit, User, dict[str, Any], datetime], dict[str, Any]]

COMMANDS: dict[str, Handler] = {
    "step.start": lambda s, u, d, now: summit_step_start(summit=s, by=u, now=now),
    "step.pause": lambda s, u, d, now: summit_step_pause(summit=s, by=u, now=now),
    "step.extend": lambda s, u, d, now: summit_step_extend(
        summit=s,
        by=u,
        seconds=_int(d, "seconds"),
        now=now,
    ),
    "step.advance": lambda s, u, d, now: summit_step_advance(summit=s, by=u, now=now),
    "message.send": lambda s, u, d, now: summit_message_send(
        summit=s, by=u, text=d.get("text"), now=now
    ),
    "participant.check_in": lambda s, u, d, now: participant_check_in(
        summit=s, by=u, code=d.get("code"), participant_id=d.get("participant"), now=now
    ),
    "participant.walk_in": lambda s, u, d, now: participant_walk_in(
        summit=s, by=u, name=d.get("name"), birth_year=d.get("birth_year"), now=now
    ),
    "participant.seat_all": lambda s, u, d, now: participant_seat_all(
        summit=s, by=u, now=now, seed=_int(d, "seed")
    ),
    "participant.join_online": lambda s, u, d, now: participant_join_online(
        summit=s, by=u, now=now
    ),
    "table.spread_themes": lambda s, u, d, now: theme_tables_spread(summit=s, by=u),
    "table.choose": lambda s, u, d, now: theme_table_choose(
        summit=s, by=u, table_number=d.get("table"), now=now
    ),
    "idea.create": lambda s, u, d, now: idea_create(summit=s, by=u, text=d.get("text"), now=now),
    "idea.edit": lambda s, u, d, now: idea_edit(
        summit=s, by=u, idea_id=d.get("idea"), text=d.get("text"), now=now
    ),
    "idea.withdraw": lambda s, u, d, now: idea_withdraw(
        summit=s, by=u, idea_id=d.get("idea"), now=now
    ),
    "idea.hide": lambda s, u, d, now: idea_hide(summit=s, by=u, idea_id=d.get("idea"), now=now),
    "idea.merge": lambda s, u, d, now: idea_merge(
        summit=s, by=u, idea_id=d.get("idea"), into_id=d.get("into"), now=now
    ),
    "theme.create": lambda s, u, d, now: theme_create(summit=s, by=u, name=d.get("name")),
    "theme.rename": lambda s, u, d, now: theme_rename(
        summit=s, by=u, theme_id=d.get("theme"), name=d.get("name")
    ),
    "theme.assign": lambda s, u, d, now: theme_assign(
        summit=s, by=u, idea_id=d.get("idea"), theme_id=d.get("theme"), now=now
    ),
    "theme.feature": lambda s, u, d, now: theme_feature(
        summit=s, by=u, theme_id=d.get("theme"), featured=d.get("featured")
    ),
}


def command_run(
    *,
    summit: Summit,
    by: User,
    key: uuid.UUID,
    command: str,
    data: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    """Run one live command once: a key seen before returns the first answer unchanged.

    The answer is stored in the same transaction as the change, so an ack is only ever an
    answer that was committed. Refused commands store nothing and may be sent again.
    """
    handler = COMMANDS.get(command)
    if handler is None:
        raise CommandRefused("unknown_command", _("Onbekende opdracht."))
    batch = _batch()
    before = batch.mark() if batch is not None else (None, 0)
    try:
        with transaction.atomic():
            _running.in_command = True
            try:
                result = handler(summit, by, data, now)
            finally:
                _running.in_command = False
            stored = selectors.jsonable(result)
            CommandAnswer.objects.create(
                user=by, key=key, summit=summit, type=command, result=stored, created_at=now
            )
    except (CommandRefused, IntegrityError):
        # Refused now, or collided with its own key: a command carried out before and sent
        # again (the step may have moved on) keeps its first answer. Looked up only here, so
        # a new command costs no query for it.
        if batch is not None:
            _forget_after_failure(batch, before)
        earlier = CommandAnswer.objects.filter(user=by, key=key).first()
        if earlier is None:
            raise
        return _earlier_answer(earlier, summit, command)
    except Exception:
        if batch is not None:
            _forget_after_failure(batch, before)
        raise
    return stored


def _earlier_answer(earlier: CommandAnswer, summit: Summit, command: str) -> dict[str, Any]:
    if earlier.summit_id != summit.pk or earlier.type != command:
        raise CommandRefused("key_reused", _("Deze opdracht-id is al voor iets anders gebruikt."))
    return dict(earlier.result)


@dataclass
class Command:
    """One command from a live screen, for ``command_run_batch``."""

    by: User
    key: uuid.UUID
    type: str
    data: dict[str, Any]


def command_run_batch(*, summit: Summit, commands: Sequence[Command]) -> list[Any]:
    """Run commands that arrived together in one transaction, each as if run alone.

    One answer per command, in order: the result, or the ``CommandRefused`` (or other
    exception) that stopped it. A command that fails is rolled back to its savepoint and
    leaves the others alone; nothing is acknowledged before the whole batch commits. One
    lock, one ``seq`` write and one commit for many commands is what keeps a burst of ideas
    from a hundred tables answered within a second.

    A batch of new ideas only (``_LOCK_LATE``) reads the summit without locking it and locks
    it at the end, to number its events: with several server processes their batches then
    run side by side and wait for each other only for that last step, where a batch that
    locked first held the row (and every idea insert's foreign-key check on it) throughout.
    An idea that arrives as the facilitator closes the step may then still be taken: it was
    written while the step was open.
    """
    if len(commands) > 1 and all(command.type == "idea.create" for command in commands):
        try:
            return _ideas_together(summit, commands)
        except Exception:  # noqa: BLE001 - rolled back; each idea is then run on its own
            # What the checks cannot foresee, like the same key stored by another process a
            # moment ago: nothing of this attempt stays, and below every idea gets its own
            # savepoint and its own answer.
            logger.warning("a batch of ideas is run again one by one", exc_info=True)
    answers: list[Any] = []
    with transaction.atomic():
        batch = _running.batch = _Batch(late=all(c.type in _LOCK_LATE for c in commands))
        try:
            for command in commands:
                try:
                    answers.append(
                        command_run(
                            summit=summit,
                            by=command.by,
                            key=command.key,
                            command=command.type,
                            data=command.data,
                            now=timezone.now(),
                        )
                    )
                except Exception as error:  # noqa: BLE001 - answered to its own screen only
                    if not isinstance(error, CommandRefused):
                        logger.exception("live command %s failed", command.type)
                    answers.append(error)  # command_run has reset the batch
                    continue
                if command.type not in _KEEPS_LOOKUPS:
                    batch.roles.clear()
                    batch.tables.clear()
            if batch.events:
                _number_events(summit, batch.events)
            elif batch.summit is not None and batch.seq_unsaved:
                batch.summit.save(update_fields=["seq"])
        finally:
            _running.batch = None
    return answers


def _ideas_together(summit: Summit, commands: Sequence[Command]) -> list[Any]:
    """New ideas that arrived together, written with one insert for the ideas and one for
    the answers, where one by one each took four round trips to the database (savepoint,
    idea, answer, release). Each command is checked as ``idea_create`` checks it alone, and
    all refusals come before anything is written, so no command needs a savepoint of its
    own. A key seen before gets its first answer; the same command twice in the batch is
    written once. Answers come back in order, as from ``command_run_batch``.
    """
    now = timezone.now()
    answers: list[Any] = [None] * len(commands)
    first: dict[tuple[int, uuid.UUID], int] = {}  # (user, key) -> index of its first copy
    with transaction.atomic():
        batch = _running.batch = _Batch(late=True)
        try:
            # Everyone's roles and table in three queries, not two per command.
            users = list({command.by.pk: command.by for command in commands}.values())
            batch.roles = rules.summit_roles_of(users, summit)
            batch.tables = selectors.tables_of(summit, batch.roles)
            current = _locked(summit)  # read only: the lock comes with the numbering
            stored = {
                (answer.user_id, answer.key): answer
                for answer in CommandAnswer.objects.filter(
                    user_id__in=[user.pk for user in users],
                    key__in=[command.key for command in commands],
                )
            }
            new: list[tuple[int, Idea]] = []
            for index, command in enumerate(commands):
                ident = (command.by.pk, command.key)
                if ident in first:
                    continue  # answered as its first copy, below
                first[ident] = index
                try:
                    if ident in stored:
                        answers[index] = _earlier_answer(stored[ident], summit, command.type)
                    else:
                        new.append(
                            (index, _new_idea(current, command.by, command.data.get("text"), now))
                        )
                except CommandRefused as refused:
                    answers[index] = refused
            Idea.objects.bulk_create([idea for _index, idea in new])
            rows = []
            for index, idea in new:
                command = commands[index]
                answers[index] = {"idea": idea.pk}
                _idea_created(current, idea)  # waits in the batch for its number
                rows.append(
                    CommandAnswer(
                        user=command.by,
                        key=command.key,
                        summit=current,
                        type=command.type,
                        result=answers[index],
                        created_at=now,
                    )
                )
            CommandAnswer.objects.bulk_create(rows)
            if batch.events:
                _number_events(current, batch.events)
        finally:
            _running.batch = None
    return [
        answers[first[(command.by.pk, command.key)]] if answer is None else answer
        for command, answer in zip(commands, answers, strict=True)
    ]


def _number_events(summit: Summit, waiting: list[tuple[Callable[[int, Any], Any], Any]]) -> None:
    """A late-locking batch's last step: lock the summit, number the events, write the seq.

    ``FOR NO KEY UPDATE`` waits for the other batches' numbering but not for their idea
    inserts, whose foreign-key checks only share the row.
    """
    seq = (
        Summit.objects.select_for_update(no_key=True)
        .values_list("seq", flat=True)
        .get(pk=summit.pk)
    )
    for builder, data in waiting:
        seq += 1
        broadcast(summit.group, builder(seq, data))
    Summit.objects.filter(pk=summit.pk).update(seq=seq)


def _forget_after_failure(batch: _Batch, before: tuple[int | None, int]) -> None:
    """After a rolled-back command: read the summit again, keeping the seq not yet written,
    and drop the events it left waiting."""
    seq_before, events_before = before
    del batch.events[events_before:]
    batch.roles.clear()
    batch.tables.clear()
    summit = batch.summit
    if summit is None:
        return
    batch.summit = None
    fresh = _locked(summit)  # the row is still this transaction's
    stored = fresh.seq
    if seq_before is not None:
        fresh.seq = seq_before
    batch.seq_unsaved = fresh.seq != stored
