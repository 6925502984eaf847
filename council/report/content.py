"""The participation report (participatieverslag) of a finished summit as plain data: one
read of the database into a tree of frozen dataclasses that every format (Markdown, JSON,
CSV, the HTML page) is written from. A nota's report (``nota.py``) is the same tree, with
its amendments and versions where a summit has proposals.

The report is the municipality's record for the council, so it is written in Dutch
whatever the reader's language, like the published ballot files. It holds no personal
data: no resident's name, e-mail address, code or token (ideas and proposals are texts
residents wrote for everyone; tables are named by their number; staff by role, not
name), and demographic groups smaller than five are shown as "<5". Everything is in a
fixed order (numbers, then ids), so the same data gives the same report.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from deliberation.models import Idea, Participant, Proposal, Summit, SummitVote, Theme
from deliberation.outcome_page import SHOWN_IDEAS
from deliberation.workspace_forms import LADDER_EXPLAINED
from voting import contexts, result_page
from voting.models import Poll
from voting.selectors import closed_polls, result_rows

from ..models import Answer
from .dutch import dutch_date, dutch_number
from .suppression import suppressed

FORMAT_VERSION = "4"
SUMMIT_KIND = "burgertop"
NOTA_KIND = "nota"
FINISHED = (Summit.Status.CLOSED, Summit.Status.ARCHIVED)
AGE_BANDS = ((0, 17, "jonger dan 18"), (18, 29, "18-29"), (30, 49, "30-49"), (50, 66, "50-66"))
OLDEST_BAND = "67 en ouder"
UNKNOWN = "onbekend"


class ReportRefused(ValidationError):
    """This summit has no report (yet); ``message`` says why, in the reader's language."""


@dataclass(frozen=True)
class Count:
    label: str
    count: int


@dataclass(frozen=True)
class Group:
    category: str  # "wijk" or "leeftijd"
    label: str
    count: int | str  # a number, "<5", or "verborgen" (suppression.py)


@dataclass(frozen=True)
class Participation:
    session: str
    channels: tuple[Count, ...]  # ter plaatse, online, op papier gestemd, ...
    groups: tuple[Group, ...]


@dataclass(frozen=True)
class Row:
    option: str
    value: float
    value_text: str
    chosen: bool


@dataclass(frozen=True)
class Round:
    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class PollReport:
    title: str
    method: str
    value_label: str
    eligible: int
    voted: int
    paper: int
    closed_on: str
    rows: tuple[Row, ...]
    rounds: tuple[Round, ...]
    ballot_file: str
    ballot_file_sha256: str


@dataclass(frozen=True)
class Milestone:
    date: str
    date_text: str
    progress: int
    description: str


@dataclass(frozen=True)
class CouncilAnswer:
    status: str
    progress: int
    reasons: str  # Markdown
    decision_date: str
    decision_date_text: str
    decision_reference: str
    milestones: tuple[Milestone, ...]


@dataclass(frozen=True)
class ProposalReport:
    number: int
    title: str
    text: str  # Markdown, its final wording
    theme: str
    table: int
    ideas: tuple[str, ...]
    result: str  # as the results page writes the number that decided ("" without a vote)
    chosen: bool
    answer: CouncilAnswer | None


@dataclass(frozen=True)
class AmendmentReport:
    """One amendment of a nota with its trail: proposed on a version, supported, put to a
    vote or not, taken over into the text or not, and the council's answer."""

    number: int
    version: int
    passage: str  # the text it replaces, as written
    replacement: str  # the new text ("" to strike the passage)
    rationale: str
    proposed_on: str
    supporters: int
    vote: str  # as the results page writes the decision's figures ("" without a vote)
    vote_passed: bool
    status: str  # open, in stemming, overgenomen or afgewezen
    taken_over: bool
    decided_on: str
    decision_reason: str
    answer: CouncilAnswer | None


@dataclass(frozen=True)
class VersionReport:
    number: int
    published_on: str
    published_text: str
    note: str
    final: bool


@dataclass(frozen=True)
class MinorityView:
    """A theme, idea, comment or turned-down amendment that a facilitator, the theme team or
    a nota's editor marked for the report, in participants' own words."""

    kind: str  # thema, idee, opmerking or amendement
    label: str  # what it is, e.g. "Thema" or "Afgewezen amendement 2"
    text: str  # the participants' words: a theme's name, an idea, a comment, a rationale
    details: tuple[str, ...]  # a theme's ideas; a comment's passage; an amendment's change


@dataclass(frozen=True)
class Summary:
    question: str
    limits: str
    commissioned_by: str
    say: str
    say_explained: str
    outcome: tuple[str, ...]
    next_steps: str


@dataclass(frozen=True)
class Filing:
    """Filing metadata for the council information system, named after the fields of the
    Open Raadsinformatie / Popolo model (``name``, ``start_date``, ``classification``, ...)."""

    name: str
    date: str
    classification: str
    subject: str
    organization: str
    event: str
    agenda_item: str
    identifier: str


@dataclass(frozen=True)
class Report:
    format_version: str
    kind: str  # SUMMIT_KIND or NOTA_KIND
    title: str
    about: str  # one sentence: what took place, when and where
    slug: str
    summit_date: str
    summit_date_text: str
    place: str
    generated_at: str
    generated_text: str
    summary: Summary
    participation: Participation
    polls: tuple[PollReport, ...]
    proposals: tuple[ProposalReport, ...]
    amendments: tuple[AmendmentReport, ...]
    versions: tuple[VersionReport, ...]
    final_text: str  # a nota's newest published text, Markdown ("" for a summit)
    minority_intro: str  # one sentence; says so when nothing was marked
    minority_views: tuple[MinorityView, ...]
    voices_intro: str
    # Ideas that no proposal took up, or a nota's comments, in residents' own words.
    other_voices: tuple[str, ...]
    filing: Filing


def refusal(summit: Summit) -> str:
    """Why ``summit`` has no report yet, or "" when it may have one."""
    if summit.status not in FINISHED:
        return _(
            "Deze burgertop is nog niet afgelopen. Een participatieverslag kan pas als de "
            "burgertop gesloten is."
        )
    if not SummitVote.objects.filter(summit=summit, poll__status=Poll.Status.CLOSED).exists():
        return _(
            "Deze burgertop heeft nog geen gesloten stemming. Een participatieverslag kan pas "
            "als de stemming over de voorstellen gesloten is."
        )
    return ""


def summit_polls(summit: Summit) -> list[Poll]:
    """The summit's closed polls: its vote steps' and any vote held afterwards under its
    context, in the order they were made."""
    ids = set(
        SummitVote.objects.filter(summit=summit, poll__status=Poll.Status.CLOSED).values_list(
            "poll_id", flat=True
        )
    )
    for pk, context in closed_polls().values_list("pk", "context"):
        if contexts.summit_slug(context) == summit.slug:
            ids.add(pk)
    return list(Poll.objects.filter(pk__in=ids).select_related("result").order_by("pk"))


def age_band(birth_year: int | None, year: int) -> str:
    if birth_year is None:
        return UNKNOWN
    age = year - birth_year
    for low, high, label in AGE_BANDS:
        if low <= age <= high:
            return label
    return OLDEST_BAND


def demographic_groups(people: list[tuple[str | None, int | None]], year: int) -> tuple[Group, ...]:
    """Totals per neighbourhood and age band of (neighbourhood name, birth year) pairs, as
    of ``year`` (no age bands when it is 0); groups smaller than five as "<5", and in each
    breakdown as many more hidden as it takes that none can be worked out from the total
    (``suppression.suppressed``)."""
    neighbourhoods = Counter(name or UNKNOWN for name, _born in people)
    ages = Counter(age_band(born, year) for _name, born in people) if year else Counter()
    age_order = [label for _low, _high, label in AGE_BANDS] + [OLDEST_BAND, UNKNOWN]
    names = sorted(neighbourhoods, key=lambda n: (n == UNKNOWN, n))
    bands = [label for label in age_order if ages[label]]
    return tuple(
        Group("wijk", name, shown)
        for name, shown in zip(names, suppressed([neighbourhoods[n] for n in names]), strict=True)
    ) + tuple(
        Group("leeftijd", label, shown)
        for label, shown in zip(bands, suppressed([ages[b] for b in bands]), strict=True)
    )


def _participation(summit: Summit) -> Participation:
    people = list(
        Participant.objects.filter(summit=summit).values_list(
            "checked_in_at",
            "walk_in",
            "table__online",
            "user__neighbourhood__name",
            "user__birth_year",
        )
    )
    present = [p for p in people if p[0] is not None]
    polls = [vote.poll for vote in SummitVote.objects.filter(summit=summit).select_related("poll")]
    closed = [p for p in polls if p.status == Poll.Status.CLOSED]
    voted = sum(p.result.ballots_counted for p in closed)
    paper = sum(p.result.paper_ballots for p in closed)
    channels = (
        Count("uitgenodigd of aangemeld", len(people)),
        Count("aanwezig", len(present)),
        Count("ter plaatse", sum(1 for p in present if not p[2])),
        Count("online", sum(1 for p in present if p[2])),
        Count("zonder aanmelding binnengelopen", sum(1 for p in present if p[1])),
        Count(
            "ideeën geschreven",
            Idea.objects.filter(summit=summit)
            .exclude(status__in=[Idea.Status.WITHDRAWN, Idea.Status.HIDDEN])
            .count(),
        ),
        Count(
            "voorstellen",
            Proposal.objects.filter(summit=summit, status=Proposal.Status.FROZEN).count(),
        ),
        Count("gestemd", voted),
        Count("gestemd op de telefoon of laptop", voted - paper),
        Count("gestemd op papier", paper),
    )
    year = summit.date.year if summit.date else 0
    groups = demographic_groups([(p[3], p[4]) for p in present], year)
    session = f"Burgertop, {dutch_date(summit.date)}" if summit.date else "Burgertop"
    return Participation(session=session, channels=channels, groups=groups)


def poll_report(poll: Poll) -> PollReport:
    result = poll.result
    page = result_page.context(poll, result)
    return PollReport(
        title=poll.title,
        method=str(poll.get_method_display()),
        value_label=str(page["value_label"]),
        eligible=result.eligible,
        voted=result.ballots_counted,
        paper=result.paper_ballots,
        closed_on=dutch_date(timezone.localdate(poll.closed_at)) if poll.closed_at else "",
        rows=tuple(
            Row(
                option=row["title"],
                value=float(row["value"]),
                value_text=str(row["text"]),
                chosen=bool(row["winner"]),
            )
            for row in page["rows"]
        ),
        rounds=tuple(
            Round(title=str(step.title), lines=tuple(str(line) for line in step.lines))
            for step in page["explanation"]
        ),
        ballot_file=result.file_name,
        ballot_file_sha256=result.file_sha256,
    )


def council_answer(answer: Answer | None) -> CouncilAnswer | None:
    if answer is None:
        return None
    return CouncilAnswer(
        status=answer.status.label,
        progress=answer.status.progress,
        reasons=answer.reasons,
        decision_date=answer.decision_date.isoformat() if answer.decision_date else "",
        decision_date_text=dutch_date(answer.decision_date),
        decision_reference=answer.decision_reference,
        milestones=tuple(
            Milestone(
                date=m.date.isoformat(),
                date_text=dutch_date(m.date),
                progress=m.progress,
                description=m.description,
            )
            for m in sorted(answer.milestones.all(), key=lambda m: (m.date, m.pk))
        ),
    )


def _proposals(summit: Summit, vote_polls: list[Poll]) -> list[ProposalReport]:
    proposals = list(
        Proposal.objects.filter(summit=summit, status=Proposal.Status.FROZEN)
        .select_related("table", "theme")
        .order_by("number")
    )
    ideas: dict[int, list[str]] = {p.pk: [] for p in proposals}
    through = Proposal.ideas.through.objects.filter(
        proposal__in=proposals, idea__status__in=SHOWN_IDEAS
    ).order_by("idea_id")
    for proposal_id, text in through.values_list("proposal_id", "idea__text"):
        ideas[proposal_id].append(text)
    # The summit's vote on its proposals: the last vote step's poll names them by reference.
    results: dict[int, tuple[str, bool]] = {}
    for poll in vote_polls:
        page_rows = result_rows(poll, poll.result.outcome)
        references = {o.key: o.reference for o in poll.options.all()}
        for row in page_rows:
            reference = references.get(row["key"], "")
            if reference.startswith("proposal:"):
                results[int(reference.partition(":")[2])] = (str(row["text"]), bool(row["winner"]))
    answers = {
        a.proposal_id: a
        for a in Answer.objects.filter(proposal__in=proposals)
        .select_related("status")
        .prefetch_related("milestones")
    }
    return [
        ProposalReport(
            number=p.number,
            title=p.title,
            text=p.text,
            theme=p.theme.name,
            table=p.table.number,
            ideas=tuple(ideas[p.pk]),
            result=results.get(p.number, ("", False))[0],
            chosen=results.get(p.number, ("", False))[1],
            answer=council_answer(answers.get(p.pk)),
        )
        for p in proposals
    ]


def _other_voices(summit: Summit) -> tuple[str, ...]:
    """Ideas, in their writers' words, that no frozen proposal took up."""
    taken = Proposal.ideas.through.objects.filter(
        proposal__summit=summit, proposal__status=Proposal.Status.FROZEN
    ).values("idea_id")
    return tuple(
        Idea.objects.filter(summit=summit, status=Idea.Status.VISIBLE)
        .exclude(pk__in=taken)
        .order_by("pk")
        .values_list("text", flat=True)
    )


SUMMIT_MINORITY_INTRO = (
    "Thema's en ideeën die de gespreksleiding of het themateam markeerde als "
    "minderheidsstandpunt of open vraag, in de woorden van de deelnemers:"
)
NOTHING_MARKED = (
    "Er is niets gemarkeerd als minderheidsstandpunt of open vraag: alle stemmen staan "
    "hieronder of in de voorstellen."
)


def _minority_views(summit: Summit) -> tuple[MinorityView, ...]:
    """The marked themes (with their visible ideas) by name, then the marked visible ideas
    in the order they were written."""
    themes = list(Theme.objects.filter(summit=summit, for_report=True).order_by("name", "pk"))
    ideas: dict[int, list[str]] = {theme.pk: [] for theme in themes}
    for theme_id, text in (
        Idea.objects.filter(theme__in=themes, status=Idea.Status.VISIBLE)
        .order_by("pk")
        .values_list("theme_id", "text")
    ):
        ideas[theme_id].append(text)
    marked_ideas = Idea.objects.filter(
        summit=summit, status=Idea.Status.VISIBLE, for_report=True
    ).order_by("pk")
    return tuple(
        MinorityView("thema", "Thema", theme.name, tuple(ideas[theme.pk])) for theme in themes
    ) + tuple(
        MinorityView("idee", "Idee", text, ())
        for text in marked_ideas.values_list("text", flat=True)
    )


def _summary(summit: Summit, proposals: list[ProposalReport], polls: list[PollReport]) -> Summary:
    chosen = [p for p in proposals if p.chosen]
    voted = max((poll.voted for poll in polls), default=0)
    outcome = [
        f"De deelnemers schreven {len(proposals)} voorstellen en stemden daarover "
        f"({dutch_number(voted)} stemmen)."
    ]
    outcome += [f"Gekozen: voorstel {p.number}, {p.title}." for p in chosen]
    answered = sum(1 for p in proposals if p.answer is not None)
    next_steps = (
        f"De gemeenteraad antwoordt op elk voorstel. Van de {len(proposals)} voorstellen "
        f"{'heeft' if answered == 1 else 'hebben'} er {answered} een antwoord. Dit verslag "
        "wordt bijgewerkt als er antwoorden bijkomen."
    )
    return Summary(
        question=summit.question,
        limits=summit.limits,
        commissioned_by=summit.commissioned_by,
        say=str(Summit.Ladder(summit.ladder).label),
        say_explained=str(LADDER_EXPLAINED[Summit.Ladder(summit.ladder)]),
        outcome=tuple(outcome),
        next_steps=next_steps,
    )


def summit_report(summit: Summit, *, generated_at: datetime) -> Report:
    """The report of a finished summit; ReportRefused with the reason for any other."""
    reason = refusal(summit)
    if reason:
        raise ReportRefused(reason)
    with translation.override("nl"):
        vote_polls = [
            vote.poll
            for vote in SummitVote.objects.filter(summit=summit, poll__status=Poll.Status.CLOSED)
            .select_related("poll__result", "step")
            .order_by("step__position")
        ]
        all_polls = summit_polls(summit)
        polls = [poll_report(poll) for poll in all_polls]
        proposals = _proposals(summit, vote_polls)
        summary = _summary(summit, proposals, polls)
        participation = _participation(summit)
        minority = _minority_views(summit)
    title = f"Participatieverslag {summit.title}"
    summit_day: date | None = summit.date
    return Report(
        format_version=FORMAT_VERSION,
        kind=SUMMIT_KIND,
        title=title,
        about=f"Burgertop op {dutch_date(summit_day)} in {summit.place}.",
        slug=summit.slug,
        summit_date=summit_day.isoformat() if summit_day else "",
        summit_date_text=dutch_date(summit_day),
        place=summit.place,
        generated_at=timezone.localdate(generated_at).isoformat(),
        generated_text=dutch_date(timezone.localdate(generated_at)),
        summary=summary,
        participation=participation,
        polls=tuple(polls),
        proposals=tuple(proposals),
        amendments=(),
        versions=(),
        final_text="",
        minority_intro=SUMMIT_MINORITY_INTRO if minority else NOTHING_MARKED,
        minority_views=minority,
        voices_intro="Ideeën in de woorden van de deelnemers die in geen voorstel terechtkwamen:",
        other_voices=_other_voices(summit),
        filing=Filing(
            name=title,
            date=timezone.localdate(generated_at).isoformat(),
            classification="Participatieverslag",
            subject=summit.question or summit.title,
            organization=summit.commissioned_by,
            event=f"{summit.title} ({dutch_date(summit_day)})" if summit_day else summit.title,
            agenda_item="",
            identifier=f"participatieverslag-{summit.slug}",
        ),
    )
