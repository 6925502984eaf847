"""What the schedule and the late joining of an electorate add to reading a poll page.

`/stemmen/`, a poll's ballot page (GET) and the workspace call ``services.polls_due()`` and
``services.poll_electorate_join(user=...)`` before they read (docs/voting.md, "Who may
vote"). This script measures both when there is nothing to do, the common case, with a
demo-sized set of polls, and prints medians, p99 and queries per call. The ballot post
(a thousand voters at once) calls neither.

    DEBUG=1 DATABASE_URL=sqlite:////tmp/overhead.sqlite3 .venv/bin/python bench/poll_page_overhead.py

Bounded: a fixed number of calls (``--calls``, default 500) on a database it fills itself
(use a throwaway one: it adds polls and users).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samenspel.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from samenspel import services as core  # noqa: E402
from samenspel.models import Neighbourhood, Role, User  # noqa: E402
from voting import services  # noqa: E402
from voting.models import Method, Poll  # noqa: E402


def timed(calls: int, action) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        action()
    per_call = len(queries.captured_queries)
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1], per_call


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--polls", type=int, default=40)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    stamp = str(time.time_ns())[-8:]
    admin = User.objects.create(username=f"bench-admin-{stamp}")
    core.role_grant(user=admin, role=Role.ADMINISTRATOR)
    buurt = Neighbourhood.objects.filter(level=Neighbourhood.Level.BUURT).first()
    wijk = buurt.parent if buurt else None
    resident = User.objects.create(username=f"bench-resident-{stamp}", neighbourhood=buurt)
    core.role_grant(user=resident, role=Role.RESIDENT)
    options = [services.OptionSpec("A"), services.OptionSpec("B"), services.OptionSpec("C")]
    for index in range(args.polls):
        electorate = (
            Poll.Electorate.NEIGHBOURHOOD if index % 4 == 0 and wijk else Poll.Electorate.LIST
        )
        poll = services.poll_setup_create(
            by=admin,
            title=f"Peiling {index}",
            method=Method.APPROVAL,
            options=options,
            electorate=electorate,
            neighbourhood=wijk if electorate == Poll.Electorate.NEIGHBOURHOOD else None,
        )
        if index % 2 == 0:
            services.poll_open(poll=poll, by=admin)
    services.poll_electorate_join(user=resident)
    print(
        f"{connection.vendor}: {Poll.objects.count()} polls "
        f"({Poll.objects.filter(status=Poll.Status.OPEN).count()} open), {args.calls} calls each"
    )
    for name, action in (
        ("polls_due, nothing due", lambda: services.polls_due()),
        (
            "poll_electorate_join, already joined",
            lambda: services.poll_electorate_join(user=resident),
        ),
    ):
        median, p99, queries = timed(args.calls, action)
        print(f"  {name:<40} median {median:.2f} ms, p99 {p99:.2f} ms, {queries} queries")


if __name__ == "__main__":
    main()
