"""Shapes of the live summit events (docs/live-protocol.md): one TypedDict and builder each.

Every event goes to the one group of its summit and carries the summit's next ``seq``.
Hidden content never travels in an event: ``idea.hidden`` carries only the id.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict


class StepData(TypedDict):
    id: int | None
    position: int | None
    kind: str | None
    title: str
    question: str
    state: str
    deadline: str | None
    remaining_seconds: int | None


class MessageData(TypedDict):
    text: str
    at: str


class ParticipantData(TypedDict):
    id: int
    name: str
    table: int | None


class SeatingData(TypedDict):
    seats: dict[str, int | None]  # participant id -> table number


class IdeaData(TypedDict):
    id: int
    table: int
    text: str
    theme: int | None


class IdeaTextData(TypedDict):
    id: int
    text: str


class IdeaRefData(TypedDict):
    id: int


class IdeaMergedData(TypedDict):
    id: int
    into: int


class ThemeData(TypedDict):
    id: int
    name: str
    featured: bool


class ThemeAssignedData(TypedDict):
    idea: int
    theme: int | None


class Event(TypedDict):
    kind: Literal["event"]
    seq: int
    type: str
    data: Any


EVENT_SHAPES: dict[str, type] = {
    "step.changed": StepData,
    "message.sent": MessageData,
    "participant.checked_in": ParticipantData,
    "seating.changed": SeatingData,
    "idea.created": IdeaData,
    "idea.edited": IdeaTextData,
    "idea.withdrawn": IdeaRefData,
    "idea.hidden": IdeaRefData,
    "idea.merged": IdeaMergedData,
    "theme.created": ThemeData,
    "theme.renamed": ThemeData,
    "theme.featured": ThemeData,
    "theme.assigned": ThemeAssignedData,
}


def _event(seq: int, type_: str, data: Any) -> Event:
    return {"kind": "event", "seq": seq, "type": type_, "data": data}


def step_changed(seq: int, data: StepData) -> Event:
    return _event(seq, "step.changed", data)


def message_sent(seq: int, data: MessageData) -> Event:
    return _event(seq, "message.sent", data)


def participant_checked_in(seq: int, data: ParticipantData) -> Event:
    return _event(seq, "participant.checked_in", data)


def seating_changed(seq: int, data: SeatingData) -> Event:
    return _event(seq, "seating.changed", data)


def idea_created(seq: int, data: IdeaData) -> Event:
    return _event(seq, "idea.created", data)


def idea_edited(seq: int, data: IdeaTextData) -> Event:
    return _event(seq, "idea.edited", data)


def idea_withdrawn(seq: int, data: IdeaRefData) -> Event:
    return _event(seq, "idea.withdrawn", data)


def idea_hidden(seq: int, data: IdeaRefData) -> Event:
    return _event(seq, "idea.hidden", data)


def idea_merged(seq: int, data: IdeaMergedData) -> Event:
    return _event(seq, "idea.merged", data)


def theme_created(seq: int, data: ThemeData) -> Event:
    return _event(seq, "theme.created", data)


def theme_renamed(seq: int, data: ThemeData) -> Event:
    return _event(seq, "theme.renamed", data)


def theme_featured(seq: int, data: ThemeData) -> Event:
    return _event(seq, "theme.featured", data)


def theme_assigned(seq: int, data: ThemeAssignedData) -> Event:
    return _event(seq, "theme.assigned", data)
