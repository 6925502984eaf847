"""What the council's answers cost at the size of a municipality's years: S summits with P
frozen proposals each on a throwaway PostgreSQL; the griffie's CSV file of every answer
read (preview), stored new, and stored again unchanged; then the reading room (all, one
status, a search), a summit's public page and the griffie's list, each asked K times.
Prints the median and p99 time and the number of queries. Run from the checkout:

    .venv/bin/python bench/council_answers.py [--summits 20] [--proposals 50] [--loads 20]

Bounded: the whole run stops after --timeout seconds; PostgreSQL is stopped on exit.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.stack import (  # noqa: E402
    django_on_postgres,
    start_postgres,
    stop,
    stop_after,
    timed,
    work_folder,
)

STATUSES = ["adopted", "partly_adopted", "not_adopted", "in_progress", "implemented"]


def build(summits: int, proposals: int) -> None:
    """Summits with frozen proposals, each built on two ideas; the griffie and a member."""
    from django.contrib.auth.models import Permission
    from django.utils import timezone

    from deliberation.models import Idea, Proposal, Summit, SummitTable, Theme
    from samenspel import services as core_services
    from samenspel.models import Role, User

    now = timezone.now()
    griffie = User.objects.create_user("griffie", display_name="Griffier")
    core_services.role_grant(user=griffie, role=str(Role.COUNCIL_MEMBER))
    griffie.user_permissions.add(
        Permission.objects.get(content_type__app_label="council", codename="record_answer")
    )
    member = User.objects.create_user("raadslid")
    core_services.role_grant(user=member, role=str(Role.COUNCIL_MEMBER))
    author = User.objects.create_user("inwoner")
    for number in range(summits):
        summit = Summit.objects.create(
            slug=f"burgertop-{number}", title=f"Burgertop {number}", date=now.date()
        )
        theme = Theme.objects.create(summit=summit, name=f"Thema {number}")
        tables = SummitTable.objects.bulk_create(
            SummitTable(summit=summit, number=n + 1) for n in range(proposals)
        )
        ideas = Idea.objects.bulk_create(
            Idea(
                summit=summit, table=tables[n // 2], author=author, text=f"Idee {n}",
                theme=theme, created_at=now, updated_at=now,
            )
            for n in range(proposals * 2)
        )  # fmt: skip
        made = Proposal.objects.bulk_create(
            Proposal(
                summit=summit, number=n + 1, table=tables[n], theme=theme,
                title=f"Voorstel {n + 1} van burgertop {number}",
                text=f"Diemen plant **{n}** bomen erbij in de wijk.", status="frozen",
                frozen_at=now, created_at=now, updated_at=now,
            )
            for n in range(proposals)
        )  # fmt: skip
        through = Proposal.ideas.through
        through.objects.bulk_create(
            through(proposal_id=p.pk, idea_id=ideas[2 * i + k].pk)
            for i, p in enumerate(made)
            for k in (0, 1)
        )


def answers_file(summits: int, proposals: int) -> bytes:
    """Every proposal answered, as Dutch Excel saves it (semicolons, Windows-1252)."""
    rows = ["burgertop;voorstel;titel;status;toelichting;besluitdatum;raadsbesluit;mijlpalen"]
    for s in range(summits):
        for p in range(1, proposals + 1):
            status = STATUSES[(s + p) % len(STATUSES)]
            rows.append(
                f'burgertop-{s};{p};;{status};"De raad besloot; zie het besluit, café.";'
                f'12-03-2026;RB 2026-{p:03d};"2026-05-01 | 40 | Begonnen\n2026-09-01 | 80 | Bijna"'
            )
    return "\r\n".join(rows).encode("cp1252")




def measure(summits: int, proposals: int, loads: int) -> None:
    from django.test import Client

    from council import selectors, services
    from council.models import Answer, AnswerChange
    from samenspel.models import User

    griffie = User.objects.get(username="griffie")
    data = answers_file(summits, proposals)
    rows = summits * proposals
    began = time.perf_counter()
    check = services.answer_file_import(by=griffie, data=data)
    first = (time.perf_counter() - began) * 1000
    assert len(check.to_store) == rows and Answer.objects.count() == rows
    print(f"{'import, every answer new':34}: {first:8.1f} ms once ({rows} rows stored)")
    timed("preview of the file", max(3, loads // 4), lambda: services.answer_file_check(data=data))
    timed(
        "import again, nothing changed",
        max(3, loads // 4),
        lambda: services.answer_file_import(by=griffie, data=data),
    )
    assert AnswerChange.objects.count() == rows, "an unchanged file writes no history"
    timed("export for Excel", max(3, loads // 4), lambda: selectors.answers_csv(excel=True))

    member, clerk = Client(), Client()
    member.force_login(User.objects.get(username="raadslid"))
    clerk.force_login(griffie)
    pages = [
        ("reading room, all", member, "/raad/"),
        ("reading room, one status", member, "/raad/?status=implemented"),
        ("reading room, search", member, "/raad/?q=bomen+wijk"),
        ("public page of one summit", Client(), "/raad/burgertop/burgertop-0/"),
        ("trail of one proposal", member, "/raad/burgertop/burgertop-0/voorstellen/1/"),
        ("griffie's list", clerk, "/werkruimte/raad/"),
    ]
    for name, client, path in pages:

        def load(client: Client = client, path: str = path) -> None:
            assert client.get(path).status_code == 200

        timed(name, loads, load)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--summits", type=int, default=20)
    parser.add_argument("--proposals", type=int, default=50)
    parser.add_argument("--loads", type=int, default=20)
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args()
    stop_after(args.timeout)
    work = work_folder("council-answers-")
    postgres, port = start_postgres(work)
    try:
        django_on_postgres(port)
        build(args.summits, args.proposals)
        print(
            f"{args.summits} summits with {args.proposals} frozen proposals each, every one "
            "answered with two milestones (PostgreSQL)"
        )
        measure(args.summits, args.proposals, args.loads)
    finally:
        stop([postgres])


if __name__ == "__main__":
    main()
