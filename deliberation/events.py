"""Shapes of the live summit events (docs/live-protocol.md): one TypedDict and builder each.

Every event goes to the one group of its summit and carries the summit's next ``seq``.
Hidden content never travels in an event: ``idea.hidden`` carries only the id.

Screens of a table (participants' phones, the host's tablet) get the ideas of other tables
in brief (``IdeaBriefData``: no text); ``SummitViews`` tells the hub who gets which form.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any, Literal, TypedDict

from samenspel.live.batching import FULL


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


class TableThemesData(TypedDict):
    tables: dict[str, int | None]  # table number -> theme id (every table of the summit)


class IdeaData(TypedDict):
    id: int
    table: int
    text: str
    theme: int | None


class IdeaBriefData(TypedDict):
    """``idea.created`` of another table, as a table's screens get it: enough to count."""

    id: int
    table: int
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


class AgendaStepData(TypedDict):
    id: int
    position: int
    kind: str
    title: str


class AgendaData(TypedDict):
    agenda: list[AgendaStepData]


class ProposalData(TypedDict):
    """A theme table's proposal as a whole (never a delta): what a ballot will name."""

    id: int
    number: int
    tables: list[int]  # the numbers of the tables that wrote it
    theme: int
    title: str
    text: str  # markdown, as the host wrote it
    html: str  # the same, rendered and sanitised (nh3), as the proposal's page shows it
    ideas: list[int]
    status: str  # writing, frozen
    version: int


class ProposalBriefData(TypedDict):
    """``proposal.saved`` of another table, as a table's screens get it: no text to carry
    to every phone in the hall each time a host saves."""

    id: int
    number: int
    tables: list[int]
    theme: int
    title: str
    status: str
    version: int


class VoteOptionData(TypedDict):
    key: str  # the poll's option key ("1", "2", ...): what a ballot names
    number: int  # the proposal's number in the summit (its address)
    title: str
    text: str  # markdown, as the table wrote it
    html: str  # the same, rendered and sanitised (nh3), as the proposal's page shows it


class VoteResultRowData(TypedDict):
    key: str
    title: str
    value: float
    text: str
    winner: bool


class VoteExplanationData(TypedDict):
    """One part of how the count went, in words (voting.explain): a sentence and the
    sentences under it (a ranked count's rounds)."""

    title: str
    lines: list[str]


class VoteResultData(TypedDict):
    rows: list[VoteResultRowData]
    value_label: str
    explanation: list[VoteExplanationData]
    voted: int
    eligible: int
    paper: int
    url: str  # the poll's results page: the ballot file and the recount


class VoteData(TypedDict):
    """A vote step's poll as every screen shows it (``vote.opened``, ``vote.closed``,
    ``vote.revealed`` and snapshots): never who voted what, and the result only once the
    facilitator revealed it."""

    step: int
    poll: int
    status: str  # open, closed
    method: str
    shape: str  # the ballot's form: yes_no, ranking, choice, grades, points
    max_choices: int | None
    points: int | None
    options: list[VoteOptionData]
    voted: int
    eligible: int
    tables: dict[str, list[int]]  # table number -> [voted, may vote], for the facilitator
    revealed: bool
    result: VoteResultData | None
    paper_url: str


class VoteTurnoutData(TypedDict):
    step: int
    voted: int
    eligible: int
    tables: dict[str, list[int]]


class Event(TypedDict):
    kind: Literal["event"]
    seq: int
    type: str
    data: Any


EVENT_SHAPES: dict[str, type] = {
    "agenda.changed": AgendaData,
    "step.changed": StepData,
    "message.sent": MessageData,
    "participant.checked_in": ParticipantData,
    "seating.changed": SeatingData,
    "table_themes.changed": TableThemesData,
    "idea.created": IdeaData,
    "idea.edited": IdeaTextData,
    "idea.withdrawn": IdeaRefData,
    "idea.hidden": IdeaRefData,
    "idea.merged": IdeaMergedData,
    "idea.restored": IdeaData,
    "theme.created": ThemeData,
    "theme.renamed": ThemeData,
    "theme.featured": ThemeData,
    "theme.assigned": ThemeAssignedData,
    "proposal.saved": ProposalData,
    "vote.opened": VoteData,
    "vote.turnout": VoteTurnoutData,
    "vote.closed": VoteData,
    "vote.revealed": VoteData,
}


def _event(seq: int, type_: str, data: Any) -> Event:
    return {"kind": "event", "seq": seq, "type": type_, "data": data}


def step_changed(seq: int, data: StepData) -> Event:
    return _event(seq, "step.changed", data)


def agenda_changed(seq: int, data: AgendaData) -> Event:
    """The agenda of an open summit changed in the workspace (steps added, moved, removed)."""
    return _event(seq, "agenda.changed", data)


def message_sent(seq: int, data: MessageData) -> Event:
    return _event(seq, "message.sent", data)


def participant_checked_in(seq: int, data: ParticipantData) -> Event:
    return _event(seq, "participant.checked_in", data)


def seating_changed(seq: int, data: SeatingData) -> Event:
    return _event(seq, "seating.changed", data)


def table_themes_changed(seq: int, data: TableThemesData) -> Event:
    return _event(seq, "table_themes.changed", data)


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


def idea_restored(seq: int, data: IdeaData) -> Event:
    """A hidden or merged idea back on the screens (the theme team's undo)."""
    return _event(seq, "idea.restored", data)


def theme_created(seq: int, data: ThemeData) -> Event:
    return _event(seq, "theme.created", data)


def theme_renamed(seq: int, data: ThemeData) -> Event:
    return _event(seq, "theme.renamed", data)


def theme_featured(seq: int, data: ThemeData) -> Event:
    return _event(seq, "theme.featured", data)


def theme_assigned(seq: int, data: ThemeAssignedData) -> Event:
    return _event(seq, "theme.assigned", data)


def proposal_saved(seq: int, data: ProposalData) -> Event:
    """A proposal was written, changed or frozen: every screen gets it whole."""
    return _event(seq, "proposal.saved", data)


def vote_opened(seq: int, data: VoteData) -> Event:
    return _event(seq, "vote.opened", data)


def vote_turnout(seq: int, data: VoteTurnoutData) -> Event:
    return _event(seq, "vote.turnout", data)


def vote_closed(seq: int, data: VoteData) -> Event:
    return _event(seq, "vote.closed", data)


def vote_revealed(seq: int, data: VoteData) -> Event:
    return _event(seq, "vote.revealed", data)


BRIEF = "brief"


def table_audience(table: int | None) -> tuple[str, int | None]:
    """The audience of the screens of table ``table`` (None: not seated yet)."""
    return ("table", table)


# Events that bring an idea (back) onto the lists, and proposals: other tables' screens get
# them in brief.
BRIEFED = frozenset({"idea.created", "idea.restored", "proposal.saved"})


def idea_created_brief(event: Mapping[str, Any]) -> Event:
    data = event["data"]
    brief: IdeaBriefData = {"id": data["id"], "table": data["table"], "theme": data["theme"]}
    return _event(event["seq"], event["type"], brief)


def proposal_brief(data: Mapping[str, Any]) -> ProposalBriefData:
    """A proposal as another table's screens get it (events and snapshots alike)."""
    return {
        "id": data["id"],
        "number": data["number"],
        "tables": data["tables"],
        "theme": data["theme"],
        "title": data["title"],
        "status": data["status"],
        "version": data["version"],
    }


def _tables(data: Mapping[str, Any]) -> list[int]:
    return list(data["tables"]) if "tables" in data else [data["table"]]


class SummitViews:
    """Who sees which form of a summit event: staff, the theme team and the hall screen see
    everything (``FULL``); a table's screens see other tables' new ideas and proposals in
    brief.

    A participant's audience follows ``seating.changed``; a host keeps the table they host.
    """

    def view(self, event: Mapping[str, Any], audience: Hashable) -> Hashable:
        if audience == FULL or event["type"] not in BRIEFED:
            return FULL
        own = isinstance(audience, tuple) and audience[1] in _tables(event["data"])
        return FULL if own else BRIEF

    def shape(self, event: Mapping[str, Any], view: Hashable) -> Mapping[str, Any]:
        if event["type"] == "proposal.saved":
            return _event(event["seq"], event["type"], proposal_brief(event["data"]))
        return idea_created_brief(event)

    def observe(self, event: Mapping[str, Any], sockets: Iterable[Any]) -> None:
        if event["type"] != "seating.changed":
            return
        seats = event["data"]["seats"]
        for socket in sockets:
            participant = getattr(socket, "live_participant", None)
            if participant is not None and str(participant) in seats:
                socket.live_audience = table_audience(seats[str(participant)])
