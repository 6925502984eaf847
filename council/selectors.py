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
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from deliberation import selectors as summit_selectors
from deliberation.drafts.markdown import render_markdown
from deliberation.drafts.models import Amendment, Draft
from deliberation.models import Idea, Proposal, Summit
from voting import contexts
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


@dataclass
class RoomSummit:
    summit: Summit
    proposals: list[tuple[Proposal, Answer | None]] = field(default_factory=list)
    result_polls: list[Any] = field(default_factory=list)
    report: Report | None = None


def reading_room(filters: RoomFilters) -> list[RoomSummit]:
    """The summits (newest first) with their proposals and answers that match ``filters``;
    a summit with no matching proposal is left out when a filter is set."""
    summits = readable_summits()
    if filters.since:
        summits = summits.filter(date__gte=filters.since)
    if filters.until:
        summits = summits.filter(date__lte=filters.until)
    found = {summit.pk: RoomSummit(summit=summit) for summit in summits}
    proposals = Proposal.objects.filter(summit_id__in=list(found)).select_related("theme", "table")
    if filters.text:
        words = filters.text.split()[:8]
        answered = Answer.objects.filter(proposal__isnull=False)
        for word in words:
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
    listed = list(proposals.order_by("summit_id", "number"))
    answers = answers_by_proposal(p.pk for p in listed)
    for proposal in listed:
        found[proposal.summit_id].proposals.append((proposal, answers.get(proposal.pk)))
    slugs = {room.summit.slug: room for room in found.values()}
    for poll in closed_polls()[:200]:
        room = slugs.get(contexts.summit_slug(poll.context))
        if room is not None:
            room.result_polls.append(poll)
    for summit_id, made in latest_reports(found).items():
        found[summit_id].report = made
    filtered = bool(filters.status or filters.text)
    return [room for room in found.values() if room.proposals or not filtered]


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


@dataclass
class RoomNota:
    draft: Draft
    report: Report
    amendments: list[tuple[int, Amendment, Answer | None]]  # (number in the report, ...)


def nota_rooms() -> list[RoomNota]:
    """Notas with a participation report, for the reading room: each with its amendments
    (numbered as the report numbers them) and the council's answers."""
    made = latest_nota_reports(reportable_notas().values_list("pk", flat=True))
    drafts = Draft.objects.filter(pk__in=list(made)).order_by("title", "pk")
    amendments = list(
        Amendment.objects.filter(draft__in=drafts).order_by("draft_id", "created_at", "pk")
    )
    answers = {
        a.amendment_id: a
        for a in Answer.objects.filter(amendment__in=amendments).select_related("status")
    }
    rooms = {
        draft.pk: RoomNota(draft=draft, report=made[draft.pk], amendments=[]) for draft in drafts
    }
    for amendment in amendments:
        room = rooms[amendment.draft_id]
        room.amendments.append((len(room.amendments) + 1, amendment, answers.get(amendment.pk)))
    return list(rooms.values())


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


def amendment_numbers(draft_ids: Iterable[int]) -> dict[int, int]:
    """Each amendment of these notas by its number in the nota: 1, 2, ... in the order they
    were proposed, as the nota's report and its council page number them."""
    numbers: dict[int, int] = {}
    counted: dict[int, int] = {}
    ordered = Amendment.objects.filter(draft_id__in=list(draft_ids)).order_by(
        "draft_id", "created_at", "pk"
    )
    for pk, draft_id in ordered.values_list("pk", "draft_id"):
        counted[draft_id] = counted.get(draft_id, 0) + 1
        numbers[pk] = counted[draft_id]
    return numbers


# Characters that may make a passage render differently from its source (Markdown, HTML).
MARKUP = re.compile(r"[*_`#\[\]()<>&\\!~|=+-]")


def amendment_title(amendment: Amendment, limit: int = 80) -> str:
    """A line that tells a reader which amendment it is: the passage it replaces, as the
    page shows it. A passage without markup is its own text: rendering a thousand of them
    through Markdown was most of the griffie's list."""
    source = amendment.passage
    shown = amendment.passage_shown if MARKUP.search(source) else source
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
