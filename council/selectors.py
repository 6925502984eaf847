"""Every non-trivial read of the council app: the reading room's list, a proposal's trail,
a summit's public page of answers, the answers as a CSV file, the stored participation
reports of summits and notas, and the nota amendments the council answers."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from deliberation import selectors as summit_selectors
from deliberation.drafts.markdown import render_markdown
from deliberation.drafts.models import Amendment, Draft, NotaKind
from deliberation.drafts.passages import plain_text
from deliberation.drafts.selectors import amendment_numbers
from deliberation.models import Idea, Proposal, Summit, SummitVote
from voting import contexts
from voting import selectors as voting_selectors
from voting.models import Option, Poll
from voting.selectors import closed_polls

from . import answer_file, rules
from .models import Answer, AnswerChange, AnswerStatus, Report
from .report import formats
from .report.content import SUMMIT_KIND, AmendmentReport
from .services import answer_summary

UNANSWERED = "geen"  # the status filter's value for proposals without an answer


def readable_summits() -> QuerySet[Summit]:
    """Summits the council may read: every one that is not still being prepared."""
    return Summit.objects.exclude(status=Summit.Status.DRAFT).order_by("-date", "-pk")


def answers_by_proposal(proposal_ids: Iterable[int]) -> dict[int, Answer]:
    return {
        answer.proposal_id: answer
        for answer in Answer.objects.filter(proposal_id__in=list(proposal_ids))
        .select_related("status")
        .prefetch_related("milestones")
    }


@dataclass(frozen=True)
class RoomFilters:
    status: str = ""  # a status key, UNANSWERED, or "" for all
    since: date | None = None
    until: date | None = None
    text: str = ""
    topic: str = ""  # a value of room_topics(), or "" for all

    @property
    def narrowing(self) -> bool:
        """Whether the filters pick proposals and amendments (dates pick summits too)."""
        return bool(self.status or self.text or self.topic or self.since or self.until)

    @property
    def picks(self) -> bool:
        """Whether the filters pick proposals (dates pick summits, not proposals)."""
        return bool(self.status or self.text or self.topic)


# A topic is what the municipality calls a subject: the kind of a nota (Sportnota,
# Jeugdnota, ...) or the name of a summit's theme (the same name at two summits is one topic).
TOPIC_NOTA = "nota:"
TOPIC_THEME = "thema:"


def room_topics() -> list[tuple[str, list[tuple[str, str]]]]:
    """The topics that occur in the reading room, as grouped choices (value, label): the
    kinds of the notas with a published version, then the themes of readable summits that
    have proposals, by name."""
    kinds = set(reportable_notas().values_list("kind", flat=True))
    notas = [(TOPIC_NOTA + key, str(label)) for key, label in NotaKind.choices if key in kinds]
    names = (
        Proposal.objects.filter(summit__in=readable_summits())
        .order_by()
        .values_list("theme__name", flat=True)
        .distinct()
    )
    themes = [(TOPIC_THEME + name, name) for name in sorted(set(names), key=str.casefold)]
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    if notas:
        groups.append((str(_("Nota's")), notas))
    if themes:
        groups.append((str(_("Thema's van burgertoppen")), themes))
    return groups


@dataclass(frozen=True)
class VoteResult:
    """A frozen proposal's result in its summit's vote, as the outcome page shows it."""

    text: str  # the number that decided, as the results page writes it
    value_label: str  # what that number is ("Stemmen", "Bordapunten")
    chosen: bool
    place: int | None  # its place among the options; None where each is decided alone
    options: int


@dataclass
class RoomProposal:
    proposal: Proposal
    answer: Answer | None
    result: VoteResult | None = None


@dataclass
class RoomSummit:
    summit: Summit
    proposals: list[RoomProposal] = field(default_factory=list)
    result_polls: list[Any] = field(default_factory=list)
    report: Report | None = None


@dataclass
class RoomAmendment:
    number: int  # its number in the nota, as the nota's council page and report number it
    amendment: Amendment
    answer: Answer | None

    @property
    def passage(self) -> str:
        return passage_line(self.amendment.passage, 400)

    @property
    def replacement(self) -> str:
        return passage_line(self.amendment.replacement, 400)


@dataclass
class RoomNota:
    draft: Draft
    report: Report | None
    amendments: list[RoomAmendment] = field(default_factory=list)


# Twenty entries a page. An entry is a whole nota, summit or poll report: a municipality
# holds one or two summits a year and a few notas and polls, so twenty is years of its
# work, and the first page is what a council member reads most; the pager only starts once
# the room would otherwise grow without end. The page's weight is the summits' proposal
# cards (20 to 50 each), which paging by entry keeps whole.
ROOM_PAGE_SIZE = 20


@dataclass(frozen=True)
class RoomPage:
    number: int  # the page shown, from 1
    pages: int  # how many pages the room has with these filters; at least 1

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


@dataclass
class Room:
    summits: list[RoomSummit]
    notas: list[RoomNota]
    poll_reports: list[Report] = field(default_factory=list)
    count: int = 0  # the proposals and amendments that match, on every page together
    poll_count: int = 0  # the poll reports that match, on every page together
    # Poll reports that match the dates and the words but that a topic or status filter
    # leaves out: a poll of the workspace has no topic, and the council gives it no answer.
    polls_left_out: int = 0
    page: RoomPage = RoomPage(number=1, pages=1)


NOTA_ENTRY, SUMMIT_ENTRY, POLL_ENTRY = "nota", "summit", "poll"


def reading_room(filters: RoomFilters, page: int = 1) -> Room:
    """One page of the reading room: the notas with a published version and their
    amendments, the summits that are not drafts (newest first) with their proposals, then
    the newest report of each closed poll of the workspace (most recently closed first);
    ``ROOM_PAGE_SIZE`` of these entries a page, a page past the last is the last. Each
    proposal and amendment with the council's answer, a frozen proposal with its result
    once the summit's vote was shown. When a filter is set, only what matches it, and no
    summit or nota without a match. The number of queries does not grow with the room."""
    nota_ids, amendments_found = _nota_entries(filters)
    summit_ids, proposals_found = _summit_entries(filters)
    poll_report_ids = _poll_report_entries(filters)
    polls_left_out = 0
    if filters.topic or filters.status:
        polls_left_out, poll_report_ids = len(poll_report_ids), []
    entries = (
        [(NOTA_ENTRY, pk) for pk in nota_ids]
        + [(SUMMIT_ENTRY, pk) for pk in summit_ids]
        + [(POLL_ENTRY, pk) for pk in poll_report_ids]
    )
    pages = max(1, -(-len(entries) // ROOM_PAGE_SIZE))
    number = min(max(page, 1), pages)
    shown = entries[(number - 1) * ROOM_PAGE_SIZE : number * ROOM_PAGE_SIZE]

    def picked(kind: str) -> list[int]:
        return [pk for entry, pk in shown if entry == kind]

    return Room(
        summits=_room_summits(filters, picked(SUMMIT_ENTRY)),
        notas=_room_notas(filters, picked(NOTA_ENTRY)),
        poll_reports=_room_poll_reports(picked(POLL_ENTRY)),
        count=amendments_found + proposals_found,
        poll_count=len(poll_report_ids),
        polls_left_out=polls_left_out,
        page=RoomPage(number=number, pages=pages),
    )


def _poll_report_entries(filters: RoomFilters) -> list[int]:
    """The newest report of each closed poll of the workspace that matches the dates and
    the words, most recently closed first, by id. The dates match a poll whose period (from
    opening to closing) overlaps them; a word matches when it is in the poll's title, its
    explanation or one of its options: the poll's own words in its report, whose other
    words are the same for every poll. Topic and status are the caller's. One query."""
    made = Report.objects.filter(poll__status=Poll.Status.CLOSED, poll__context="")
    if filters.since:
        made = made.filter(poll__closed_at__date__gte=filters.since)
    if filters.until:
        made = made.filter(
            Q(poll__opened_at__date__lte=filters.until)
            | Q(poll__opened_at__isnull=True, poll__closed_at__date__lte=filters.until)
        )
    for word in filters.text.split()[:8]:
        options = Option.objects.filter(
            Q(title__icontains=word) | Q(description__icontains=word)
        ).values("poll_id")
        made = made.filter(
            Q(poll__title__icontains=word)
            | Q(poll__description__icontains=word)
            | Q(poll_id__in=options)
        )
    newest: dict[int, tuple[datetime, int]] = {}
    rows = made.values_list("pk", "poll_id", "poll__closed_at", "generated_at")
    for pk, poll_id, closed_at, generated_at in rows:  # ordered newest first
        newest.setdefault(poll_id, (closed_at or generated_at, pk))
    ordered = sorted(newest.items(), key=lambda item: (item[1][0], item[0]), reverse=True)
    return [pk for _poll_id, (_closed, pk) in ordered]


def _room_poll_reports(ids: list[int]) -> list[Report]:
    """These reports (without their archive) with their poll, in this order."""
    if not ids:
        return []
    found = Report.objects.filter(pk__in=ids).select_related("poll").defer("archive")
    reports = {report.pk: report for report in found}
    return [reports[pk] for pk in ids if pk in reports]


def _dated_summits(filters: RoomFilters) -> QuerySet[Summit]:
    summits = readable_summits()
    if filters.since:
        summits = summits.filter(date__gte=filters.since)
    if filters.until:
        summits = summits.filter(date__lte=filters.until)
    return summits


def _matching_proposals(filters: RoomFilters) -> QuerySet[Proposal]:
    """Proposals that match the topic, the words and the status (not the dates: those
    pick summits)."""
    proposals = Proposal.objects.all()
    if filters.topic:
        proposals = proposals.filter(theme__name=filters.topic.removeprefix(TOPIC_THEME))
    if filters.text:
        answered = Answer.objects.filter(proposal__isnull=False)
        for word in filters.text.split()[:8]:
            matches = answered.filter(reasons__icontains=word).values("proposal_id")
            proposals = proposals.filter(
                Q(title__icontains=word)
                | Q(text__icontains=word)
                | Q(theme__name__icontains=word)
                | Q(pk__in=matches)
            )
    if filters.status == UNANSWERED:
        proposals = proposals.exclude(
            pk__in=Answer.objects.filter(proposal__isnull=False).values("proposal_id")
        )
    elif filters.status:
        proposals = proposals.filter(
            pk__in=Answer.objects.filter(status__key=filters.status).values("proposal_id")
        )
    return proposals


def _summit_entries(filters: RoomFilters) -> tuple[list[int], int]:
    """The summits the filters keep, in the room's order, and how many of their proposals
    match. One query."""
    if filters.topic and not filters.topic.startswith(TOPIC_THEME):
        return [], 0
    matching = Q(proposals__in=_matching_proposals(filters))
    rows = list(
        _dated_summits(filters)
        .annotate(found=Count("proposals", filter=matching))
        .values_list("pk", "found")
    )
    ids = [pk for pk, found in rows if found or not filters.picks]
    return ids, sum(found for _pk, found in rows)


def _room_summits(filters: RoomFilters, ids: list[int]) -> list[RoomSummit]:
    """These summits, in this order, with their proposals that match the filters."""
    if not ids:
        return []
    summits = Summit.objects.in_bulk(ids)
    found = {pk: RoomSummit(summit=summits[pk]) for pk in ids if pk in summits}
    proposals = (
        _matching_proposals(filters)
        .filter(summit_id__in=list(found))
        .select_related("theme", "table")
    )
    listed = list(proposals.order_by("summit_id", "number"))
    answers = answers_by_proposal(p.pk for p in listed)
    results = vote_results({p.summit_id for p in listed})
    for proposal in listed:
        result = None
        if proposal.status == Proposal.Status.FROZEN:
            result = results.get(proposal.summit_id, {}).get(proposal.number)
        found[proposal.summit_id].proposals.append(
            RoomProposal(proposal=proposal, answer=answers.get(proposal.pk), result=result)
        )
    slugs = {room.summit.slug: room for room in found.values()}
    for poll in closed_polls()[:200]:
        room = slugs.get(contexts.summit_slug(poll.context))
        if room is not None:
            room.result_polls.append(poll)
    for summit_id, made in latest_reports(found).items():
        found[summit_id].report = made
    return list(found.values())


def vote_results(summit_ids: Iterable[int]) -> dict[int, dict[int, VoteResult]]:
    """Per summit, its frozen proposals' results by number in the vote the outcome page
    shows (the last one closed, else the last one opened), read from the stored count as
    the results page writes them; nothing until the facilitator showed the result. Three
    queries, however many summits and proposals."""
    votes = (
        SummitVote.objects.filter(summit_id__in=list(summit_ids))
        .select_related("poll", "poll__result")
        .defer("poll__result__file_text", "poll__result__tracker_file_text")
        .order_by("summit_id", "-step__position")
    )
    chosen: dict[int, SummitVote] = {}
    for vote in votes:  # newest step first, so a closed vote replaces only an open one
        held = chosen.get(vote.summit_id)
        if held is None or (
            held.poll.status != Poll.Status.CLOSED and vote.poll.status == Poll.Status.CLOSED
        ):
            chosen[vote.summit_id] = vote
    shown = {
        summit_id: vote
        for summit_id, vote in chosen.items()
        if vote.revealed_at is not None and vote.poll.status == Poll.Status.CLOSED
    }
    options: dict[int, list[Option]] = {vote.poll_id: [] for vote in shown.values()}
    for option in Option.objects.filter(poll_id__in=list(options)).order_by("poll_id", "position"):
        options[option.poll_id].append(option)
    found: dict[int, dict[int, VoteResult]] = {}
    for summit_id, vote in shown.items():
        poll = vote.poll
        numbers = {
            option.key: int(option.reference.partition(":")[2] or 0)
            for option in options[poll.pk]
            if option.reference.startswith("proposal:")
        }
        rows = voting_selectors.result_rows(poll, poll.result.outcome, options[poll.pk])
        label = voting_selectors.value_label(poll)
        ranked = any(row.get("place") is not None for row in rows)
        alone = poll.voting_method.shape.name == "yes_no"
        results: dict[int, VoteResult] = {}
        for row in rows:
            number = numbers.get(row["key"], 0)
            if not number:
                continue
            if alone:
                place = None
            elif ranked:
                place = row["place"] + 1 if row.get("place") is not None else None
            else:  # equal numbers share a place
                place = 1 + sum(1 for other in rows if other["value"] > row["value"])
            results[number] = VoteResult(
                text=str(row["text"]),
                value_label=label,
                chosen=bool(row["winner"]),
                place=place,
                options=len(rows),
            )
        found[summit_id] = results
    return found


def _matching_amendments(filters: RoomFilters) -> QuerySet[Amendment]:
    """Amendments that match the dates, the words and the status (not the topic: that
    picks notas)."""
    amendments = Amendment.objects.all()
    if filters.since:
        amendments = amendments.filter(created_at__date__gte=filters.since)
    if filters.until:
        amendments = amendments.filter(created_at__date__lte=filters.until)
    if filters.text:
        answered = Answer.objects.filter(amendment__isnull=False)
        for word in filters.text.split()[:8]:
            matches = answered.filter(reasons__icontains=word).values("amendment_id")
            amendments = amendments.filter(
                Q(passage__icontains=word)
                | Q(replacement__icontains=word)
                | Q(rationale__icontains=word)
                | Q(decision_reason__icontains=word)
                | Q(draft__title__icontains=word)
                | Q(pk__in=matches)
            )
    if filters.status == UNANSWERED:
        amendments = amendments.exclude(
            pk__in=Answer.objects.filter(amendment__isnull=False).values("amendment_id")
        )
    elif filters.status:
        amendments = amendments.filter(
            pk__in=Answer.objects.filter(status__key=filters.status).values("amendment_id")
        )
    return amendments


def _nota_entries(filters: RoomFilters) -> tuple[list[int], int]:
    """The notas with a published version that the filters keep, in the room's order, and
    how many of their amendments match; unfiltered, every such nota. One query."""
    if filters.topic and not filters.topic.startswith(TOPIC_NOTA):
        return [], 0
    notas = reportable_notas()
    if filters.topic:
        notas = notas.filter(kind=filters.topic.removeprefix(TOPIC_NOTA))
    matching = Q(amendments__in=_matching_amendments(filters))
    rows = list(
        notas.annotate(found=Count("amendments", filter=matching, distinct=True)).values_list(
            "pk", "found"
        )
    )
    ids = [pk for pk, found in rows if found or not filters.narrowing]
    return ids, sum(found for _pk, found in rows)


def _room_notas(filters: RoomFilters, ids: list[int]) -> list[RoomNota]:
    """These notas, in this order, with their amendments (numbered as on the nota's council
    page) that match the filters."""
    if not ids:
        return []
    drafts = Draft.objects.in_bulk(ids)
    rooms = {pk: RoomNota(draft=drafts[pk], report=None) for pk in ids if pk in drafts}
    numbers = amendment_numbers(rooms)
    amendments = _matching_amendments(filters).filter(draft_id__in=list(rooms))
    listed = list(amendments.order_by("draft_id", "created_at", "pk"))
    answers = {
        a.amendment_id: a
        for a in Answer.objects.filter(amendment__in=listed).select_related("status")
    }
    for amendment in listed:
        rooms[amendment.draft_id].amendments.append(
            RoomAmendment(
                number=numbers[amendment.pk],
                amendment=amendment,
                answer=answers.get(amendment.pk),
            )
        )
    for draft_id, made in latest_nota_reports(rooms).items():
        rooms[draft_id].report = made
    return list(rooms.values())


def statuses() -> list[AnswerStatus]:
    return list(AnswerStatus.objects.all())


@dataclass
class Trail:
    summit: Summit
    proposal: Proposal
    ideas: list[str]
    answer: Answer | None
    reasons_html: str
    result_polls: list[Any]
    history: list[AnswerChange]
    result: VoteResult | None = None  # in the summit's vote, once it was shown


def visible_ideas(proposal: Proposal) -> list[str]:
    """The texts of the ideas a proposal was built on; hidden or withdrawn ones stay out."""
    return list(
        proposal.ideas.filter(status__in=[Idea.Status.VISIBLE, Idea.Status.MERGED])
        .order_by("pk")
        .values_list("text", flat=True)
    )


def proposal_trail(proposal: Proposal) -> Trail:
    """Idea(s) -> theme -> table -> proposal -> (result of the summit's vote) -> answer."""
    answer = answers_by_proposal([proposal.pk]).get(proposal.pk)
    result = None
    if proposal.status == Proposal.Status.FROZEN:
        result = vote_results([proposal.summit_id]).get(proposal.summit_id, {}).get(proposal.number)
    history = (
        list(AnswerChange.objects.filter(answer=answer).select_related("changed_by"))
        if answer
        else []
    )
    polls = [
        p for p in closed_polls()[:200] if contexts.summit_slug(p.context) == proposal.summit.slug
    ]
    return Trail(
        summit=proposal.summit,
        proposal=proposal,
        ideas=visible_ideas(proposal),
        answer=answer,
        reasons_html=render_markdown(answer.reasons) if answer and answer.reasons else "",
        result_polls=polls,
        history=history,
        result=result,
    )


@dataclass
class PublicItem:
    number: int
    title: str
    text_html: str
    answer: Answer | None
    reasons_html: str


def public_outcome(summit: Summit) -> list[PublicItem]:
    """The summit's frozen proposals (the texts the vote named) with the council's answer."""
    frozen = summit_selectors.frozen_proposals(summit)
    answers = answers_by_proposal(p.id for p in frozen)
    items = []
    for option in sorted(frozen, key=lambda p: p.number):
        answer = answers.get(option.id)
        items.append(
            PublicItem(
                number=option.number,
                title=option.title,
                text_html=render_markdown(option.text),
                answer=answer,
                reasons_html=render_markdown(answer.reasons) if answer and answer.reasons else "",
            )
        )
    return items


def answerable_proposals() -> list[tuple[Proposal, Answer | None]]:
    """Every proposal of a summit that is not a draft, with its answer, for the workspace."""
    proposals = list(
        Proposal.objects.exclude(summit__status=Summit.Status.DRAFT)
        .select_related("summit", "theme")
        .order_by("-summit__date", "-summit_id", "number")
    )
    answers = answers_by_proposal(p.pk for p in proposals)
    return [(p, answers.get(p.pk)) for p in proposals]


def answers_csv(*, excel: bool) -> bytes:
    """Every answerable proposal as a row of the answers file, answered or not: a clerk
    fills in the empty rows and imports the same file."""
    rows = []
    for proposal, answer in answerable_proposals():
        summary = answer_summary(answer)
        rows.append(
            {
                "soort": answer_file.KIND_PROPOSAL,
                "burgertop": proposal.summit.slug,
                "voorstel": str(proposal.number),
                "titel": proposal.title,
                "status": summary["status"],
                "toelichting": summary["reasons"],
                "besluitdatum": summary["decision_date"],
                "raadsbesluit": summary["decision_reference"],
                "mijlpalen": summary["milestones"],
            }
        )
    for item in answerable_amendments():
        summary = answer_summary(item.answer)
        rows.append(
            {
                "soort": answer_file.KIND_AMENDMENT,
                "nota": item.draft.slug,
                "amendement": str(item.number),
                "titel": item.title,
                "status": summary["status"],
                "toelichting": summary["reasons"],
                "besluitdatum": summary["decision_date"],
                "raadsbesluit": summary["decision_reference"],
                "mijlpalen": summary["milestones"],
            }
        )
    return answer_file.write(rows, excel=excel)


def latest_reports(summit_ids: Iterable[int]) -> dict[int, Report]:
    """The newest participation report of each of these summits (without its archive)."""
    newest: dict[int, Report] = {}
    for made in Report.objects.filter(summit_id__in=list(summit_ids)).defer("archive"):
        newest.setdefault(made.summit_id, made)  # ordered newest first
    return newest


def latest_report(summit: Summit) -> Report | None:
    return Report.objects.filter(summit=summit).first()


def reportable_notas() -> QuerySet[Draft]:
    """Notas that may get a report one day: every one with a published version."""
    return Draft.objects.filter(versions__isnull=False).distinct().order_by("title", "pk")


def latest_nota_reports(draft_ids: Iterable[int]) -> dict[int, Report]:
    """The newest participation report of each of these notas (without its archive)."""
    newest: dict[int, Report] = {}
    for made in Report.objects.filter(draft_id__in=list(draft_ids)).defer("archive"):
        assert made.draft_id is not None
        newest.setdefault(made.draft_id, made)  # ordered newest first
    return newest


def latest_nota_report(draft: Draft) -> Report | None:
    return Report.objects.filter(draft=draft).first()


@dataclass
class PublicAmendment:
    number: int
    amendment: Amendment
    answer: Answer | None
    reasons_html: str


def public_nota(draft: Draft) -> list[PublicAmendment]:
    """The nota's amendments, numbered as its report numbers them, with the council's
    answer."""
    amendments = list(Amendment.objects.filter(draft=draft).order_by("created_at", "pk"))
    answers = {
        a.amendment_id: a
        for a in Answer.objects.filter(amendment__in=amendments)
        .select_related("status")
        .prefetch_related("milestones")
    }
    items = []
    for number, amendment in enumerate(amendments, start=1):
        answer = answers.get(amendment.pk)
        items.append(
            PublicAmendment(
                number=number,
                amendment=amendment,
                answer=answer,
                reasons_html=render_markdown(answer.reasons) if answer and answer.reasons else "",
            )
        )
    return items


def report_files(made: Report) -> dict[str, bytes]:
    """Every file of a stored report by its name in the ZIP."""
    with zipfile.ZipFile(io.BytesIO(bytes(made.archive))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@dataclass
class ReportPage:
    made: Report
    data: dict[str, Any]
    files: list[tuple[str, str, int]]  # (name, what it is, size in bytes)


def report_page(made: Report) -> ReportPage:
    """What the report's page shows: its content as stored, with each poll's largest value
    (the chart's scale) and each text's Markdown rendered, and the list of its files."""
    files = report_files(made)
    data = json.loads(files[formats.JSON])
    # A report kept before notas had reports (format 1) lacks these: it is a summit's.
    data.setdefault("kind", SUMMIT_KIND)
    data.setdefault("about", f"Burgertop op {data['summit_date_text']} in {data['place']}.")
    data.setdefault(
        "voices_intro", "Ideeën in de woorden van de deelnemers die in geen voorstel terechtkwamen:"
    )
    nota = data["kind"] != SUMMIT_KIND
    data["option_word"] = "Amendement" if nota else "Voorstel"
    voices = data["other_voices"]
    data["other_voices"] = voices[: formats.VOICES_SHOWN]
    data["more_voices"] = formats.more_voices_text(
        max(0, len(voices) - formats.VOICES_SHOWN), data["kind"]
    )
    for poll in data["polls"]:
        poll["top"] = max((row["value"] for row in poll["rows"]), default=0) or 1
    for item in data["proposals"] + data.get("amendments", []):
        if "text" in item:
            item["html"] = render_markdown(item["text"])
        answer = item["answer"]
        if answer:
            answer["html"] = render_markdown(answer["reasons"]) if answer["reasons"] else ""
    data["final_html"] = (
        formats.demoted(render_markdown(data["final_text"]), 2) if data.get("final_text") else ""
    )
    for amendment in data.get("amendments", []):
        trail = {key: value for key, value in amendment.items() if key != "answer"}
        amendment["lines"] = formats.amendment_lines(AmendmentReport(**trail, answer=None))
    listed = [(formats.ARCHIVE, formats.describe(formats.ARCHIVE), len(bytes(made.archive)))]
    listed += [(name, formats.describe(name), len(files[name])) for name in sorted(files)]
    return ReportPage(made=made, data=data, files=listed)


# --- the council's answers on nota amendments -------------------------------------------


# Characters that may make a passage render differently from its source (Markdown, HTML).
MARKUP = re.compile(r"[*_`#\[\]()<>&\\!~|=+-]")


def amendment_title(amendment: Amendment, limit: int = 80) -> str:
    """A line that tells a reader which amendment it is: the passage it replaces, as the
    page shows it. A passage without markup is its own text: rendering a thousand of them
    through Markdown was most of the griffie's list."""
    return passage_line(amendment.passage, limit)


def passage_line(source: str, limit: int) -> str:
    """A passage of a nota as plain text on one line, cut at ``limit`` characters."""
    shown = plain_text(source) if MARKUP.search(source) else source
    text = " ".join(shown.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass
class AnswerableAmendment:
    draft: Draft
    number: int
    amendment: Amendment
    answer: Answer | None

    @property
    def title(self) -> str:
        return amendment_title(self.amendment)


def answerable_amendments(draft: Draft | None = None) -> list[AnswerableAmendment]:
    """Every amendment the council can answer (``rules.AMENDMENT_ANSWERABLE``) of a nota with
    a published version (the notas whose council page exists), numbered as the nota's
    report numbers them, with the council's answer; notas by title."""
    notas = reportable_notas()
    if draft is not None:
        notas = notas.filter(pk=draft.pk)
    amendments = list(
        Amendment.objects.filter(rules.AMENDMENT_ANSWERABLE, draft__in=notas)
        .select_related("draft")
        .order_by("draft__title", "draft_id", "created_at", "pk")
    )
    answers = {
        a.amendment_id: a
        for a in Answer.objects.filter(amendment__in=amendments)
        .select_related("status")
        .prefetch_related("milestones")
    }
    numbers = amendment_numbers({a.draft_id for a in amendments})
    return [
        AnswerableAmendment(
            draft=a.draft, number=numbers[a.pk], amendment=a, answer=answers.get(a.pk)
        )
        for a in amendments
    ]


def answerable_amendment(pk: int) -> AnswerableAmendment | None:
    """One amendment the council can answer, or None (unknown, not answerable yet, or its
    nota has no published version)."""
    amendment = (
        Amendment.objects.filter(rules.AMENDMENT_ANSWERABLE, pk=pk, draft__in=reportable_notas())
        .select_related("draft")
        .first()
    )
    if amendment is None:
        return None
    return next(item for item in answerable_amendments(amendment.draft) if item.amendment.pk == pk)


def amendment_history(answer: Answer | None) -> list[AnswerChange]:
    if answer is None:
        return []
    return list(AnswerChange.objects.filter(answer=answer).select_related("changed_by"))
