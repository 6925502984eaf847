"""What the summit services share: the command declarations, the batch a command may run
in, the summit lock, the permission check and the numbered broadcast.

Run from ``command_run`` a service's own transaction block takes no savepoint: it is inside
that command's savepoint already (one round trip fewer each way per command on PostgreSQL).
Called in any other way it behaves as ``transaction.atomic()``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from django.db import transaction
from django.utils.translation import gettext as _

from samenspel.live.broadcast import broadcast
from samenspel.models import User

from .. import events, rules, selectors
from ..models import Summit, SummitTable


class CommandRefused(Exception):
    """A command that was not carried out; nothing was written. ``message`` is translated."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# Command declarations --------------------------------------------------------------------

# A frame's ``data`` (and the time) as the keyword arguments of the command's service.
Parser = Callable[[dict[str, Any], datetime], dict[str, Any]]
Service = TypeVar("Service", bound=Callable[..., dict[str, Any]])


def only_now(data: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The parser of a command whose service takes nothing from the frame but the time."""
    return {"now": now}


@dataclass(frozen=True)
class LiveCommand:
    """One command of the live channel, declared once, beside its service."""

    name: str  # the frame's ``type``: ``idea.create``
    rule: rules.CommandRule  # checked by the service (``authorise``)
    parse: Parser
    service: Callable[..., dict[str, Any]]
    # Changes no one's roles or table: a batch keeps its lookups after it.
    keeps_lookups: bool = False
    # A batch of only such commands locks the summit only to number its events
    # (``command_run_batch``).
    lock_late: bool = False

    def run(self, summit: Summit, by: User, data: dict[str, Any], now: datetime) -> dict[str, Any]:
        return self.service(summit=summit, by=by, **self.parse(data, now))


COMMANDS: dict[str, LiveCommand] = {}


def live_command(
    name: str,
    rule: rules.CommandRule,
    *,
    parse: Parser = only_now,
    keeps_lookups: bool = False,
    lock_late: bool = False,
) -> Callable[[Service], Service]:
    """Declare the decorated service as the live command ``name``; the service checks
    ``rule`` with ``authorise(summit, by, name)``."""

    def declare(service: Service) -> Service:
        if name in COMMANDS:
            raise ValueError(f"live command {name} is declared twice")
        COMMANDS[name] = LiveCommand(name, rule, parse, service, keeps_lookups, lock_late)
        return service

    return declare


# The batch of commands a service may run in ----------------------------------------------


@dataclass
class Batch:
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
    # What a command looked up that the next ones of the batch may reuse, such as the current
    # vote and its options for a burst of ballots; never anything a command writes.
    memo: dict[Hashable, Any] = field(default_factory=dict)

    def mark(self) -> tuple[int | None, int]:
        """Where a command starts: the seq not yet written, and the events waiting."""
        return (self.summit.seq if self.summit is not None else None), len(self.events)


running = threading.local()


def atomic() -> transaction.Atomic:
    """A service's transaction block: no savepoint of its own inside ``command_run``'s."""
    return transaction.atomic(savepoint=not getattr(running, "in_command", False))


def current_batch() -> Batch | None:
    return getattr(running, "batch", None)


def locked(summit: Summit) -> Summit:
    """The summit row, locked for this transaction (or as the batch holds it)."""
    batch = current_batch()
    if batch is not None and batch.summit is not None and batch.summit.pk == summit.pk:
        return batch.summit
    if batch is not None and batch.late:
        batch.summit = Summit.objects.select_related("current_step").get(pk=summit.pk)
        return batch.summit
    row = (
        Summit.objects.select_for_update(of=("self",))
        .select_related("current_step")
        .get(pk=summit.pk)
    )
    if batch is not None:
        batch.summit = row
    return row


def _roles(summit: Summit, by: User) -> set[str]:
    batch = current_batch()
    if batch is None:
        return rules.summit_roles(by, summit)
    if by.pk not in batch.roles:
        batch.roles[by.pk] = rules.summit_roles(by, summit)
    return batch.roles[by.pk]


def table_of(summit: Summit, by: User, roles: set[str]) -> SummitTable | None:
    batch = current_batch()
    if batch is None:
        return selectors.table_of(summit, by, roles)
    if by.pk not in batch.tables:
        batch.tables[by.pk] = selectors.table_of(summit, by, roles)
    return batch.tables[by.pk]


def authorise(summit: Summit, by: User, command: str) -> set[str]:
    """Check the declared rule of ``command`` against the locked summit; return the roles."""
    if summit.status in {Summit.Status.CLOSED, Summit.Status.ARCHIVED}:
        raise CommandRefused("summit_closed", _("Deze burgertop is gesloten."))
    roles = _roles(summit, by)
    step = summit.current_step
    refusal = rules.command_refusal(
        COMMANDS[command].rule,
        roles=roles,
        step_kind=step.kind if step else None,
        step_state=summit.step_state,
    )
    if refusal == "forbidden":
        raise CommandRefused("forbidden", _("U mag dit niet doen in deze burgertop."))
    if refusal is not None:
        raise CommandRefused("step_closed", _("Dit kan nu niet: deze stap is niet open."))
    return roles


@contextmanager
def guarded(summit: Summit, by: User, command: str) -> Iterator[tuple[Summit, set[str]]]:
    """A service's body: its transaction, the summit row locked and the rule of ``command``
    checked; yields the locked row and the roles of ``by``."""
    with atomic():
        row = locked(summit)
        yield row, authorise(row, by, command)


def emit(summit: Summit, builder: Callable[[int, Any], events.Event], data: Any) -> None:
    """Broadcast an event after commit with the summit's next sequence number."""
    batch = current_batch()
    if batch is not None and batch.late and batch.summit is summit:
        batch.events.append((builder, data))  # numbered when the batch ends
        return
    summit.seq += 1
    if batch is not None and batch.summit is summit:
        batch.seq_unsaved = True  # written once when the batch ends
    else:
        summit.save(update_fields=["seq"])
    broadcast(summit.group, builder(summit.seq, data))


# Checking what a frame sent ----------------------------------------------------------------

# Control characters and lone surrogates: invisible, and PostgreSQL refuses NUL in text.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# Database ids are positive 64-bit integers; anything else cannot name a row.
_MAX_ID = 2**63 - 1


def row_id(value: Any) -> int:
    """``value`` as a row id, or -1 (which names no row) for anything that is not one."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= _MAX_ID:
        return value
    return -1


def whole_number(data: dict[str, Any], key: str) -> int:
    """``data[key]`` when it is an integer, else 0."""
    value = data.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def clean_text(raw: Any, *, limit: int, empty: str, too_long: str) -> str:
    if not isinstance(raw, str):
        raise CommandRefused("invalid", empty)
    text = " ".join(_UNWRITABLE.sub("", raw).split())
    if not text:
        raise CommandRefused("invalid", empty)
    if len(text) > limit:
        raise CommandRefused("too_long", too_long)
    return text
