"""The demo's council: the griffie may record answers, the afternoon summit's and the
finished summit's proposals and the finished nota's amendments get answers in several
statuses, recorded by the griffie through the services, and the finished summit, the
finished nota and a closed poll of the workspace have their participation reports."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import Permission
from django.db import transaction

from deliberation.drafts.demo import FINISHED_SLUG as FINISHED_NOTA
from deliberation.drafts.models import Amendment, Draft
from deliberation.models import Proposal, Summit
from samenspel.demo import DemoContext
from voting.models import Poll

from . import services
from .answer_file import MilestoneSpec
from .models import Answer, Report

AFTERNOON = "burgertop-diemen-middag"
# The voting demo's closed poll of the workspace with rounds to tell (instant runoff).
REPORTED_POLL = "Welke naam krijgt het nieuwe park in Holland Park?"
FINISHED = "burgertop-diemen-voorjaar"
# (status key, reasons, days before today the council decided (None: not yet), reference,
# milestones as (days before today, progress, what happened)); one per proposal in number
# order, the last proposal left unanswered.
ANSWERS: list[tuple[str, str, int | None, str, list[tuple[int, int, str]]]] = [
    (
        "implemented",
        "De raad nam het voorstel over. Bewoners kozen per straat de plek; **de bomen staan**.",
        60,
        "https://diemen.raadsinformatie.nl/besluit/2026-014",
        [(45, 30, "Bewoners kozen de plekken"), (10, 100, "De laatste bomen zijn geplant")],
    ),
    (
        "partly_adopted",
        "De raad wil veilige routes naar de scholen. Drempels bij elke school komen er; "
        "licht in het park nog niet, want dat stoort de vleermuizen.",
        30,
        "RB 2026-021",
        [(5, 20, "Ontwerp van de drempels ligt ter inzage")],
    ),
    (
        "in_progress",
        "Het college schrijft een raadsvoorstel; de raad bespreekt het in de commissie.",
        None,
        "",
        [],
    ),
]

# The finished summit: one adopted, one not, the last one still unanswered.
FINISHED_ANSWERS: list[tuple[str, str, int | None, str, list[tuple[int, int, str]]]] = [
    (
        "adopted",
        "De raad wil een open buurthuis in elke wijk. Het college zoekt per wijk een gebouw "
        "en vrijwilligers.",
        14,
        "RB 2026-033",
        [(3, 10, "Eerste gesprek met vrijwilligers in Diemen-Noord")],
    ),
    (
        "not_adopted",
        "De raad vindt het een goed idee, maar er is dit jaar geen geld voor. De raad "
        "bespreekt het opnieuw bij de begroting.",
        14,
        "RB 2026-034",
        [],
    ),
]


# The finished nota's amendments, in the order they were proposed: the one taken over after
# the vote adopted and under way, the one voted down not adopted, the one the editors took
# over still with the council, the last one turned down unanswered.
NOTA_ANSWERS: list[tuple[str, str, int | None, str, list[tuple[int, int, str]]]] = [
    (
        "adopted",
        "De raad neemt het warmwaterbad op in het programma van eisen voor het nieuwe zwembad.",
        7,
        "RB 2026-041",
        [(2, 10, "Het programma van eisen is aangepast")],
    ),
    (
        "not_adopted",
        "De raad houdt de huur voor verenigingen gelijk; gratis huur voor scholen past niet in "
        "de begroting van dit jaar.",
        7,
        "RB 2026-042",
        [],
    ),
    (
        "in_progress",
        "Het college zoekt uit wat laadpunten bij de stallingen kosten; de raad bespreekt het "
        "na de zomer.",
        None,
        "",
        [],
    ),
]


def seed(context: DemoContext) -> None:
    griffie = context.staff["griffie"]
    permission = Permission.objects.get(content_type__app_label="council", codename="record_answer")
    griffie.user_permissions.add(permission)
    context.lines.append(
        "Raad: leeskamer http://127.0.0.1:8000/raad/ (raadslid, griffie); de griffie legt "
        "antwoorden vast in /werkruimte/raad/"
    )
    context.lines.append(
        f"Participatieverslag: http://127.0.0.1:8000/raad/burgertop/{FINISHED}/verslag/ "
        "(de griffie maakt het opnieuw in /werkruimte/raad/verslagen/)"
    )
    # The afternoon summit is seeded by deliberation's demo, which runs after this one (the
    # council is listed first, for its home page block): answer once it is all stored.
    transaction.on_commit(lambda: answer_afternoon(context))
    transaction.on_commit(lambda: report_finished(context))
    transaction.on_commit(lambda: report_finished_nota(context))
    context.lines.append(
        f"Participatieverslag van een nota: http://127.0.0.1:8000/raad/nota/{FINISHED_NOTA}/"
        "verslag/"
    )
    transaction.on_commit(lambda: report_closed_poll(context))
    context.lines.append(
        "Participatieverslag van een peiling: via 'Participatieverslag' op de uitslag van "
        f"'{REPORTED_POLL}' (/stemmen/)"
    )


def answer_afternoon(context: DemoContext) -> int:
    """Answers for the afternoon summit's proposals that have none yet; returns how many."""
    return _answer(context, AFTERNOON, ANSWERS)


def report_finished(context: DemoContext) -> None:
    """Answers for the finished summit, then its participation report (once)."""
    _answer(context, FINISHED, FINISHED_ANSWERS)
    summit = Summit.objects.filter(slug=FINISHED).first()
    if summit is None or Report.objects.filter(summit=summit).exists():
        return
    services.report_publish(summit=summit, by=context.staff["griffie"], now=context.now)


def report_finished_nota(context: DemoContext) -> None:
    """Answers for the finished nota's amendments, then its participation report (once)."""
    draft = Draft.objects.filter(slug=FINISHED_NOTA).first()
    if draft is None:
        return
    answered = set(Answer.objects.values_list("amendment_id", flat=True))
    amendments = Amendment.objects.filter(draft=draft).order_by("created_at", "pk")
    for amendment, row in zip(amendments, NOTA_ANSWERS, strict=False):
        if amendment.pk not in answered:
            services.amendment_answer_record(
                amendment=amendment,
                by=context.staff["griffie"],
                given=_given(context, row),
                now=context.now,
            )
    if not Report.objects.filter(draft=draft).exists():
        services.nota_report_publish(draft=draft, by=context.staff["griffie"], now=context.now)


def report_closed_poll(context: DemoContext) -> None:
    """The participation report of the voting demo's closed park-name poll (once)."""
    poll = Poll.objects.filter(title=REPORTED_POLL, context="", status=Poll.Status.CLOSED).first()
    if poll is None or Report.objects.filter(poll=poll).exists():
        return
    services.poll_report_publish(poll=poll, by=context.staff["griffie"], now=context.now)


def _given(
    context: DemoContext, row: tuple[str, str, int | None, str, list[tuple[int, int, str]]]
) -> services.AnswerInput:
    status, reasons, days, reference, milestones = row
    today = context.now.date()
    return services.AnswerInput(
        status_key=status,
        reasons=reasons,
        decision_date=today - timedelta(days=days) if days is not None else None,
        decision_reference=reference,
        milestones=[
            MilestoneSpec(date=today - timedelta(days=ago), progress=done, description=text)
            for ago, done, text in milestones
        ],
    )


def _answer(
    context: DemoContext,
    slug: str,
    answers: list[tuple[str, str, int | None, str, list[tuple[int, int, str]]]],
) -> int:
    summit = Summit.objects.filter(slug=slug).first()
    if summit is None:
        return 0
    answered = set(Answer.objects.values_list("proposal_id", flat=True))
    proposals = Proposal.objects.filter(summit=summit).order_by("number")
    added = 0
    for proposal, row in zip(proposals, answers, strict=False):
        if proposal.pk in answered:
            continue
        added += 1
        services.answer_record(
            proposal=proposal,
            by=context.staff["griffie"],
            given=_given(context, row),
            now=context.now,
        )
    return added
