"""How long building a summit through the workspace services takes: the G1000-day agenda,
hall and online tables in bulk, a host and (online) a video link per table, then opening it;
and one agenda change on the opened summit (what a click in the workspace costs).

    .venv/bin/python bench/summit_setup.py [--tables 100] [--online 3] [--repeat 5]

Runs on a throwaway SQLite database of its own (or DATABASE_URL when set, e.g. a throwaway
PostgreSQL), prints medians and the slowest of --repeat runs. Never run by the tests.
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
    parser.add_argument("--tables", type=int, default=100)
    parser.add_argument("--online", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-summit-setup-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "samenspel.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from deliberation import services
    from samenspel.models import Role, User
    from samenspel.services import role_grant

    call_command("migrate", verbosity=0)
    admin = User.objects.create(username="bench-beheer")
    role_grant(user=admin, role=str(Role.ADMINISTRATOR))
    hosts = [User.objects.create(username=f"bench-host-{n}") for n in range(args.tables)]
    for host in hosts:
        role_grant(user=host, role=str(Role.TABLE_HOST))
    print(f"database: {os.environ['DATABASE_URL'].split(':', 1)[0]}")
    print(f"summit: 8 steps, {args.tables - args.online} hall + {args.online} online tables")

    builds, edits, queries = [], [], []
    for run in range(args.repeat):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            now = timezone.now()
            summit = services.summit_create(by=admin, title=f"Bench {run}", now=now)
            tables = services.summit_tables_add(
                summit=summit,
                by=admin,
                hall=args.tables - args.online,
                online=args.online,
                capacity=10,
            )
            for table, host in zip(tables, hosts, strict=True):
                link = f"https://video.example.nl/{table.number}" if table.online else ""
                services.summit_table_update(
                    table=table, by=admin, capacity=10, video_url=link, host=host
                )
            services.summit_open(summit=summit, by=admin, now=now)
        builds.append(time.perf_counter() - started)
        queries.append(len(captured))
        step = summit.steps.get(position=2)
        started = time.perf_counter()
        services.summit_step_move(step=step, by=admin, up=False)
        edits.append(time.perf_counter() - started)
    print(
        f"build ({args.repeat} runs): median {statistics.median(builds):.2f} s, "
        f"slowest {max(builds):.2f} s, {statistics.median(queries):.0f} queries"
    )
    print(
        f"move one step of the open summit: median {statistics.median(edits) * 1e3:.1f} ms, "
        f"slowest {max(edits) * 1e3:.1f} ms"
    )


if __name__ == "__main__":
    main()
