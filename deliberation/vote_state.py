"""What the screens of a summit show of its vote (``deliberation/services/vote.py`` writes
it): the options, the turnout (also per table, for the facilitator), and the result once
revealed. Never who voted what; of one person only whether they voted."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.urls import reverse

from samenspel.models import User
from voting import result_page
from voting import selectors as voting_selectors
from voting.models import Eligibility, Poll

from .drafts.markdown import render_markdown
from .events import VoteData, VoteResultData
from .models import Participant, Step, Summit, SummitVote


def vote_of(summit: Summit, step: Step | None) -> SummitVote | None:
    if step is None or step.kind != Step.Kind.VOTE:
        return None
    return SummitVote.objects.filter(summit=summit, step=step).select_related("poll").first()


def turnout(vote: SummitVote) -> tuple[int, int, dict[str, list[int]]]:
    """Voted, may vote, and both per table (by the voter's seat now)."""
    seats = dict(
        Participant.objects.filter(summit_id=vote.summit_id)
        .exclude(table=None)
        .values_list("user_id", "table__number")
    )
    voted: Counter[str] = Counter()
    eligible: Counter[str] = Counter()
    total = done = 0
    for user_id, has_voted in Eligibility.objects.filter(poll=vote.poll_id).values_list(
        "participant_id", "has_voted"
    ):
        total += 1
        done += has_voted
        table = seats.get(user_id)
        if table is not None:
            eligible[str(table)] += 1
            voted[str(table)] += has_voted
    return done, total, {key: [voted[key], eligible[key]] for key in sorted(eligible, key=int)}


def vote_data(vote: SummitVote) -> VoteData:
    poll = vote.poll
    options = voting_selectors.poll_options(poll)
    numbers = {
        option.key: int(option.reference.partition(":")[2] or 0)
        if option.reference.startswith("proposal:")
        else 0
        for option in options
    }
    voted, eligible, tables = turnout(vote)
    result: VoteResultData | None = None
    if vote.revealed_at is not None and poll.status == Poll.Status.CLOSED:
        stored = poll.result
        page = result_page.context(poll, stored)
        result = {
            "rows": [
                {
                    "key": row["key"],
                    "title": row["title"],
                    "value": float(row["value"]),
                    "text": str(row["text"]),
                    "winner": bool(row["winner"]),
                }
                for row in page["rows"]
            ],
            "value_label": str(page["value_label"]),
            "explanation": [
                {"title": str(step.title), "lines": [str(line) for line in step.lines]}
                for step in page["explanation"]
            ],
            "voted": stored.ballots_counted,
            "eligible": stored.eligible,
            "paper": stored.paper_ballots,
            "url": reverse("poll_results", args=[poll.pk]),
        }
    return {
        "step": vote.step_id,
        "poll": poll.pk,
        "status": poll.status,
        "method": poll.method,
        "shape": poll.voting_method.shape.name,
        "max_choices": poll.max_choices,
        "points": poll.points,
        "options": [
            {
                "key": option.key,
                "number": numbers[option.key],
                "title": option.title,
                "text": option.description,
                "html": render_markdown(option.description),
            }
            for option in options
        ],
        "voted": voted,
        "eligible": eligible,
        "tables": tables,
        "revealed": result is not None,
        "result": result,
        "paper_url": reverse("poll_paper", args=[poll.pk]),
    }


def current_vote_data(summit: Summit) -> VoteData | None:
    """The current step's vote for a snapshot, or None outside a vote step."""
    vote = vote_of(summit, summit.current_step)
    return vote_data(vote) if vote is not None else None


def my_ballot(poll_id: int, user: User | None) -> dict[str, Any] | None:
    """Whether this person may vote in the current vote's poll and has (never what)."""
    if user is None:
        return None
    mark = Eligibility.objects.filter(poll=poll_id, participant=user).first()
    if mark is None:
        return {"eligible": False, "voted": False, "paper": False, "revision": 0}
    return {
        "eligible": True,
        "voted": mark.has_voted,
        "paper": mark.cast_via == "paper",
        "revision": mark.revision,
    }
