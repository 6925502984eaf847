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
    """What the form shows: the ranking (exactly what will count, best first), what is
    ticked, the numbers typed."""

    ranking: list[str] = field(default_factory=list)
    picked: set[str] = field(default_factory=set)
    numbers: dict[str, str] = field(default_factory=dict)


def initial_state(options: Sequence[Option]) -> BallotState:
    return BallotState()


def state_from_post(options: Sequence[Option], data: QueryDict) -> BallotState:
    keys = [option.key for option in options]
    return BallotState(
        # Each option at most once on the page, whatever was posted.
        ranking=list(dict.fromkeys(key for key in data.getlist("rank") if key in keys)),
        picked=set(data.getlist("option")),
        numbers={key: data.get(f"value-{key}", "") for key in keys},
    )


def move(state: BallotState, instruction: str, options: Sequence[Option]) -> None:
    """Apply a ranking button pressed without JavaScript: 'add:3' puts option 3 last in the
    ranking, 'remove:3' takes it out, 'up:3' and 'down:3' move it one place."""
    verb, _sep, key = instruction.partition(":")
    if key not in {option.key for option in options}:
        return
    ranking = state.ranking
    if verb == "add" and key not in ranking:
        ranking.append(key)
    elif verb == "remove" and key in ranking:
        ranking.remove(key)
    elif verb in ("up", "down") and key in ranking:
        index = ranking.index(key)
        target = index - 1 if verb == "up" else index + 1
        if 0 <= target < len(ranking):
            ranking[index], ranking[target] = ranking[target], ranking[index]


def choice_from_post(poll: Poll, options: Sequence[Option], data: QueryDict) -> Any:
    """The choice in the shape services.clean_choice expects, or VotingError."""
    keys = [option.key for option in options]
    shape = poll.voting_method.shape
    if shape is methods.YES_NO:
        return {key: data.get(f"value-{key}", "") for key in keys}
    if shape is methods.RANKING:
        # Only the options in the ranking are posted (the rest is shown without a place), so
        # what counts is what the page showed numbered. A form of before this field was
        # named "rank" posts none, and is refused rather than read another way.
        return data.getlist("rank")
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
