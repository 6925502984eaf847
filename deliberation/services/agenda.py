"""The run of show: the agenda's steps and their timer, and messages to every screen."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _

from samenspel.models import User
from voting.models import Poll

from .. import events, rules, selectors
from ..models import Step, Summit
from .context import (
    CommandRefused,
    clean_text,
    emit,
    guarded,
    live_command,
    whole_number,
)
from .vote import vote_of, vote_start

MESSAGE_MAX_LENGTH = 280
MAX_EXTEND_SECONDS = 3600


def _step_changed(summit: Summit, now: datetime) -> None:
    emit(summit, events.step_changed, selectors.step_data(summit, now))


def _run_step(summit: Summit, step: Step, by: User, now: datetime) -> None:
    leaving = summit.current_step
    if leaving is not None and leaving.pk != step.pk:
        vote = vote_of(summit, leaving)
        if vote is not None and vote.poll.status == Poll.Status.OPEN:
            raise CommandRefused(
                "vote_open",
                _("De stemming is nog open. Sluit eerst de stemming, dan gaat u verder."),
            )
    if step.kind == Step.Kind.VOTE:
        vote_start(summit, step, by, now)
    summit.current_step = step
    summit.step_state = Summit.StepState.RUNNING
    summit.step_deadline = (
        now + timedelta(seconds=step.duration_seconds) if step.duration_seconds else None
    )
    summit.paused_remaining_seconds = None
    summit.save(
        update_fields=["current_step", "step_state", "step_deadline", "paused_remaining_seconds"]
    )


@live_command("step.start", rules.RUN_AGENDA, keeps_lookups=True)
def summit_step_start(*, summit: Summit, by: User, now: datetime) -> dict[str, Any]:
    """Start the current (or first) step, or resume it after a pause."""
    with guarded(summit, by, "step.start") as (summit, _roles):
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
            _run_step(summit, step, by, now)
        _step_changed(summit, now)
        return {"state": summit.step_state}


@live_command("step.pause", rules.RUN_AGENDA, keeps_lookups=True)
def summit_step_pause(*, summit: Summit, by: User, now: datetime) -> dict[str, Any]:
    with guarded(summit, by, "step.pause") as (summit, _roles):
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


@live_command(
    "step.extend",
    rules.RUN_AGENDA,
    parse=lambda data, now: {"seconds": whole_number(data, "seconds"), "now": now},
    keeps_lookups=True,
)
def summit_step_extend(*, summit: Summit, by: User, seconds: int, now: datetime) -> dict[str, Any]:
    with guarded(summit, by, "step.extend") as (summit, _roles):
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


@live_command("step.advance", rules.RUN_AGENDA, keeps_lookups=True)
def summit_step_advance(*, summit: Summit, by: User, now: datetime) -> dict[str, Any]:
    """Go to the next step of the agenda and start its timer."""
    with guarded(summit, by, "step.advance") as (summit, _roles):
        steps = summit.steps.order_by("position")
        if summit.current_step is not None:
            steps = steps.filter(position__gt=summit.current_step.position)
        step = steps.first()
        if step is None:
            raise CommandRefused("no_next_step", _("Dit is de laatste stap van de agenda."))
        _run_step(summit, step, by, now)
        _step_changed(summit, now)
        return {"step": step.pk}


@live_command("step.back", rules.RUN_AGENDA, keeps_lookups=True)
def summit_step_back(*, summit: Summit, by: User, now: datetime) -> dict[str, Any]:
    """Go back to the previous step of the agenda (a step advanced too soon) and start its
    timer again from its full duration; nothing written during the steps is undone."""
    with guarded(summit, by, "step.back") as (summit, _roles):
        current = summit.current_step
        step = (
            summit.steps.filter(position__lt=current.position).order_by("-position").first()
            if current is not None
            else None
        )
        if step is None:
            raise CommandRefused("no_previous_step", _("Dit is de eerste stap van de agenda."))
        _run_step(summit, step, by, now)
        _step_changed(summit, now)
        return {"step": step.pk}


@live_command(
    "message.send",
    rules.RUN_AGENDA,
    parse=lambda data, now: {"text": data.get("text"), "now": now},
    keeps_lookups=True,
)
def summit_message_send(*, summit: Summit, by: User, text: Any, now: datetime) -> dict[str, Any]:
    """A short message on every screen of the summit ('Koffie staat klaar')."""
    with guarded(summit, by, "message.send") as (summit, _roles):
        text = clean_text(
            text,
            limit=MESSAGE_MAX_LENGTH,
            empty=_("Een mededeling mag niet leeg zijn."),
            too_long=_("Een mededeling is hoogstens 280 tekens lang."),
        )
        summit.message = text
        summit.message_at = now
        summit.save(update_fields=["message", "message_at"])
        emit(summit, events.message_sent, {"text": text, "at": now.isoformat()})
        return {}
