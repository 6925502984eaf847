"""The participation report of a closed poll of the workspace (a peiling that stands alone,
not a summit's or a nota's vote), read into the same ``Report`` tree as a summit's: the
question and its frame, who could vote and who did (per channel, and as totals by wijk and
age band with the same suppression of small groups), the voting rules, the result with
each round of the count, and what happens next.

It names nobody: the electorate is counted, never listed, and what anyone voted is only in
the published, anonymised ballot file. A poll of a summit or a nota is in that report.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samenspel.ladder import EXECUTIVE, LADDER_EXPLAINED, Ladder
from voting import contexts
from voting.models import Eligibility, Poll

from ..models import Report as StoredReport
from .content import (
    FORMAT_VERSION,
    Count,
    Filing,
    Participation,
    PollReport,
    Report,
    ReportRefused,
    Round,
    Summary,
    demographic_groups,
    poll_report,
)
from .dutch import dutch_date, dutch_number, dutch_period

POLL_KIND = "peiling"
RULES_TITLE = "Stemregels"
# What happens with the result, by how much say residents had (the ladder's rung).
WEIGHED = "Het college weegt de uitslag mee in zijn besluit en legt de raad uit wat het ermee doet."
NEXT_STEPS = {
    Ladder.ADVISE: (
        "De uitslag is een advies. De gemeente volgt het, of legt de raad uit waarom niet."
    ),
    Ladder.COPRODUCE: (
        "De gemeente houdt zich aan de uitslag en werkt die samen met inwoners verder uit."
    ),
    Ladder.DECIDE: "De uitslag is het besluit: de gemeente voert uit wat inwoners kozen.",
}
RECOUNT = "De uitslag is na te tellen met het bestand met alle stemmen."
ELECTORATES = {
    "list": "de inwoners op de lijst van de gemeente",
    "all": "alle inwoners",
    "neighbourhood": "inwoners van één wijk of buurt",
    "source": "een groep uit een ander onderdeel van het platform",
}
MINORITY_INTRO = (
    "Een peiling vraagt een keuze, geen eigen woorden: er is niets te markeren als "
    "minderheidsstandpunt of open vraag. De hele uitslag staat hierboven."
)
VOICES_INTRO = "Een peiling vraagt geen eigen woorden van inwoners; er zijn geen andere stemmen."


def stands_alone(poll: Poll) -> bool:
    """A poll of the workspace: it belongs to no summit or nota (whose report holds it)."""
    return not contexts.scope_of(poll.context)


def reportable_polls() -> QuerySet[Poll]:
    """Polls of the workspace that may get a report one day: every one that was opened,
    newest first (a poll still being prepared is not listed)."""
    return (
        Poll.objects.filter(context="")
        .exclude(status=Poll.Status.DRAFT)
        .order_by("-opened_at", "-pk")
    )


def latest_poll_reports(poll_ids: list[int]) -> dict[int, StoredReport]:
    """The newest participation report of each of these polls (without its archive)."""
    newest: dict[int, StoredReport] = {}
    for made in StoredReport.objects.filter(poll_id__in=poll_ids).defer("archive"):
        assert made.poll_id is not None
        newest.setdefault(made.poll_id, made)  # ordered newest first
    return newest


def latest_poll_report(poll: Poll) -> StoredReport | None:
    return StoredReport.objects.filter(poll=poll).first()


def report_address(poll: Poll) -> str:
    """The page of the poll's participation report, or "" while it has none."""
    if not StoredReport.objects.filter(poll=poll).exists():
        return ""
    return reverse("council_poll_report", args=[poll.pk])


def poll_refusal(poll: Poll) -> str:
    """Why ``poll`` has no report of its own (yet), or "" when it may have one."""
    if not stands_alone(poll):
        return _(
            "Deze stemming hoort bij een burgertop of nota. Zij staat in het "
            "participatieverslag daarvan."
        )
    if poll.status != Poll.Status.CLOSED:
        return _(
            "Deze peiling is nog niet gesloten. Een participatieverslag kan pas als de "
            "peiling gesloten is en de uitslag bekend is."
        )
    if poll.result.ballots_counted == 0:
        return _(
            "In deze peiling heeft niemand gestemd. Een participatieverslag over een peiling "
            "zonder stemmen heeft niets te melden."
        )
    return ""


def commissioned_by(poll: Poll) -> str:
    """Who asked for the poll as staff set it; when they named nobody, the municipality's
    executive."""
    return poll.commissioned_by or EXECUTIVE


def _day(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment else None


def _rules(poll: Poll) -> Round:
    """The voting rules in sentences: who could vote, how, and how it was counted."""
    who = ELECTORATES.get(poll.electorate, "een lijst met namen")
    if poll.electorate == Poll.Electorate.NEIGHBOURHOOD and poll.neighbourhood is not None:
        who = f"inwoners van {poll.neighbourhood.name}"
    lines = [
        f"Wie mocht stemmen: {who}.",
        f"Methode: {poll.get_method_display()}.",
    ]
    if poll.seats > 1:
        lines.append(f"Aantal winnaars: {poll.seats}.")
    if poll.min_choices or poll.max_choices:
        most = poll.max_choices if poll.max_choices is not None else "onbeperkt"
        lines.append(f"Keuzes per stem: ten minste {poll.min_choices}, ten hoogste {most}.")
    if poll.budget:
        lines.append(f"Budget: € {dutch_number(poll.budget)}.")
    if poll.points:
        lines.append(f"Punten per deelnemer: {poll.points}.")
    if poll.method == "yes_no":
        lines.append(f"Meerderheidsregel: {Poll.MajorityRule(poll.majority_rule).label}.")
    opened, closed = _day(poll.opened_at), _day(poll.closed_at)
    lines.append(f"Open {dutch_period(opened, closed)}.")
    lines += [
        "Opnieuw stemmen kon tot de sluiting; alleen de laatste stem telde.",
        "Wie op papier stemde, stemde bij de gemeente; die stemmen tellen als de andere.",
        f"Gelijke standen beslist het lotingszaad {poll.seed}.",
    ]
    return Round(title=RULES_TITLE, lines=tuple(lines))


def _participation(poll: Poll, made: PollReport) -> Participation:
    voted = list(
        Eligibility.objects.filter(poll=poll, has_voted=True).values_list(
            "participant__neighbourhood__name", "participant__birth_year"
        )
    )
    turnout = round(100 * made.voted / made.eligible) if made.eligible else 0
    channels = (
        Count("mochten stemmen", made.eligible),
        Count("gestemd", made.voted),
        Count("gestemd online (telefoon of laptop)", made.voted - made.paper),
        Count("gestemd op papier", made.paper),
        Count("opkomst in procenten", turnout),
    )
    closed = _day(poll.closed_at)
    year = closed.year if closed else 0
    session = f"Peiling, gesloten op {dutch_date(closed)}"
    return Participation(session=session, channels=channels, groups=demographic_groups(voted, year))


def _summary(poll: Poll, made: PollReport) -> Summary:
    chosen = [row.option for row in made.rows if row.chosen]
    outcome = [
        f"Van de {dutch_number(made.eligible)} inwoners die mochten stemmen, stemden er "
        f"{dutch_number(made.voted)}."
    ]
    outcome += [f"Gekozen: {option}." for option in chosen]
    question = poll.title + (f" {poll.description}" if poll.description else "")
    # What staff wrote about the poll's limits, then how a poll itself limits the choice.
    limits = (
        f"Inwoners konden alleen kiezen uit de {len(made.rows)} opties die de gemeente "
        "voorlegde, volgens de stemregels bij de uitslag. Wat iemand stemde blijft "
        "geheim; alleen de geanonimiseerde stembiljetten zijn openbaar."
    )
    ladder = Ladder(poll.ladder)
    return Summary(
        question=question,
        limits=f"{poll.limits} {limits}" if poll.limits else limits,
        commissioned_by=commissioned_by(poll),
        say=str(ladder.label),
        say_explained=str(LADDER_EXPLAINED[ladder]),
        outcome=tuple(outcome),
        next_steps=f"{NEXT_STEPS.get(ladder, WEIGHED)} {RECOUNT}",
    )


def poll_report_of(poll: Poll, *, generated_at: datetime) -> Report:
    """The report of a closed poll of the workspace; ReportRefused with the reason for any
    other (still open, without ballots, or part of a summit or nota)."""
    reason = poll_refusal(poll)
    if reason:
        raise ReportRefused(reason)
    with translation.override("nl"):
        counted = poll_report(poll)
        made = replace(counted, rounds=(_rules(poll), *counted.rounds))
        participation = _participation(poll, made)
        summary = _summary(poll, made)
    opened, closed = _day(poll.opened_at), _day(poll.closed_at)
    title = f"Participatieverslag {poll.title}"
    place = "online en op papier" if made.paper else "online"
    return Report(
        format_version=FORMAT_VERSION,
        kind=POLL_KIND,
        title=title,
        about=f"Peiling onder inwoners, {place}, {dutch_period(opened, closed)}.",
        slug=str(poll.pk),
        summit_date=closed.isoformat() if closed else "",
        summit_date_text=dutch_date(closed),
        place=place,
        generated_at=timezone.localdate(generated_at).isoformat(),
        generated_text=dutch_date(timezone.localdate(generated_at)),
        summary=summary,
        participation=participation,
        polls=(made,),
        proposals=(),
        amendments=(),
        versions=(),
        final_text="",
        minority_intro=MINORITY_INTRO,
        minority_views=(),
        voices_intro=VOICES_INTRO,
        other_voices=(),
        filing=Filing(
            name=title,
            date=timezone.localdate(generated_at).isoformat(),
            classification="Participatieverslag",
            subject=poll.title,
            organization=commissioned_by(poll),
            event=f"Peiling {poll.title}, {dutch_date(opened)} tot {dutch_date(closed)}",
            agenda_item="",
            identifier=f"participatieverslag-peiling-{poll.pk}",
        ),
    )


__all__ = [
    "POLL_KIND",
    "latest_poll_report",
    "latest_poll_reports",
    "poll_refusal",
    "poll_report_of",
    "report_address",
    "reportable_polls",
]
