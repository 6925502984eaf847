"""Fault: a thousand voters press "Stem uitbrengen" at the same moment.

    .venv/bin/python bench/faults/ballot_burst.py [--voters 1000] [--processes 2]
        [--max-connections 100] [--env DB_POOL_MAX_SIZE=0 ...] [--no-reference]

Starts its own throwaway PostgreSQL (``max_connections`` as given, as a small managed
database has), Redis and Daphne processes on loopback, with production settings (DEBUG
off) plus one reference page (reference_settings.py, reference_urls.py). It makes an open
approval poll with ``--voters`` eligible residents, logs each of them in (a session made
through Django's session store, as the login page makes it), then runs two bursts on the
same servers with the same client: first every voter posts the form at once to the
reference page (the session, login and CSRF work of a ballot post and one query), then
every voter posts the ballot form at once, the voters split over the Daphne ports, no
proxy in front. For each it prints what was tried, what was accepted, the errors by kind,
latency p50/p99 and the server CPU per request; then the ratio of the two, the queries of
one ballot post and one reference post, the ballots counted at closing and the PostgreSQL
connections at their peak and after. ``--env NAME=VALUE`` passes a setting to the servers
(e.g. ``DB_POOL_MAX_SIZE=0`` for a connection per request thread, as before the pool).
Everything it starts is stopped at the end; the whole run is bounded by ``--deadline``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.stack import (  # noqa: E402
    FAST,
    create_database,
    start_postgres,
    start_redis,
    stop,
    stop_after,
    work_folder,
)
from tests.multiprocess import free_port, production_env, wait_for_port  # noqa: E402

CONTEXT = "summit:stemburst/step:1"


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# ---------------------------------------------------------------------------------------
# Daphne (PostgreSQL and Redis come from bench/stack.py)
# ---------------------------------------------------------------------------------------


def start_daphne(
    port: int, env: dict[str, str], log: Path, backlog: int
) -> subprocess.Popen[bytes]:
    """Daphne as docker-compose.yml runs it: an endpoint with a listen backlog (Daphne's
    -b/-p give Twisted's default of 50, and a burst overflows it: connections reset)."""
    return subprocess.Popen(
        [sys.executable, "-m", "daphne", "-e"]
        + [f"tcp:port={port}:interface=127.0.0.1:backlog={backlog}", "samenspel.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


# ---------------------------------------------------------------------------------------
# The poll and the logged-in voters (run in a child process with Django set up)
# ---------------------------------------------------------------------------------------


def prepare(voters: int) -> None:
    """Make the poll and one session per voter; print them as JSON (the last line)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samenspel.settings")
    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from samenspel.models import User
    from voting import services

    manager = User.objects.create(username="stemleider", display_name="Stemleider")
    User.objects.bulk_create(
        User(username=f"kiezer{n:04d}", display_name=f"Kiezer {n}", password="!")
        for n in range(voters)
    )
    residents = list(User.objects.filter(username__startswith="kiezer").order_by("username"))
    poll = services.poll_create(
        title="Wat komt er op het plein?",
        method="approval",
        context=CONTEXT,
        eligible=residents,
        by=manager,
        options=[services.OptionSpec(t) for t in ("Bomen", "Bankjes", "Fonteinen")],
    )
    services.poll_open(poll=poll, by=manager)
    sessions = []
    for user in residents:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    print(json.dumps({"poll": poll.pk, "sessions": sessions}))


# ---------------------------------------------------------------------------------------
# Watching PostgreSQL's connections
# ---------------------------------------------------------------------------------------


class ConnectionWatch(threading.Thread):
    """Counts the client connections to the project's database every 20 ms."""

    def __init__(self, dsn: str, database: str) -> None:
        super().__init__(daemon=True)
        self.dsn, self.database = dsn, database
        self.peak = 0
        self.running = True

    def count(self) -> int:
        import psycopg

        with psycopg.connect(self.dsn, autocommit=True) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [self.database]
            ).fetchone()
        return int(row[0]) if row else 0

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.dsn, autocommit=True) as conn:
            while self.running:
                row = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [self.database]
                ).fetchone()
                self.peak = max(self.peak, int(row[0]) if row else 0)
                time.sleep(0.02)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process and its waited-for children have used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds(postmaster: int) -> float:
    """CPU time of the postmaster and its live backends."""
    total = cpu_seconds(postmaster)
    for child in Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split():
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            total += cpu_seconds(int(child))
    return total


def listen_overflows() -> int:
    """Connections the kernel dropped because a listening socket's accept queue was full
    (machine-wide: other programs' bursts count too)."""
    lines = Path("/proc/net/netstat").read_text().splitlines()
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names.startswith("TcpExt:"):
            table = dict(zip(names.split()[1:], values.split()[1:], strict=True))
            return int(table.get("ListenOverflows", 0))
    return 0


# ---------------------------------------------------------------------------------------
# The burst
# ---------------------------------------------------------------------------------------


async def post_form(
    port: int, path: str, body: bytes, cookie: str, timeout: float
) -> tuple[int, str]:
    """One HTTP/1.1 POST on a connection of its own, read to the end as a browser does; the
    status and the Location header. Written on bare asyncio streams so that the client, which
    shares the machine's cores with the servers, spends a fraction of a millisecond per post
    (an HTTP library costs a few: that CPU would be missing from the servers)."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
    try:
        writer.write(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n".encode()
            + body
        )
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
        await asyncio.wait_for(reader.read(), timeout)  # the body, up to the server's close
    finally:
        writer.close()
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    location = next(
        (line.split(":", 1)[1].strip() for line in lines if line.lower().startswith("location:")),
        "",
    )
    return status, location


async def burst(
    ports: list[int], poll: int, sessions: list[str], timeout: float, path: str
) -> tuple[Counter[str], list[float]]:
    """Every voter posts the ballot form to ``path`` at once; the outcomes by kind and the
    accepted latencies (an accepted post is redirected to the ballot page)."""
    from urllib.parse import urlencode

    outcomes: Counter[str] = Counter()
    latencies: list[float] = []
    go = asyncio.Event()

    async def vote(index: int, session: str) -> None:
        port = ports[index % len(ports)]
        csrf = secrets.token_hex(16)  # 32 characters: an unmasked token the form accepts
        form = {
            "csrfmiddlewaretoken": csrf,
            "option": random.sample(["1", "2", "3"], random.randint(1, 3)),
            "revision": "0",
        }
        body = urlencode(form, doseq=True).encode()
        cookie = f"sessionid={session}; csrftoken={csrf}"
        await go.wait()
        started = time.perf_counter()
        try:
            status, location = await post_form(port, path, body, cookie, timeout)
        except (TimeoutError, OSError, asyncio.IncompleteReadError) as error:
            outcomes[f"{type(error).__name__} {str(error)[:60]}".strip()] += 1
            return
        if status == 302 and location.endswith(f"/stemmen/{poll}/"):
            outcomes["accepted (302 to the ballot page)"] += 1
            latencies.append(time.perf_counter() - started)
        else:
            outcomes[f"HTTP {status}"] += 1

    tasks = [asyncio.create_task(vote(index, session)) for index, session in enumerate(sessions)]
    await asyncio.sleep(0.5)  # every task is waiting at the gate
    go.set()
    await asyncio.wait_for(asyncio.gather(*tasks), timeout + 30)
    return outcomes, latencies


def queries_per_request() -> dict[str, int]:
    """The database queries of one ballot post and of one reference post, counted with
    Django's test client for a voter of a poll of its own (the burst's poll is untouched)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from samenspel.models import User
    from voting import services

    manager = User.objects.get(username="stemleider")
    voter = User.objects.create(username="telkiezer", display_name="Telkiezer", password="!")
    poll = services.poll_create(
        title="Tellen",
        method="approval",
        context=CONTEXT,
        eligible=[voter],
        by=manager,
        options=[services.OptionSpec(t) for t in ("Bomen", "Bankjes", "Fonteinen")],
    )
    services.poll_open(poll=poll, by=manager)
    client = Client(enforce_csrf_checks=True, SERVER_NAME="127.0.0.1")
    client.force_login(voter)
    csrf = secrets.token_hex(16)
    client.cookies["csrftoken"] = csrf
    form = {"csrfmiddlewaretoken": csrf, "option": ["1", "3"], "revision": "0"}
    counted = {}

    def post(name: str, path: str) -> None:
        with CaptureQueriesContext(connection) as queries:
            response = client.post(path, form)
        if response.status_code != 302:
            raise SystemExit(f"{name} post answered {response.status_code}")
        counted[name] = len(queries)
        connection.close()

    async def as_in_daphne() -> None:
        # Daphne runs a request in a worker thread of its event loop: the turnout push is
        # then made on that loop, a few times a second, not in the request.
        from asgiref.sync import sync_to_async

        await sync_to_async(post)("reference", f"/bench/referentie/{poll.pk}/")
        await sync_to_async(post)("ballot", f"/stemmen/{poll.pk}/")
        await asyncio.sleep(1)

    asyncio.run(as_in_daphne())
    return counted


def close_and_count(poll: int) -> None:
    """Close the poll as its facilitator does; print the ballots counted, the voters
    marked as voted and the queries per request (JSON, the last line)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samenspel.settings")
    django.setup()
    from samenspel.models import User
    from voting import services
    from voting.models import Ballot, Eligibility, Poll

    queries = queries_per_request()
    services.poll_close(poll=Poll.objects.get(pk=poll), by=User.objects.get(username="stemleider"))
    ballots = Ballot.objects.filter(poll=poll).count()
    marked = Eligibility.objects.filter(poll=poll, has_voted=True).count()
    print(json.dumps({"ballots": ballots, "marked": marked, "queries": queries}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--voters", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--max-connections", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=60, help="per request, seconds")
    parser.add_argument("--settle", type=float, default=10, help="seconds before 'final'")
    parser.add_argument(
        "--backlog", type=int, default=1024, help="Daphne's listen backlog (its own default: 50)"
    )
    parser.add_argument("--deadline", type=int, default=600, help="whole run, seconds")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for servers")
    parser.add_argument("--logs", type=Path, help="copy the servers' logs into this folder")
    parser.add_argument(
        "--no-reference", action="store_true", help="skip the reference burst before the ballots"
    )
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--close", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare is not None:
        prepare(args.prepare)
        return
    if args.close is not None:
        close_and_count(args.close)
        return

    stop_after(args.deadline)
    work = work_folder("ballot-burst-")
    started: list[subprocess.Popen[bytes]] = []
    daphnes: list[subprocess.Popen[bytes]] = []
    try:
        postgres, pg_port = start_postgres(work, [*FAST, f"max_connections={args.max_connections}"])
        started.append(postgres)
        redis, redis_port = start_redis(work)
        started.append(redis)
        create_database(pg_port, "samenspel")
        env = production_env(
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{pg_port}/samenspel",
            REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
        )
        # The product's settings and routes plus the reference page (reference_urls.py).
        env["DJANGO_SETTINGS_MODULE"] = "bench.faults.reference_settings"
        for item in args.env:
            name, _sep, value = item.partition("=")
            env[name] = value
        quiet = dict(cwd=ROOT, env=env, check=True)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], stdout=subprocess.DEVNULL, **quiet
        )
        # Production pages name their static files from collectstatic's manifest, as the
        # Dockerfile builds it; a refused ballot's page needs it.
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            stdout=subprocess.DEVNULL,
            **quiet,
        )
        prepared = subprocess.run(
            [sys.executable, __file__, "--prepare", str(args.voters)],
            capture_output=True,
            text=True,
            **quiet,
        )
        setup = json.loads(prepared.stdout.strip().splitlines()[-1])
        ports = [free_port() for _ in range(args.processes)]
        for index, port in enumerate(ports):
            daphnes.append(start_daphne(port, env, work / f"daphne-{index}.log", args.backlog))
        for process, port in zip(daphnes, ports, strict=True):
            wait_for_port(process, port, 60)

        settings = {k: v for k, v in env.items() if k.startswith(("DB_", "ASGI_"))}
        print(
            f"tried: {args.voters} ballots at once, {args.processes} Daphne processes "
            f"(no proxy, listen backlog {args.backlog}), "
            f"PostgreSQL max_connections={args.max_connections}, "
            f"server settings {settings or 'defaults'}; load average before: "
            f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}"
        )
        watch = ConnectionWatch(f"postgresql://postgres@127.0.0.1:{pg_port}/postgres", "samenspel")
        before = watch.count()
        watch.start()

        def measured(path: str) -> dict[str, Any]:
            """One burst of every voter at once to ``path``, with the server CPU it took."""
            cpu_before = [cpu_seconds(p.pid) for p in daphnes], postgres_cpu_seconds(postgres.pid)
            client_before = time.process_time()
            overflows = listen_overflows()
            began = time.perf_counter()
            outcomes, latencies = asyncio.run(
                burst(ports, setup["poll"], setup["sessions"], args.timeout, path)
            )
            return {
                "took": time.perf_counter() - began,
                "client_cpu": time.process_time() - client_before,
                "overflows": listen_overflows() - overflows,
                "daphne_cpu": sum(cpu_seconds(p.pid) for p in daphnes) - sum(cpu_before[0]),
                # Backends that ended during the burst are not counted: a lower bound.
                "postgres_cpu": postgres_cpu_seconds(postgres.pid) - cpu_before[1],
                "outcomes": outcomes,
                "latencies": latencies,
                "accepted": sum(n for kind, n in outcomes.items() if kind.startswith("accepted")),
            }

        def report(name: str, run: dict[str, Any]) -> None:
            latencies = run["latencies"]
            print(
                f"{name}: burst took {run['took']:.1f} s; accepted {run['accepted']} of "
                f"{args.voters}; server CPU per request: Daphne "
                f"{run['daphne_cpu'] / args.voters * 1000:.1f} ms, PostgreSQL (at least) "
                f"{run['postgres_cpu'] / args.voters * 1000:.1f} ms; the client "
                f"{run['client_cpu'] / args.voters * 1000:.2f} ms"
            )
            print(
                f"  latency of accepted posts: p50 {pct(latencies, 0.5) * 1000:.0f} ms, "
                f"p99 {pct(latencies, 0.99) * 1000:.0f} ms, "
                f"max {max(latencies or [0]) * 1000:.0f} ms"
            )
            print(
                f"  connections dropped at a full accept queue (whole machine): {run['overflows']}"
            )
            for kind, n in sorted(run["outcomes"].items(), key=lambda item: -item[1]):
                if not kind.startswith("accepted"):
                    print(f"  error: {n} x {kind}")

        reference = None
        if not args.no_reference:
            # The same voters, client and server processes, on a page that does the session,
            # login and CSRF work of a ballot post and one query (reference_urls.py).
            reference = measured(f"/bench/referentie/{setup['poll']}/")
            report("reference (session, login, CSRF, one query)", reference)
            time.sleep(2)
        ballot = measured(f"/stemmen/{setup['poll']}/")
        report("ballots", ballot)
        if reference is not None:
            latencies, floor = ballot["latencies"], reference["latencies"]
            print(
                "ballots / reference: p50 "
                f"{pct(latencies, 0.5) / pct(floor, 0.5):.2f}, p99 "
                f"{pct(latencies, 0.99) / pct(floor, 0.99):.2f}, Daphne CPU "
                f"{ballot['daphne_cpu'] / max(reference['daphne_cpu'], 1e-9):.2f}"
            )
        peak = watch.peak
        watch.running = False
        time.sleep(args.settle)
        final = watch.count()
        closed = subprocess.run(
            [sys.executable, __file__, "--close", str(setup["poll"])],
            capture_output=True,
            text=True,
            **quiet,
        )
        tally = json.loads(closed.stdout.strip().splitlines()[-1])
        ballots, marked = tally["ballots"], tally["marked"]
        accepted = ballot["accepted"]
        print(
            f"queries per request (one more voter, Django's test client, as in Daphne): ballot "
            f"{tally['queries']['ballot']}, reference {tally['queries']['reference']}"
        )
        print(
            f"counted at closing: {ballots} ballots, {marked} voters marked as voted "
            f"({args.voters - marked} did not get to vote)"
        )
        print(
            f"PostgreSQL connections to the database: {before} before, peak {peak} during, "
            f"{final} {args.settle:.0f} s after the bursts; load average after: "
            f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}"
        )
        lost = accepted - ballots
        print(
            "survived: every accepted ballot counted once"
            if lost == 0 and ballots == marked
            else f"lost or doubled: accepted {accepted}, ballots {ballots}, marked {marked}"
        )
        logs = "".join(
            (work / f"daphne-{index}.log").read_text(errors="replace")
            for index in range(len(daphnes))
        ).splitlines()
        causes = {
            "requests that raised inside the server (HTTP 500)": "Exception inside application",
            "of them: PostgreSQL refused a connection": "django.db.utils.OperationalError: "
            "connection failed",
            "of them: no pooled connection within DB_POOL_TIMEOUT": "PoolTimeout:",
        }
        for label, pattern in causes.items():
            found = sum(pattern in line for line in logs)
            if found:
                print(f"  server logs: {found} {label}")
    finally:
        if args.logs:
            args.logs.mkdir(parents=True, exist_ok=True)
            for log in work.glob("*.log"):
                shutil.copy(log, args.logs / log.name)
        stop(daphnes)
        stop(list(reversed(started)))
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
