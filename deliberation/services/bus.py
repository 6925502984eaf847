"""The live channel's command bus: each command run once under its idempotency key, and
commands that arrived together run in one transaction (``deliberation/commands.py`` queues
them). The commands themselves are declared beside their services (``live_command``)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspel.live.broadcast import broadcast
from samenspel.models import User

from .. import rules, selectors
from ..models import CommandAnswer, Idea, Summit
from .context import COMMANDS, Batch, CommandRefused, current_batch, locked, running
from .ideas import idea_created, new_idea

logger = logging.getLogger(__name__)


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
    declared = COMMANDS.get(command)
    if declared is None:
        raise CommandRefused("unknown_command", _("Onbekende opdracht."))
    batch = current_batch()
    before = batch.mark() if batch is not None else (None, 0)
    try:
        with transaction.atomic():
            running.in_command = True
            try:
                result = declared.run(summit, by, data, now)
            finally:
                running.in_command = False
            # What the screen sees once and no one stores (a ballot's receipt).
            once = result.pop("once", None)
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
    return stored if once is None else {**stored, "once": selectors.jsonable(once)}


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

    A batch of new ideas only (commands declared ``lock_late``) reads the summit without
    locking it and locks it at the end, to number its events: with several server processes
    their batches then run side by side and wait for each other only for that last step,
    where a batch that locked first held the row (and every idea insert's foreign-key check
    on it) throughout.
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
        declared = [COMMANDS.get(command.type) for command in commands]
        late = all(found is not None and found.lock_late for found in declared)
        batch = running.batch = Batch(late=late)
        try:
            for command, found in zip(commands, declared, strict=True):
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
                if found is None or not found.keeps_lookups:
                    batch.roles.clear()
                    batch.tables.clear()
            if batch.events:
                _number_events(summit, batch.events)
            elif batch.summit is not None and batch.seq_unsaved:
                batch.summit.save(update_fields=["seq"])
        finally:
            running.batch = None
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
        batch = running.batch = Batch(late=True)
        try:
            # Everyone's roles and table in three queries, not two per command.
            users = list({command.by.pk: command.by for command in commands}.values())
            batch.roles = rules.summit_roles_of(users, summit)
            batch.tables = selectors.tables_of(summit, batch.roles)
            current = locked(summit)  # read only: the lock comes with the numbering
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
                            (index, new_idea(current, command.by, command.data.get("text"), now))
                        )
                except CommandRefused as refused:
                    answers[index] = refused
            Idea.objects.bulk_create([idea for _index, idea in new])
            rows = []
            for index, idea in new:
                command = commands[index]
                answers[index] = {"idea": idea.pk}
                idea_created(current, idea)  # waits in the batch for its number
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
            running.batch = None
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


def _forget_after_failure(batch: Batch, before: tuple[int | None, int]) -> None:
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
    fresh = locked(summit)  # the row is still this transaction's
    stored = fresh.seq
    if seq_before is not None:
        fresh.seq = seq_before
    batch.seq_unsaved = fresh.seq != stored
