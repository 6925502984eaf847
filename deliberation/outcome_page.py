"""What a summit's outcome page shows (``deliberation/outcome_views.py``): the summit's
frame, each frozen proposal with its trail (the ideas it came from, its theme, the table
that wrote it) and its result in the summit's vote, and the vote's turnout.

Nothing of a resident is read here but texts they wrote for everyone: no names, codes or
e-mail addresses; tables are named by their number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse

from samenspel.models import User
from voting.models import Poll

from . import rules
from .drafts.markdown import render_markdown
from .models import Idea, Proposal, Summit, SummitVote
from .vote_state import vote_data
from .workspace_forms import LADDER_EXPLAINED

# Ideas a proposal names that anyone may read: hidden (moderated) and withdrawn ones stay out.
SHOWN_IDEAS = (Idea.Status.VISIBLE, Idea.Status.MERGED)


@dataclass(frozen=True)
class IdeaLine:
    text: str
    table: int


@dataclass(frozen=True)
class ProposalResult:
    text: str  # the number that decided, as the results page writes it
    value_label: str  # what that number is ("Stemmen", "Bordapunten")
    chosen: bool


@dataclass
class OutcomeProposal:
    number: int
    title: str
    html: str
    theme: str
    table: int
    ideas: list[IdeaLine] = field(default_factory=list)
    result: ProposalResult | None = None


@dataclass(frozen=True)
class Turnout:
    voted: int
    eligible: int
    paper: int


@dataclass
class SummitResult:
    """The summit's vote as the outcome page shows it; ``results`` by proposal number, empty
    until the vote is closed and its result was shown in the hall."""

    closed: bool
    revealed: bool
    results: dict[int, ProposalResult]
    turnout: Turnout | None
    url: str
    file_url: str


def is_public(summit: Summit) -> bool:
    return summit.outcome_published_at is not None


def can_preview(user: User, summit: Summit) -> bool:
    """Before publishing, the outcome page is for those who may publish it."""
    return rules.can_manage_summit(user, summit)


def summit_result(summit: Summit) -> SummitResult | None:
    """The summit's last vote that has closed (or the last one opened), or None."""
    votes = list(
        SummitVote.objects.filter(summit=summit)
        .select_related("poll", "step")
        .order_by("-step__position")
    )
    closed = (v for v in votes if v.poll.status == Poll.Status.CLOSED)
    vote = next(closed, votes[0] if votes else None)
    if vote is None:
        return None
    data = vote_data(vote)
    numbers = {option["key"]: option["number"] for option in data["options"]}
    results: dict[int, ProposalResult] = {}
    turnout = None
    shown = data["result"]
    if shown is not None:
        for row in shown["rows"]:
            number = numbers.get(row["key"], 0)
            if number:
                results[number] = ProposalResult(
                    text=row["text"], value_label=shown["value_label"], chosen=row["winner"]
                )
        turnout = Turnout(voted=shown["voted"], eligible=shown["eligible"], paper=shown["paper"])
    return SummitResult(
        closed=data["status"] == Poll.Status.CLOSED,
        revealed=shown is not None,
        results=results,
        turnout=turnout,
        url=reverse("poll_results", args=[vote.poll_id]),
        file_url=reverse("poll_file", args=[vote.poll_id]),
    )


def outcome_proposals(summit: Summit, result: SummitResult | None) -> list[OutcomeProposal]:
    """The frozen proposals in number order, each with its trail and result."""
    proposals = list(
        Proposal.objects.filter(summit=summit, status=Proposal.Status.FROZEN)
        .select_related("table", "theme")
        .order_by("number")
    )
    ideas: dict[int, list[IdeaLine]] = {p.pk: [] for p in proposals}
    through = Proposal.ideas.through.objects.filter(
        proposal__in=proposals, idea__status__in=SHOWN_IDEAS
    ).order_by("idea_id")
    for proposal_id, text, table in through.values_list(
        "proposal_id", "idea__text", "idea__table__number"
    ):
        ideas[proposal_id].append(IdeaLine(text=text, table=table))
    results = result.results if result is not None else {}
    return [
        OutcomeProposal(
            number=p.number,
            title=p.title,
            html=render_markdown(p.text),
            theme=p.theme.name,
            table=p.table.number,
            ideas=ideas[p.pk],
            result=results.get(p.number),
        )
        for p in proposals
    ]


def context(summit: Summit) -> dict[str, object]:
    """The outcome page's context."""
    result = summit_result(summit)
    return {
        "summit": summit,
        "published": is_public(summit),
        "ladder_explained": LADDER_EXPLAINED[Summit.Ladder(summit.ladder)],
        "result": result,
        "proposals": outcome_proposals(summit, result),
    }


def visible_idea_texts(proposal: Proposal) -> list[str]:
    """The texts of the ideas ``proposal`` came from that anyone may read."""
    return list(
        proposal.ideas.filter(status__in=SHOWN_IDEAS).order_by("pk").values_list("text", flat=True)
    )
