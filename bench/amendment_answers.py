"""What the council's answers on nota amendments cost: N notas with A amendments each (half
taken over, half turned down) and S summits with P frozen proposals on a throwaway
PostgreSQL; the griffie's CSV file with an answer on every amendment read (preview), stored
new and stored again unchanged; the export of every row; then the griffie's list, one
amendment's answer page, a nota's public council page and the read API's answers (the
amendments only, and a page that spans proposals and amendments), each asked K times.
Prints the median and p99 time and the number of queries. Run from the checkout:

    .venv/bin/python bench/amendment_answers.py [--notas 20] [--amendments 50] [--loads 20]

Bounded: the whole run stops after --timeout seconds; PostgreSQL is stopped on exit.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.council_answers import build as build_summits  # noqa: E402
from bench.stack import (  # noqa: E402
    django_on_postgres,
    start_postgres,
    stop,
    stop_after,
    timed,
    work_folder,
)

STATUSES = ["adopted", "partly_adopted", "not_adopted", "in_progress", "implemented"]
TEXT = "# Nota\n\nDe gemeente doet dit en dat in de wijk.\n"


def build(notas: int, amendments: int) -> None:
    """Notas with one published version and decided amendments (no live text needed)."""
    from datetime import timedelta

    from django.utils import timezone

    from deliberation.drafts.models import Amendment, Draft, Version
    from samenspel.models import User

    now = timezone.now()
    author = User.objects.create_user("indiener")
    for number in range(notas):
        draft = Draft.objects.create(
            slug=f"nota-{number}", title=f"Nota {number}", kind="sportnota", created_at=now
        )
        version = Version.objects.create(draft=draft, number=1, text=TEXT, published_at=now)
        Amendment.objects.bulk_create(
            Amendment(
                draft=draft, version=version, author=author, passage="dit en dat",
                start=TEXT.index("dit en dat"), replacement=f"iets anders {n}",
                rationale="Beter zo.", created_at=now + timedelta(seconds=n),
                status="accepted" if n % 2 else "rejected", decided_at=now,
            )
            for n in range(amendments)
        )  # fmt: skip


def answers_file(notas: int, amendments: int) -> bytes:
    """Every amendment answered, as Dutch Excel saves it (semicolons, Windows-1252)."""
    rows = ["soort;burgertop;voorstel;nota;amendement;titel;status;toelichting;besluitdatum;"
            "raadsbesluit;mijlpalen"]  # fmt: skip
    for d in range(notas):
        for a in range(1, amendments + 1):
            status = STATUSES[(d + a) % len(STATUSES)]
            rows.append(
                f'amendement;;;nota-{d};{a};;{status};"De raad besloot; zie het besluit, café.";'
                f'12-03-2026;RB 2026-{a:03d};"2026-05-01 | 40 | Begonnen\n2026-09-01 | 80 | Bijna"'
            )
    return "\r\n".join(rows).encode("cp1252")


def measure(notas: int, amendments: int, loads: int) -> None:
    from django.test import Client

    from council import selectors, services
    from council.models import Answer, AnswerChange
    from deliberation.drafts.models import Amendment
    from samenspel.models import User

    griffie = User.objects.get(username="griffie")
    data = answers_file(notas, amendments)
    rows = notas * amendments
    began = time.perf_counter()
    check = services.answer_file_import(by=griffie, data=data)
    first = (time.perf_counter() - began) * 1000
    assert len(check.to_store) == rows and Answer.objects.filter(amendment__isnull=False).count()
    print(f"{'import, every amendment answer new':36}: {first:8.1f} ms once ({rows} rows stored)")
    few = max(3, loads // 4)
    timed("preview of the file", few, lambda: services.answer_file_check(data=data), 36)
    timed(
        "import again, nothing changed",
        few,
        lambda: services.answer_file_import(by=griffie, data=data),
        36,
    )
    assert AnswerChange.objects.count() == rows, "an unchanged file writes no history"
    timed("export for Excel, every row", few, lambda: selectors.answers_csv(excel=True), 36)

    clerk = Client()
    clerk.force_login(griffie)
    last = Amendment.objects.filter(draft__slug="nota-0").order_by("created_at", "pk").last()
    assert last is not None
    pages = [
        ("griffie's list (all rows)", clerk, "/werkruimte/raad/"),
        ("one amendment's answer page", clerk, f"/werkruimte/raad/amendement/{last.pk}/"),
        ("public council page of one nota", Client(), "/raad/nota/nota-0/"),
        ("API answers, amendments, 200", Client(), "/api/v1/answers/?kind=amendement&limit=200"),
        ("API answers, page across both", Client(), "/api/v1/answers/?limit=200&offset=900"),
        ("API answers, one nota answered", Client(), "/api/v1/answers/?nota=nota-3&status=adopted"),
    ]
    for name, client, path in pages:

        def load(client: Client = client, path: str = path) -> None:
            assert client.get(path).status_code == 200

        timed(name, loads, load, 36)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notas", type=int, default=20)
    parser.add_argument("--amendments", type=int, default=50)
    parser.add_argument("--summits", type=int, default=20)
    parser.add_argument("--proposals", type=int, default=50)
    parser.add_argument("--loads", type=int, default=20)
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args()
    stop_after(args.timeout)
    work = work_folder("amendment-answers-")
    postgres, port = start_postgres(work)
    try:
        django_on_postgres(port)
        build_summits(args.summits, args.proposals)
        build(args.notas, args.amendments)
        print(
            f"{args.notas} notas with {args.amendments} decided amendments each, and "
            f"{args.summits} summits with {args.proposals} frozen proposals each (PostgreSQL)"
        )
        measure(args.notas, args.amendments, args.loads)
    finally:
        stop([postgres])


if __name__ == "__main__":
    main()
