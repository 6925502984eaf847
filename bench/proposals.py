"""What theme proposals cost: a summit with N theme tables, each host saving its proposal S
times (growing to the 1,500-character limit) through the service, on a throwaway SQLite
database (the embedded stack) or on DATABASE_URL when set; prints the median and p99
server time of a save, the size of one ``proposal.saved`` frame in full and in brief, the
bytes one save sends to a hall of N tables with P phones each plus the staff screens, and
the size of a snapshot per view once every table has a full proposal. Run from the
checkout:

    .venv/bin/python bench/proposals.py [--tables 100] [--saves 10] [--phones 11]

Bounded: at most --tables x --saves saves, and the run stops after --timeout seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STAFF_SCREENS = 20  # facilitators, the theme team, the hall screen, the desk


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=100)
    parser.add_argument("--saves", type=int, default=10)
    parser.add_argument("--phones", type=int, default=11, help="screens per table")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="bench-proposals-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(work) / 'bench.sqlite3'}")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samenspel.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from deliberation import events, rules, selectors, services
    from deliberation.models import Step, Summit, SummitTable, Theme
    from samenspel.live.frames import dumps
    from samenspel.models import Role, RoleGrant, User

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    summit = Summit.objects.create(slug="bench-voorstellen", title="Bench")
    step = Step.objects.create(summit=summit, position=1, kind=Step.Kind.PROPOSALS, title="V")
    Summit.objects.filter(pk=summit.pk).update(current_step=step, step_state="running")
    summit.refresh_from_db()
    themes = [Theme.objects.create(summit=summit, name=f"Thema {n}") for n in range(8)]
    hosts = User.objects.bulk_create(
        User(username=f"gastheer{n}", display_name=f"Gastheer {n}") for n in range(args.tables)
    )
    RoleGrant.objects.bulk_create(
        RoleGrant(user=host, role=Role.TABLE_HOST, scope=summit.scope) for host in hosts
    )
    SummitTable.objects.bulk_create(
        SummitTable(summit=summit, number=n + 1, host=host, theme=themes[n % len(themes)])
        for n, host in enumerate(hosts)
    )
    sentence = "Diemen plant in elke straat een boom erbij en bewoners kiezen samen de plek. "
    timings: list[float] = []
    versions = {host.pk: 0 for host in hosts}
    for round_ in range(args.saves):
        length = 1500 * (round_ + 1) // args.saves
        text = (sentence * 30)[:length].strip() or "Begin"
        for host in hosts:
            if time.monotonic() - started > args.timeout:
                sys.exit(f"stopped after {args.timeout} s")
            begin = time.perf_counter()
            result = services.proposal_save(
                summit=summit,
                by=host,
                title=f"Voorstel van {host.display_name}",
                text=text,
                version=versions[host.pk],
                now=timezone.now(),
            )
            timings.append((time.perf_counter() - begin) * 1000)
            versions[host.pk] = result["version"]
    summit.refresh_from_db()
    [data] = [p for p in selectors.proposals_data(summit) if p["tables"] == [1]]
    full = len(dumps(events.proposal_saved(summit.seq, data)).encode())
    brief_data = events.proposal_brief(data)
    brief = len(
        dumps(events._event(summit.seq, "proposal.saved", brief_data)).encode()  # noqa: SLF001
    )
    own = args.phones * full
    others = (args.tables - 1) * args.phones * brief
    staff = STAFF_SCREENS * full
    everyone_full = (args.tables * args.phones + STAFF_SCREENS) * full
    now = timezone.now()
    sizes = {}
    for name, user in [("staff", User.objects.create(username="regie", is_superuser=True))]:
        roles = rules.summit_roles(user, summit)
        sizes[name] = len(
            selectors.live_snapshot(summit, user=user, roles=roles, now=now, cached=False).text
        )
    host = hosts[0]
    roles = rules.summit_roles(host, summit)
    sizes["table"] = len(
        selectors.live_snapshot(summit, user=host, roles=roles, now=now, cached=False).text
    )
    print(
        json.dumps(
            {
                "stack": "PostgreSQL" if "postgres" in os.environ["DATABASE_URL"] else "SQLite",
                "tables": args.tables,
                "saves": len(timings),
                "save_ms_median": round(statistics.median(timings), 2),
                "save_ms_p99": round(p99(timings), 2),
                "frame_bytes_full_1500_chars": full,
                "frame_bytes_brief": brief,
                "bytes_per_save_to_the_hall": own + others + staff,
                "bytes_per_save_if_all_full": everyone_full,
                "snapshot_bytes_staff_view": sizes["staff"],
                "snapshot_bytes_table_view": sizes["table"],
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
