"""What a participation report costs for a big summit: a finished summit with P participants
at tables of ten (checked in, seated, spread over neighbourhoods and ages), two ideas each,
ten themes, one frozen proposal per theme table, an approval vote that everyone cast
through the voting service and that is closed, and answers on half the proposals, on a
throwaway PostgreSQL. Then the report is made K times in every format; prints the median
and p99 of each part (the database read, Markdown, JSON, CSV, the PDFs, DOCX, ODT, the
ZIP) and of the whole, the whole's CPU time, the load average, and the floor (the whole
under 10 s). Run from the checkout:

    .venv/bin/python bench/dossier.py [--participants 1000] [--proposals 20] [--loads 5]

Bounded: the whole run stops after --timeout seconds; PostgreSQL is stopped on exit.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.stack import (  # noqa: E402
    django_on_postgres,
    p99,
    start_postgres,
    stop,
    stop_after,
    work_folder,
)

FLOOR_SECONDS = 10.0


def build(participants: int, proposals: int) -> Any:
    """The finished summit; returns it."""
    import random

    from django.utils import timezone

    from council import services as council_services
    from deliberation.models import (
        Idea,
        Participant,
        Proposal,
        Step,
        Summit,
        SummitTable,
        SummitVote,
        Theme,
    )
    from samenspel import services as core_services
    from samenspel.models import Neighbourhood, Role, User
    from voting import services as voting

    rng = random.Random(14)
    now = timezone.now()
    admin = User.objects.create_user("beheer", display_name="Beheerder")
    core_services.role_grant(user=admin, role=str(Role.ADMINISTRATOR))
    places = list(Neighbourhood.objects.all()[:12]) or [None]
    people = User.objects.bulk_create(
        User(
            username=f"inwoner{n:05d}",
            display_name=f"Inwoner {n}",
            email=f"inwoner{n:05d}@example.org",
            neighbourhood=rng.choice(places),
            birth_year=rng.randint(1940, 2010),
        )
        for n in range(participants)
    )
    summit = Summit.objects.create(
        slug="burgertop-groot",
        title="Burgertop groot",
        date=now.date(),
        place="Diemen",
        question="Wat maakt Diemen beter?",
        limits="Niet: wonen.",
        commissioned_by="De gemeenteraad",
        status=Summit.Status.OPEN,
    )
    vote_step = Step.objects.create(summit=summit, position=1, kind=Step.Kind.VOTE, title="Stem")
    tables = SummitTable.objects.bulk_create(
        SummitTable(summit=summit, number=n + 1, online=n % 10 == 9)
        for n in range(participants // 10)
    )
    Participant.objects.bulk_create(
        Participant(summit=summit, user=person, checked_in_at=now, table=tables[n % len(tables)])
        for n, person in enumerate(people)
    )
    themes = Theme.objects.bulk_create(
        Theme(summit=summit, name=f"Thema {n + 1}") for n in range(10)
    )
    ideas = Idea.objects.bulk_create(
        Idea(
            summit=summit,
            table=tables[n % len(tables)],
            author=people[n % len(people)],
            text=f"Idee {n + 1}: meer groen en ontmoeting in de wijk",
            theme=themes[n % len(themes)],
            created_at=now,
            updated_at=now,
        )
        for n in range(2 * participants)
    )
    made = []
    for n in range(proposals):
        proposal = Proposal.objects.create(
            summit=summit,
            number=n + 1,
            table=tables[n],
            theme=themes[n % len(themes)],
            title=f"Voorstel {n + 1} over de wijk",
            text=f"De gemeente doet **{n + 1}** dingen.\n\n- eerst dit\n- dan dat",
            status=Proposal.Status.FROZEN,
            frozen_at=now,
            created_at=now,
            updated_at=now,
        )
        proposal.ideas.add(*ideas[n * 5 : n * 5 + 5])
        made.append(proposal)
    poll = voting.poll_create(
        title="Stemmen op de voorstellen",
        method="approval",
        options=[
            voting.OptionSpec(title=p.title, description=p.text, reference=f"proposal:{p.number}")
            for p in made
        ],
        eligible=people,
        context=f"summit:{summit.slug}/step:{vote_step.pk}",
        max_choices=3,
        by=admin,
    )
    voting.poll_open(poll=poll, by=admin)
    SummitVote.objects.create(summit=summit, step=vote_step, poll=poll, opened_at=now)
    keys = [option.key for option in poll.options.order_by("position")]
    for person in people:
        voting.ballot_cast(poll=poll, participant=person, choice=rng.sample(keys, 3))
    voting.poll_close(poll=poll, by=admin)
    for proposal in made[::2]:
        council_services.answer_record(
            proposal=proposal,
            by=admin,
            given=council_services.AnswerInput(status_key="adopted", reasons="Overgenomen."),
        )
    Summit.objects.filter(pk=summit.pk).update(status=Summit.Status.CLOSED)
    return Summit.objects.get(pk=summit.pk)


def measure(summit: Any, loads: int) -> None:
    from django.utils import timezone

    from council.report import formats, office, pdf, summit_polls, summit_report

    parts: dict[str, list[float]] = {}

    @contextmanager
    def part(name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        parts.setdefault(name, []).append((time.perf_counter() - start) * 1000)

    size = 0
    cpu: list[float] = []
    for _ in range(loads):
        cpu_start = time.process_time()
        with part("whole report"):
            with part("database read (report)"):
                made = summit_report(summit, generated_at=timezone.now())
            with part("published ballot files"):
                ballots = {p.result.file_name: p.result.file_text for p in summit_polls(summit)}
            with part("markdown"):
                formats.markdown_text(made)
            with part("json"):
                formats.json_text(made)
            with part("csv, both dialects"):
                formats.figures_csv(made, excel=False)
                formats.figures_csv(made, excel=True)
            with part("pdf + pdf/a"):
                readable, archived = pdf.pdf_bytes(made)
            with part("docx"):
                docx = office.docx_bytes(made)
            with part("odt"):
                odt = office.odt_bytes(made)
            documents = {
                formats.PDF: readable,
                formats.PDF_ARCHIVE: archived,
                formats.DOCX: docx,
                formats.ODT: odt,
            }
            with part("readme + every file"):
                files = formats.report_files(made, ballots, documents)
            with part("zip"):
                size = len(formats.zip_bytes(files))
        cpu.append((time.process_time() - cpu_start) * 1000)
    print(f"report made {loads} times; ZIP {size / 1024:.0f} KB")
    for name, times in parts.items():
        print(f"  {name:<26} median {statistics.median(times):8.1f} ms   p99 {p99(times):8.1f} ms")
    print(
        f"  {'whole report, CPU':<26} median {statistics.median(cpu):8.1f} ms   "
        f"p99 {p99(cpu):8.1f} ms   (this process's CPU: what a quiet machine would take)"
    )
    load = os.getloadavg()[0]
    print(f"load average at the end: {load:.1f} on {os.cpu_count()} cores")
    whole = statistics.median(parts["whole report"]) / 1000
    verdict = "held" if whole < FLOOR_SECONDS else "MISSED"
    print(f"floor: whole report under {FLOOR_SECONDS:.0f} s: {verdict} ({whole:.1f} s median)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--proposals", type=int, default=20)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args()
    stop_after(args.timeout)
    work = work_folder("dossier")
    postgres, port = start_postgres(work)
    try:
        django_on_postgres(port)
        started = time.perf_counter()
        summit = build(args.participants, args.proposals)
        print(
            f"summit: {args.participants} participants, {args.proposals} proposals, "
            f"{2 * args.participants} ideas, {args.participants} ballots; built in "
            f"{time.perf_counter() - started:.1f} s"
        )
        measure(summit, args.loads)
    finally:
        stop([postgres])


if __name__ == "__main__":
    main()
