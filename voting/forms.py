"""Turn a ballot form (plain HTML, works without JavaScript) into a choice for the service.

Only parsing lives here; what makes a ballot valid is decided by services.clean_choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from samenspel.digits import whole_number

from . import methods
from .models import Option, Poll
from .services import VotingError


@dataclass
class BallotState:
    """What the form shows: the order of a ranking, what is ticked, the numbers typed."""

    order: list[str] = field(default_factory=list)
    ranked: set[str] = field(default_factory=set)
    picked: set[str] = field(default_factory=set)
    numbers: dict[str, str] = field(default_factory=dict)


def initial_state(options: Sequence[Option]) -> BallotState:
    return BallotState(order=[option.key for option in options])


def state_from_post(options: Sequence[Option], data: QueryDict) -> BallotState:
    keys = [option.key for option in options]
    order = [key for key in data.getlist("order") if key in keys]
    # Keep every option exactly once in the shown order, whatever was posted.
    seen: list[str] = []
    for key in order + keys:
        if key not in seen:
            seen.append(key)
    return BallotState(
        order=seen,
        ranked=set(data.getlist("ranked")),
        picked=set(data.getlist("option")),
        numbers={key: data.get(f"value-{key}", "") for key in keys},
    )


def move(state: BallotState, instruction: str) -> None:
    """Apply a 'up:3' or 'down:3' button press (the no-JavaScript way to rank)."""
    direction, _sep, key = instruction.partition(":")
    if key not in state.order:
        return
    index = state.order.index(key)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(state.order):
        state.order[index], state.order[target] = state.order[target], state.order[index]
    state.ranked.add(key)


def choice_from_post(poll: Poll, options: Sequence[Option], data: QueryDict) -> Any:
    """The choice in the shape services.clean_choice expects, or VotingError."""
    keys = [option.key for option in options]
    shape = poll.voting_method.shape
    if shape is methods.YES_NO:
        return {key: data.get(f"value-{key}", "") for key in keys}
    if shape is methods.RANKING:
        order = data.getlist("order")
        ranked = set(data.getlist("ranked"))
        return [key for key in order if key in ranked]
    if shape is methods.CHOICE:
        return data.getlist("option")
    values: dict[str, int] = {}
    for key in keys:
        raw = data.get(f"value-{key}", "").strip()
        if raw == "":
            if shape is methods.GRADES:
                raise VotingError(_("Geef elke optie een cijfer."))
            continue
        try:
            values[key] = int(raw)
        except ValueError as error:
            raise VotingError(_("Gebruik alleen hele getallen.")) from error
    return values


def revision_from_post(data: QueryDict) -> int | None:
    return whole_number(data.get("revision", ""))
