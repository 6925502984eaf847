"""What a nota's participation report costs: the demo's finished nota (built through the
services: comments, four amendments, two of them put to a vote of all R residents, sixteen
of whom vote) with C more
comments and A more amendments (each supported by a few residents, turned down with a
reason, half of them answered by the council) added to its first version, on a throwaway
PostgreSQL. Then the report is made K times in every format; prints the median and p99 of
each part (the database read, the text formats, the PDFs, DOCX, ODT, the ZIP) and of the
whole, the whole's CPU time and the load average. Run from the checkout:

    .venv/bin/python bench/nota_report.py [--residents 1500] [--comments 300] [--amendments 40] [--loads 5]

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


def build(residents: int, comments: int, amendments: int) -> Any:
    """The finished nota with the extra comments and amendments; returns it."""
    import random
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from council import services as council_services
    from deliberation.drafts.demo import finished_seed
    from deliberation.drafts.models import Amendment, Comment, Support
    from samenspel import services as core_services
    from samenspel.demo import DemoContext
    from samenspel.models import Neighbourhood, Role, User

    rng = random.Random(14)
    now = timezone.now()
    buurten = list(Neighbourhood.objects.all()) or [None]
    password = make_password(None)
    people = User.objects.bulk_create(
        User(
            username=f"bewoner{n:05d}",
            display_name=f"Bewoner {n}",
            password=password,
            neighbourhood=rng.choice(buurten),
            birth_year=rng.randint(1940, 2008),
        )
        for n in range(max(residents, 30))
    )
    for person in people:
        core_services.role_grant(user=person, role=Role.RESIDENT)
    context = DemoContext(now=now, small=False, fresh=True)
    context.staff["beheer"] = User.objects.create(username="beheer", is_staff=True)
    core_services.role_grant(user=context.staff["beheer"], role=Role.ADMINISTRATOR)
    context.staff["ambtenaar"] = User.objects.create(username="ambtenaar", is_staff=True)
    core_services.role_grant(user=context.staff["ambtenaar"], role=Role.EDITOR)
    # finished_seed takes sixteen residents from the middle third to react and vote; the
    # rest of the electorate (all residents) could have voted.
    context.residents = people
    draft = finished_seed(context)
    version = draft.versions.order_by("number").first()
    assert version is not None
    made_at = now - timedelta(weeks=9)
    Comment.objects.bulk_create(
        Comment(
            version=version,
            author=rng.choice(people),
            passage="Het zwembad",
            start=version.text.index("Het zwembad"),
            body=f"Opmerking {n}: wat gebeurt er met de parkeerplaatsen?",
            created_at=made_at,
        )
        for n in range(comments)
    )
    extra = Amendment.objects.bulk_create(
        Amendment(
            draft=draft,
            version=version,
            author=rng.choice(people),
            passage="De sporthal wordt gerenoveerd",
            start=version.text.index("De sporthal wordt gerenoveerd"),
            replacement=f"De sporthal wordt gerenoveerd en uitgebreid ({n})",
            rationale="Er is te weinig zaalruimte voor de verenigingen.",
            status=Amendment.Status.REJECTED,
            created_at=made_at,
            decided_at=made_at + timedelta(weeks=3),
            decision_reason="Past niet in de begroting.",
        )
        for n in range(amendments)
    )
    Support.objects.bulk_create(
        Support(amendment=amendment, user=person, created_at=made_at)
        for amendment in extra
        for person in rng.sample(people, 5)
    )
    griffie = User.objects.create(username="griffie", is_superuser=True)
    for amendment in extra[::2]:
        council_services.amendment_answer_record(
            amendment=amendment,
            by=griffie,
            given=council_services.AnswerInput(status_key="not_adopted", reasons="Geen geld."),
        )
    return draft


def measure(draft: Any, loads: int) -> None:
    from django.utils import timezone

    from council.report import formats, nota_polls, nota_report, office, pdf

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
        now = timezone.now()
        with part("whole report"):
            with part("database read (report)"):
                made = nota_report(draft, generated_at=now, now=now)
            with part("published ballot files"):
                ballots = {p.result.file_name: p.result.file_text for p in nota_polls(draft)}
            with part("markdown, json, csv"):
                formats.markdown_text(made)
                formats.json_text(made)
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
            with part("readme + every file + zip"):
                size = len(formats.zip_bytes(formats.report_files(made, ballots, documents)))
        cpu.append((time.process_time() - cpu_start) * 1000)
    print(f"report made {loads} times; ZIP {size / 1024:.0f} KB")
    for name, times in parts.items():
        print(f"  {name:<26} median {statistics.median(times):8.1f} ms   p99 {p99(times):8.1f} ms")
    print(
        f"  {'whole report, CPU':<26} median {statistics.median(cpu):8.1f} ms   "
        f"p99 {p99(cpu):8.1f} ms   (this process's CPU: what a quiet machine would take)"
    )
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--residents", type=int, default=1500)
    parser.add_argument("--comments", type=int, default=300)
    parser.add_argument("--amendments", type=int, default=40)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args()
    stop_after(args.timeout)
    work = work_folder("nota-report")
    postgres, port = start_postgres(work)
    try:
        django_on_postgres(port)
        started = time.perf_counter()
        draft = build(args.residents, args.comments, args.amendments)
        print(
            f"nota: {args.comments + 4} comments, {args.amendments + 4} amendments, "
            f"{max(args.residents, 30)} residents; built in "
            f"{time.perf_counter() - started:.1f} s"
        )
        measure(draft, args.loads)
    finally:
        stop([postgres])


if __name__ == "__main__":
    main()
