"""Who is there and where they sit: check-in, walk-ins, seating, online and theme tables."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from samenspel import services as core_services
from samenspel.models import InvitationCode, Role, User

from .. import events, rules, seating, selectors
from ..models import Participant, Summit, SummitTable
from .context import (
    CommandRefused,
    clean_text,
    emit,
    guarded,
    live_command,
    row_id,
    whole_number,
)
from .vote import vote_voters_add


def _participant_data(participant: Participant) -> events.ParticipantData:
    return {
        "id": participant.pk,
        "name": participant.user.public_name,
        "table": participant.table.number if participant.table else None,
    }


@live_command(
    "participant.check_in",
    rules.RUN_DESK,
    parse=lambda data, now: {
        "code": data.get("code"),
        "participant_id": data.get("participant"),
        "now": now,
    },
)
def participant_check_in(
    *, summit: Summit, by: User, now: datetime, code: Any = None, participant_id: Any = None
) -> dict[str, Any]:
    """Check a registered participant in, found by the letter code (its first part) or id."""
    with guarded(summit, by, "participant.check_in") as (summit, _roles):
        participant = None
        if isinstance(code, str) and code.strip():
            lookup = core_services.normalise_code(code)[: core_services.LOOKUP_LENGTH]
            row = InvitationCode.objects.filter(lookup=lookup).first()
            if row is not None:
                participant = Participant.objects.filter(summit=summit, user=row.user_id).first()
        elif row_id(participant_id) > 0:
            participant = Participant.objects.filter(summit=summit, pk=participant_id).first()
        if participant is None:
            raise CommandRefused(
                "not_found", _("Geen deelnemer van deze burgertop gevonden met deze code.")
            )
        participant = Participant.objects.select_related("user", "table").get(pk=participant.pk)
        if participant.checked_in_at is None:
            participant.checked_in_at = now
            participant.save(update_fields=["checked_in_at"])
            emit(summit, events.participant_checked_in, _participant_data(participant))
        vote_voters_add(summit, [participant.user])
        return {
            "participant": participant.pk,
            "name": participant.user.public_name,
            "table": participant.table.number if participant.table else None,
        }


@live_command(
    "participant.walk_in",
    rules.RUN_DESK,
    parse=lambda data, now: {
        "name": data.get("name"),
        "birth_year": data.get("birth_year"),
        "now": now,
    },
)
def participant_walk_in(
    *, summit: Summit, by: User, name: Any, birth_year: Any = None, now: datetime
) -> dict[str, Any]:
    """Register and check in someone without an invitation; returns their one-time code."""
    with guarded(summit, by, "participant.walk_in") as (summit, _roles):
        name = clean_text(
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
        emit(summit, events.participant_checked_in, _participant_data(participant))
        vote_voters_add(summit, [participant.user])
        return {"participant": participant.pk, "name": name, "code": code}


@live_command(
    "participant.seat_all",
    rules.RUN_DESK,
    parse=lambda data, now: {"now": now, "seed": whole_number(data, "seed")},
)
def participant_seat_all(
    *, summit: Summit, by: User, now: datetime, seed: int = 0
) -> dict[str, Any]:
    """Seat every checked-in participant at a hall table, mixing them (pure ``seating.seat``).

    Run again between rounds: people move away from the table they sat at.
    """
    with guarded(summit, by, "participant.seat_all") as (summit, _roles):
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
            emit(summit, events.seating_changed, {"seats": changed})
        return {"seated": len(plan), "moved": len(changed)}


@live_command("participant.join_online", rules.JOIN_ONLINE)
def participant_join_online(*, summit: Summit, by: User, now: datetime) -> dict[str, Any]:
    """A registered participant who is not in the hall joins from home: checked in and seated
    at the online table with the most free seats. Joining again returns the same table."""
    with guarded(summit, by, "participant.join_online") as (summit, _roles):
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
        emit(summit, events.participant_checked_in, _participant_data(participant))
        vote_voters_add(summit, [participant.user])
        return _online_answer(participant, table)


def _online_answer(participant: Participant, table: SummitTable) -> dict[str, Any]:
    return {"participant": participant.pk, "table": table.number, "video_url": table.video_url}


@live_command(
    "table.choose",
    rules.CHOOSE_THEME_TABLE,
    parse=lambda data, now: {"table_number": data.get("table"), "now": now},
)
def theme_table_choose(
    *, summit: Summit, by: User, table_number: Any, now: datetime, theme: Any = None
) -> dict[str, Any]:
    """A participant moves to the theme table of their choice while it has a free seat, or,
    given a ``theme`` instead of a table, to the table of that theme with the most room.

    Someone in the hall chooses among hall tables, someone online among online tables.
    """
    with guarded(summit, by, "table.choose") as (summit, _roles):
        participant = (
            Participant.objects.select_related("table")
            .filter(summit=summit, user=by, checked_in_at__isnull=False)
            .first()
        )
        if participant is None:
            raise CommandRefused("forbidden", _("U bent nog niet aangemeld bij deze burgertop."))
        number = row_id(table_number) if theme is None else _room_at_theme(participant, theme)
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
        emit(summit, events.seating_changed, {"seats": {str(participant.pk): table.number}})
        return answer


def _room_at_theme(participant: Participant, theme: Any) -> int | None:
    """The table number a participant who chose ``theme`` goes to (their own table when it
    has that theme already); refused when the theme has no table of theirs with room."""
    online = participant.table.online if participant.table is not None else False
    tables = list(
        SummitTable.objects.filter(summit=participant.summit_id, theme=row_id(theme), online=online)
        .select_related("theme")
        .annotate(seated=Count("members"))
    )
    if not tables:
        raise CommandRefused("not_found", _("Kies een van de thema's."))
    if participant.table_id in {table.pk for table in tables}:
        return participant.table.number if participant.table is not None else None
    number = seating.table_with_room({t.number: t.capacity - t.seated for t in tables})
    if number is None:
        raise CommandRefused(
            "no_room",
            _("Aan het thema %(theme)s is geen plek meer vrij. Kies een ander thema.")
            % {"theme": tables[0].theme.name if tables[0].theme else ""},
        )
    return number
