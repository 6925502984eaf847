"""How long inviting a summit's people takes: reading and importing a CSV of invitees, and
printing their letters with codes (PDF) or the mail-merge file.

    .venv/bin/python bench/invitees.py [--rows 5000] [--letters 100,1000] [--repeat 3]

Runs on a throwaway SQLite database of its own (or DATABASE_URL when set, e.g. a throwaway
PostgreSQL), prints medians of --repeat runs. Never run by the tests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--letters", default="100,1000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-invitees-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "samenspel.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from deliberation import letters
    from deliberation.models import Participant, Summit
    from deliberation.services import invitees
    from samenspel.models import Role, User
    from samenspel.services import role_grant

    call_command("migrate", verbosity=0)
    admin = User.objects.create(username="bench-beheer")
    role_grant(user=admin, role=str(Role.ADMINISTRATOR))
    rows = ["Naam;E-mail;Adres;Postcode;Woonplaats;Wijk"]
    for index in range(args.rows):
        rows.append(
            f"Inwoner{index} Achternaam;inwoner{index}@example.org;Kerkstraat {index};"
            f"1111 AB;Diemen;Centrum"
        )
    content = "\r\n".join(rows).encode("cp1252")
    print(f"file: {args.rows} rows, {len(content) / 1e6:.2f} MB, Windows-1252, semicolons")
    print(f"database: {os.environ['DATABASE_URL'].split(':', 1)[0]}")

    checks, imports = [], []
    for run in range(args.repeat):
        summit = Summit.objects.create(slug=f"bench-{run}", title=f"Bench {run}")
        started = time.perf_counter()
        check = invitees.invitees_check(summit=summit, content=content)
        checks.append(time.perf_counter() - started)
        started = time.perf_counter()
        result = invitees.invitees_import(
            summit=summit, by=admin, content=content, mapping=check.mapping
        )
        imports.append(time.perf_counter() - started)
        assert len(result.added) == args.rows, result
        if run < args.repeat - 1:  # a fresh set of people for the next run
            User.objects.filter(username__startswith="genodigde-").delete()
            Participant.objects.all().delete()
    print(
        f"preview (read, map, check {args.rows} rows): median {statistics.median(checks):.2f} s"
        f" ({statistics.median(checks) / args.rows * 1e3:.2f} ms/row)"
    )
    print(
        f"import ({args.rows} people, users + roles + participants): median "
        f"{statistics.median(imports):.2f} s ({statistics.median(imports) / args.rows * 1e3:.2f}"
        " ms/person)"
    )

    login = "https://samenspel.example/inloggen/code/"
    summit = Summit.objects.get(slug=f"bench-{args.repeat - 1}")
    for count in [int(n) for n in args.letters.split(",") if n]:
        issue_times, pdf_times, csv_times, sizes = [], [], [], []
        for _run in range(args.repeat):
            people = list(
                User.objects.filter(
                    pk__in=Participant.objects.filter(summit=summit).values("user")
                ).order_by("pk")[:count]
            )
            started = time.perf_counter()
            issued = invitees.core_services.invitation_codes_issue(
                users=people, now=timezone.now()
            )
            issue_times.append(time.perf_counter() - started)
            batch = invitees.LetterBatch(issued=issued, without_address=[])
            started = time.perf_counter()
            document = letters.letters_pdf(batch, summit, login)
            pdf_times.append(time.perf_counter() - started)
            sizes.append(len(document))
            started = time.perf_counter()
            letters.letters_csv(batch, login)
            csv_times.append(time.perf_counter() - started)
        pdf = statistics.median(pdf_times)
        print(
            f"{count} letters: codes {statistics.median(issue_times):.2f} s, PDF median "
            f"{pdf:.2f} s ({pdf / count * 1e3:.0f} ms/letter, {statistics.median(sizes) / 1e6:.2f}"
            f" MB), CSV {statistics.median(csv_times) * 1e3:.0f} ms"
        )


if __name__ == "__main__":
    main()
