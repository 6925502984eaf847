"""The participation report of a nota whose reaction period is over, read into the same
``Report`` tree as a summit's: who reacted (counts per role, demographics as totals with
groups under five as "<5"), the comments and amendments in numbers, each amendment's trail
(proposed, supported, voted on, taken over or not, the council's answer), the published
versions and the newest text.

A nota is finished once it has a published version and its reaction period has ended, with
no vote on its amendments still open. Like the summit's report it names nobody: residents
are counted, not named; their comments and amendments are texts they wrote for everyone.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from deliberation.drafts.models import Amendment, Comment, Draft, Support, Version
from deliberation.drafts.selectors import staff_ids
from samenspel.ladder import EXECUTIVE, LADDER_EXPLAINED, Ladder
from samenspel.models import Role, RoleGrant, User
from voting import contexts
from voting.models import Poll
from voting.selectors import result_rows

from ..models import Answer
from .content import (
    FORMAT_VERSION,
    NOTA_KIND,
    NOTHING_MARKED,
    AmendmentReport,
    Count,
    Filing,
    MinorityView,
    Participation,
    Report,
    ReportRefused,
    Summary,
    VersionReport,
    council_answer,
    demographic_groups,
    poll_report,
)
from .dutch import dutch_date, dutch_period

LIMITS = (
    "Inwoners konden reageren op de gepubliceerde tekst: met een opmerking bij een passage, "
    "of met een amendement dat een passage vervangt. Inwoners konden amendementen steunen, "
    "en over sommige amendementen stemmen. De redactie van de gemeente besliste of een "
    "amendement werd overgenomen; de gemeenteraad stelt de nota vast."
)
VOICES_INTRO = "Opmerkingen van inwoners bij de tekst, in hun eigen woorden:"


def commissioned_by(draft: Draft) -> str:
    """Who asked for the nota as staff set it; when they named nobody, the municipality's
    executive, who writes a nota and offers it to the council."""
    return draft.commissioned_by or EXECUTIVE


def _day(moment: datetime | None) -> date | None:
    return timezone.localtime(moment).date() if moment else None


def nota_polls(draft: Draft, *, status: str = str(Poll.Status.CLOSED)) -> list[Poll]:
    """The votes on the nota's amendments with this status, in the order they were made."""
    found = []
    scope = f"{contexts.DRAFT}:{draft.slug}"
    candidates = Poll.objects.filter(status=status, context__startswith=scope)
    for poll in candidates.select_related("result").order_by("pk"):
        if contexts.scope_of(poll.context) == scope:
            found.append(poll)
    return found


def nota_refusal(draft: Draft, now: datetime) -> str:
    """Why ``draft`` has no report (yet) at ``now``, or "" when it may have one."""
    if not Version.objects.filter(draft=draft).exists():
        return _(
            "Deze nota heeft nog geen gepubliceerde versie. Een participatieverslag kan pas "
            "als inwoners op een versie hebben kunnen reageren."
        )
    if draft.reactions_until is None:
        return _(
            "Deze nota heeft geen einde van de reactieperiode. Sluit eerst de reactieperiode "
            "in de werkruimte; daarna kan het participatieverslag."
        )
    if draft.reactions_until > now:
        return _(
            "De reactieperiode van deze nota loopt nog tot %(date)s. Een participatieverslag "
            "kan pas als de reactieperiode voorbij is."
        ) % {"date": dutch_date(_day(draft.reactions_until))}
    if nota_polls(draft, status=str(Poll.Status.OPEN)):
        return _(
            "Er loopt nog een stemming over amendementen van deze nota. Een "
            "participatieverslag kan pas als die stemming gesloten is."
        )
    return ""


def _votes(polls: list[Poll]) -> dict[int, tuple[str, bool]]:
    """Per amendment id: the vote's figures as the results page writes them, and whether
    it passed."""
    found: dict[int, tuple[str, bool]] = {}
    for poll in polls:
        references = {o.key: o.reference for o in poll.options.all()}
        for row in result_rows(poll, poll.result.outcome):
            reference = references.get(row["key"], "")
            if reference.startswith("amendment:"):
                found[int(reference.partition(":")[2])] = (str(row["text"]), bool(row["winner"]))
    return found


def _amendments(draft: Draft, polls: list[Poll]) -> list[AmendmentReport]:
    amendments = list(
        Amendment.objects.filter(draft=draft).select_related("version").order_by("created_at", "pk")
    )
    supports: dict[int, int] = {}
    for amendment_id in Support.objects.filter(amendment__draft=draft).values_list(
        "amendment_id", flat=True
    ):
        supports[amendment_id] = supports.get(amendment_id, 0) + 1
    votes = _votes(polls)
    answers = {
        a.amendment_id: a
        for a in Answer.objects.filter(amendment__in=amendments)
        .select_related("status")
        .prefetch_related("milestones")
    }
    made = []
    for number, a in enumerate(amendments, start=1):
        vote, passed = votes.get(a.pk, ("", False))
        made.append(
            AmendmentReport(
                number=number,
                version=a.version.number,
                passage=a.passage,
                replacement=a.replacement,
                rationale=a.rationale,
                proposed_on=dutch_date(_day(a.created_at)),
                supporters=supports.get(a.pk, 0),
                vote=vote,
                vote_passed=passed,
                status=str(Amendment.Status(a.status).label).lower(),
                taken_over=a.status == Amendment.Status.ACCEPTED,
                decided_on=dutch_date(_day(a.decided_at)),
                decision_reason=a.decision_reason,
                answer=council_answer(answers.get(a.pk)),
            )
        )
    return made


def _participation(draft: Draft, polls: list[Poll], session: str) -> Participation:
    comments = list(
        Comment.objects.filter(version__draft=draft).values_list(
            "author_id", "parent_id", "resolved_at", "hidden_at"
        )
    )
    amendments = list(Amendment.objects.filter(draft=draft).values_list("author_id", "status"))
    supporters = list(
        Support.objects.filter(amendment__draft=draft).values_list("user_id", flat=True)
    )
    people = {c[0] for c in comments} | {a[0] for a in amendments} | set(supporters)
    staff = staff_ids(list(people))
    residents = people - staff
    holders = set(
        RoleGrant.objects.filter(role=Role.EDITOR, scope=draft.scope).values_list(
            "user_id", flat=True
        )
    )
    editors = staff_ids(list(holders))
    statuses = [status for _author, status in amendments]
    voted = sum(p.result.ballots_counted for p in polls)
    paper = sum(p.result.paper_ballots for p in polls)
    shown = [c for c in comments if c[3] is None]
    channels = (
        Count("inwoners die reageerden (online)", len(residents)),
        Count("inwoners die meeschreven (uitgenodigd)", len(holders - editors)),
        Count("medewerkers van de gemeente in de redactie", len(editors)),
        Count("opmerkingen", sum(1 for c in shown if c[1] is None)),
        Count("antwoorden op opmerkingen", sum(1 for c in shown if c[1] is not None)),
        Count("opmerkingen afgehandeld door de redactie", sum(1 for c in shown if c[2])),
        Count("opmerkingen verborgen door een moderator", len(comments) - len(shown)),
        Count("amendementen ingediend", len(amendments)),
        Count("amendementen overgenomen", statuses.count(Amendment.Status.ACCEPTED)),
        Count("amendementen afgewezen", statuses.count(Amendment.Status.REJECTED)),
        Count("amendementen in stemming", statuses.count(Amendment.Status.IN_VOTE)),
        Count("amendementen zonder besluit", statuses.count(Amendment.Status.OPEN)),
        Count("steunbetuigingen voor amendementen", len(supporters)),
        Count("gestemd over amendementen", voted),
        Count("gestemd op papier", paper),
        Count("versies gepubliceerd", Version.objects.filter(draft=draft).count()),
    )
    year = draft.reactions_until.year if draft.reactions_until else 0
    rows = list(
        User.objects.filter(pk__in=residents).values_list("neighbourhood__name", "birth_year")
    )
    return Participation(session=session, channels=channels, groups=demographic_groups(rows, year))


def _voices(draft: Draft) -> tuple[str, ...]:
    """Residents' comments on the text (not replies, not hidden), oldest first."""
    comments = Comment.objects.filter(
        version__draft=draft, parent__isnull=True, hidden_at__isnull=True
    ).order_by("created_at", "pk")
    authors = set(comments.values_list("author_id", flat=True))
    staff = staff_ids(list(authors))
    return tuple(
        body for author, body in comments.values_list("author_id", "body") if author not in staff
    )


MINORITY_INTRO = (
    "Opmerkingen en afgewezen amendementen die de redactie markeerde als "
    "minderheidsstandpunt of open vraag, in de woorden van de inwoners:"
)


def _minority_views(draft: Draft, amendments: list[AmendmentReport]) -> tuple[MinorityView, ...]:
    """The marked comments of residents (not hidden), oldest first, then the marked
    turned-down amendments by their number."""
    comments = list(
        Comment.objects.filter(version__draft=draft, hidden_at__isnull=True, for_report=True)
        .order_by("created_at", "pk")
        .values_list("author_id", "passage", "body")
    )
    staff = staff_ids(list({author for author, _passage, _body in comments}))
    marked = set(
        Amendment.objects.filter(
            draft=draft, for_report=True, status=Amendment.Status.REJECTED
        ).values_list("pk", flat=True)
    )
    numbered = Amendment.objects.filter(draft=draft).order_by("created_at", "pk")
    numbers = {pk: n for n, pk in enumerate(numbered.values_list("pk", flat=True), start=1)}
    chosen = {numbers[pk] for pk in marked}
    return tuple(
        MinorityView(
            "opmerking", "Opmerking", body, (f"Bij de passage: {passage}",) if passage else ()
        )
        for author, passage, body in comments
        if author not in staff
    ) + tuple(
        MinorityView(
            "amendement",
            f"Afgewezen amendement {a.number}",
            a.rationale,
            (
                f"Passage: {a.passage}",
                f"Wordt: {a.replacement}" if a.replacement else "Voorstel: deze passage schrappen.",
                *((f"Reden van de redactie: {a.decision_reason}",) if a.decision_reason else ()),
            ),
        )
        for a in amendments
        if a.number in chosen
    )


def _summary(draft: Draft, amendments: list[AmendmentReport], comments: int) -> Summary:
    taken = [a for a in amendments if a.taken_over]
    outcome = [
        f"Inwoners schreven {comments} opmerkingen en dienden {len(amendments)} amendementen "
        f"in; {len(taken)} daarvan zijn in de tekst overgenomen."
    ]
    outcome += [f"Overgenomen: amendement {a.number}." for a in taken]
    answered = sum(1 for a in amendments if a.answer is not None)
    sent = (
        f" De nota is op {dutch_date(_day(draft.sent_to_council_at))} aan de raad aangeboden."
        if draft.sent_to_council_at
        else ""
    )
    next_steps = (
        f"De gemeenteraad antwoordt op elk amendement. Van de {len(amendments)} amendementen "
        f"{'heeft' if answered == 1 else 'hebben'} er {answered} een antwoord.{sent} Dit "
        "verslag wordt bijgewerkt als er antwoorden bijkomen."
    )
    return Summary(
        question=draft.summary or draft.title,
        limits=LIMITS,
        commissioned_by=commissioned_by(draft),
        say=str(Ladder(draft.ladder).label),
        say_explained=str(LADDER_EXPLAINED[Ladder(draft.ladder)]),
        outcome=tuple(outcome),
        next_steps=next_steps,
    )


def nota_report(draft: Draft, *, generated_at: datetime, now: datetime) -> Report:
    """The report of a nota whose reaction period is over; ReportRefused with the reason
    for any other (at ``now``)."""
    reason = nota_refusal(draft, now)
    if reason:
        raise ReportRefused(reason)
    opened, closed = _day(draft.reactions_from), _day(draft.reactions_until)
    period = dutch_period(opened, closed)
    with translation.override("nl"):
        polls = nota_polls(draft)
        amendments = _amendments(draft, polls)
        session = f"Reacties op de {draft.get_kind_display()}, online {period}"
        participation = _participation(draft, polls, session)
        comments = next(c.count for c in participation.channels if c.label == "opmerkingen")
        summary = _summary(draft, amendments, comments)
        minority = _minority_views(draft, amendments)
        polls_made = tuple(poll_report(poll) for poll in polls)
        kind = str(draft.get_kind_display())
    versions = list(Version.objects.filter(draft=draft).order_by("number"))
    title = f"Participatieverslag {draft.title}"
    return Report(
        format_version=FORMAT_VERSION,
        kind=NOTA_KIND,
        title=title,
        about=f"{kind}: inwoners konden online reageren {period}.",
        slug=draft.slug,
        summit_date=closed.isoformat() if closed else "",
        summit_date_text=dutch_date(closed),
        place="online",
        generated_at=timezone.localdate(generated_at).isoformat(),
        generated_text=dutch_date(timezone.localdate(generated_at)),
        summary=summary,
        participation=participation,
        polls=polls_made,
        proposals=(),
        amendments=tuple(amendments),
        versions=tuple(
            VersionReport(
                number=v.number,
                published_on=timezone.localtime(v.published_at).date().isoformat(),
                published_text=dutch_date(timezone.localtime(v.published_at).date()),
                note=v.note,
                final=v.is_final,
            )
            for v in versions
        ),
        final_text=versions[-1].text if versions else "",
        minority_intro=MINORITY_INTRO if minority else NOTHING_MARKED,
        minority_views=minority,
        voices_intro=VOICES_INTRO,
        other_voices=_voices(draft),
        filing=Filing(
            name=title,
            date=timezone.localdate(generated_at).isoformat(),
            classification="Participatieverslag",
            subject=draft.summary or draft.title,
            organization=commissioned_by(draft),
            event=f"Reactieperiode {draft.title}, {period}",
            agenda_item="",
            identifier=f"participatieverslag-nota-{draft.slug}",
        ),
    )
