"""Shapes of the poll channel's live events (/ws/polls/<id>/; see docs/live-protocol.md).

Live screens see turnout only; results travel once, in poll.closed.
"""

from __future__ import annotations

from typing import Literal, TypedDict


class TurnoutData(TypedDict):
    poll: int
    voted: int
    eligible: int


class PollOpenedData(TypedDict):
    poll: int
    title: str
    method: str


class ResultRow(TypedDict):
    key: str
    title: str
    value: str
    winner: bool


class PollClosedData(TypedDict):
    poll: int
    title: str
    method: str
    voted: int
    eligible: int
    winners: list[str]
    rows: list[ResultRow]
    file_sha256: str
    url: str


class SnapshotData(TypedDict):
    poll: int
    status: str
    voted: int | None  # None while open if the poll shows its turnout only at closing
    eligible: int


class TurnoutEvent(TypedDict):
    kind: Literal["event"]
    type: Literal["turnout.changed"]
    data: TurnoutData


class PollOpenedEvent(TypedDict):
    kind: Literal["event"]
    type: Literal["poll.opened"]
    data: PollOpenedData


class PollClosedEvent(TypedDict):
    kind: Literal["event"]
    type: Literal["poll.closed"]
    data: PollClosedData


class SnapshotFrame(TypedDict):
    kind: Literal["snapshot"]
    data: SnapshotData


def turnout_changed(data: TurnoutData) -> TurnoutEvent:
    return {"kind": "event", "type": "turnout.changed", "data": data}


def poll_opened(data: PollOpenedData) -> PollOpenedEvent:
    return {"kind": "event", "type": "poll.opened", "data": data}


def poll_closed(data: PollClosedData) -> PollClosedEvent:
    return {"kind": "event", "type": "poll.closed", "data": data}


def snapshot(data: SnapshotData) -> SnapshotFrame:
    return {"kind": "snapshot", "data": data}
