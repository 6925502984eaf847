"""Fault: Redis is killed while 200 summit screens are open and ideas flow, and comes back.

    .venv/bin/python bench/faults/redis_restart.py [--screens 200] [--hosts 10] [--down 3]

Starts its own throwaway PostgreSQL, Redis and two Daphne processes on loopback, with
production settings (DEBUG off). It makes a summit in a running table round with
``--hosts`` tables, seats ``--screens`` residents at them and connects every resident's
screen over the live protocol, split over the two processes, plus each table host. The
hosts send an idea a second each. After ``--before`` seconds Redis is killed (SIGKILL, as
in a crash); it is started again on the same port ``--down`` seconds later; the hosts keep
sending for ``--after`` seconds more, then stop. The screens behave as the browser client
does (docs/live-protocol.md): they apply events in seq order, take every snapshot, and ask
for a snapshot when they see a gap.

It prints what was tried (ideas sent, acknowledged, refused, unanswered), what survived
(ideas stored; screens back in step, and how long after Redis came back: median, p99,
max; acknowledged ideas that reached every screen) and what was lost. A screen is back in
step once its seq reaches the summit's seq at the moment Redis answered again: it then
holds every idea committed before, the ones made while Redis was down included. At the
end each screen's idea count and seq must equal the database's, and its table's ideas the
ones stored. Everything it starts is stopped at the end; the run is bounded by
``--deadline`` seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import websockets

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.stack import start_postgres, start_redis, stop  # noqa: E402
from tests.multiprocess import free_port, production_env, wait_for_port  # noqa: E402

SLUG = "burgertop-redis"


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# ---------------------------------------------------------------------------------------
# Daphne (PostgreSQL and Redis come from bench/stack.py)
# ---------------------------------------------------------------------------------------


def start_daphne(port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)]
        + ["samenspel.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


# ---------------------------------------------------------------------------------------
# The summit (made in a child process with Django set up) and reads of the database
# ---------------------------------------------------------------------------------------


def prepare(screens: int, hosts: int) -> None:
    """Make the summit, its tables and people; print their API tokens as JSON."""
    import datetime

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samenspel.settings")
    django.setup()
    from django.utils import timezone

    from deliberation.models import Participant, Step, Summit, SummitTable
    from samenspel import services
    from samenspel.models import Role, User

    summit = Summit.objects.create(slug=SLUG, title="Burgertop Redis")
    step = Step.objects.create(
        summit=summit,
        position=1,
        kind=Step.Kind.TABLE_ROUND,
        title="Tafelronde",
        question="Wat maakt Diemen fijn?",
        duration_seconds=3600,
    )
    now = timezone.now()
    Summit.objects.filter(pk=summit.pk).update(
        current_step=step,
        step_state=Summit.StepState.RUNNING,
        step_deadline=now + datetime.timedelta(hours=1),
    )
    per_table = -(-screens // hosts)
    host_tokens, screen_tokens = [], []
    tables = []
    for number in range(1, hosts + 1):
        host = User.objects.create(username=f"gastheer{number:03d}", display_name=f"Host {number}")
        services.role_grant(user=host, role=Role.TABLE_HOST, scope=summit.scope)
        tables.append(
            SummitTable.objects.create(summit=summit, number=number, host=host, capacity=per_table)
        )
        host_tokens.append(services.api_token_for(user=host))
    for n in range(screens):
        user = User.objects.create(username=f"inwoner{n:04d}", display_name=f"Inwoner {n}")
        services.role_grant(user=user, role=Role.RESIDENT, scope=summit.scope)
        Participant.objects.create(
            summit=summit, user=user, checked_in_at=now, table=tables[n % hosts]
        )
        screen_tokens.append(services.api_token_for(user=user))
    print(json.dumps({"hosts": host_tokens, "screens": screen_tokens}))


def database_state(database_url: str) -> tuple[int, dict[int, int]]:
    """The summit's seq and its visible ideas (id -> table number)."""
    import psycopg

    with psycopg.connect(
        database_url.replace("postgres://", "postgresql://"), autocommit=True
    ) as c:
        seq = c.execute("select seq from deliberation_summit where slug = %s", [SLUG]).fetchone()
        rows = c.execute(
            "select i.id, t.number from deliberation_idea i"
            " join deliberation_summit s on s.id = i.summit_id"
            " left join deliberation_summittable t on t.id = i.table_id"
            " where s.slug = %s and i.status = 'visible'",
            [SLUG],
        ).fetchall()
    return int(seq[0]), {int(i): int(t or 0) for i, t in rows}


# ---------------------------------------------------------------------------------------
# Screens and hosts
# ---------------------------------------------------------------------------------------


class Screen:
    """A summit screen kept by the browser client's rules."""

    def __init__(self, ws: websockets.ClientConnection) -> None:
        self.ws = ws
        self.seq: int | None = None
        self.table: int | None = None
        self.count = 0
        self.known: set[int] = set()  # idea ids it got in an event or a snapshot list
        self.own: set[int] = set()  # its table's ideas, as listed
        self.snapshots = 0
        self.gaps = 0
        self.reached: dict[int, float] = {}  # seq -> when it first had it
        self.acks: dict[str, asyncio.Future[dict[str, Any]]] = {}

    async def read(self) -> None:
        async for raw in self.ws:
            frame = json.loads(raw)
            kind = frame.get("kind")
            if kind == "snapshot":
                self.snapshots += 1
                data = frame["data"]
                self.seq = frame["seq"]
                self.count = data["counts"]["ideas"]
                self.table = (data.get("me") or {}).get("table")
                self.own = {idea["id"] for idea in data["ideas"]}
                self.known |= self.own
                self.mark()
            elif kind in {"ack", "error"}:
                waiter = self.acks.pop(frame.get("id"), None)
                if waiter is not None and not waiter.done():
                    waiter.set_result(frame)
            for event in frame["events"] if kind == "batch" else [frame]:
                if event.get("kind") != "event" or self.seq is None or event["seq"] <= self.seq:
                    continue
                if event["seq"] > self.seq + 1:
                    self.gaps += 1
                    self.seq = None
                    await self.ws.send('{"kind":"snapshot.request"}')
                    continue
                self.seq = event["seq"]
                if event["type"] == "idea.created":
                    self.count += 1
                    self.known.add(event["data"]["id"])
                    if event["data"].get("table") == self.table:
                        self.own.add(event["data"]["id"])
                self.mark()

    def mark(self) -> None:
        if self.seq is not None and self.seq not in self.reached:
            self.reached[self.seq] = time.monotonic()

    def back_at(self, seq: int) -> float | None:
        """When this screen first held everything up to ``seq``."""
        times = [at for s, at in self.reached.items() if s >= seq]
        return min(times) if times else None

    async def command(self, type_: str, data: dict[str, Any], timeout: float) -> dict[str, Any]:
        key = str(uuid.uuid4())
        waiter = asyncio.get_running_loop().create_future()
        self.acks[key] = waiter
        await self.ws.send(json.dumps({"kind": "command", "id": key, "type": type_, "data": data}))
        try:
            return await asyncio.wait_for(waiter, timeout)
        finally:
            self.acks.pop(key, None)


async def connect(url: str) -> Screen:
    screen = Screen(await websockets.connect(url, max_size=None, open_timeout=30))
    screen.task = asyncio.get_running_loop().create_task(screen.read())  # type: ignore[attr-defined]
    return screen


async def run(args: argparse.Namespace, env: dict[str, str], ports: list[int], redis: dict) -> None:
    tokens = json.loads(env["BENCH_TOKENS"])

    def url(index: int, token: str) -> str:
        return f"ws://127.0.0.1:{ports[index % 2]}/ws/summits/{SLUG}/?token={token}"

    screens: list[Screen] = []
    for start in range(0, len(tokens["screens"]), 50):
        chunk = tokens["screens"][start : start + 50]
        screens += await asyncio.gather(
            *(connect(url(start + i, token)) for i, token in enumerate(chunk))
        )
    hosts = [await connect(url(i, token)) for i, token in enumerate(tokens["hosts"])]
    async with asyncio.timeout(30):
        while any(s.seq is None for s in [*screens, *hosts]):
            await asyncio.sleep(0.05)
    print(f"connected: {len(screens)} screens and {len(hosts)} table hosts on 2 processes")

    outcomes: Counter[str] = Counter()
    acked: dict[int, str] = {}  # idea id -> phase
    ack_times: dict[str, list[float]] = {}  # phase -> seconds from sending to the ack
    phase = "before"
    stop_sending = asyncio.Event()

    async def host_loop(index: int, host: Screen) -> None:
        n = 0
        await asyncio.sleep(index / len(hosts))  # spread the hosts over each second
        while not stop_sending.is_set():
            n += 1
            sent_in = phase
            sent_at = time.monotonic()
            try:
                frame = await host.command(
                    "idea.create", {"text": f"Tafel {index + 1}, idee {n}"}, timeout=20
                )
            except TimeoutError:
                outcomes["unanswered"] += 1
            else:
                if frame["kind"] == "ack":
                    outcomes["acknowledged"] += 1
                    acked[frame["result"]["idea"]] = sent_in
                    ack_times.setdefault(sent_in, []).append(time.monotonic() - sent_at)
                else:
                    outcomes[f"refused ({frame.get('code')})"] += 1
            outcomes["sent"] += 1
            await asyncio.sleep(1.0)

    senders = [asyncio.create_task(host_loop(i, h)) for i, h in enumerate(hosts)]
    await asyncio.sleep(args.before)
    seq_killed, _ = await asyncio.to_thread(database_state, env["DATABASE_URL"])
    redis["process"].kill()
    redis["process"].wait()
    phase = "down"
    killed_at = time.monotonic()
    print(f"killed Redis at seq {seq_killed}")
    await asyncio.sleep(args.down)
    redis["process"], _ = await asyncio.to_thread(start_redis, redis["work"], redis["port"])
    back_at = time.monotonic()
    redis["back_wall"] = time.time()
    seq_back, _ = await asyncio.to_thread(database_state, env["DATABASE_URL"])
    phase = "after"
    print(f"Redis back after {back_at - killed_at:.1f} s, at seq {seq_back}")
    await asyncio.sleep(args.after)
    stop_sending.set()
    await asyncio.gather(*senders)
    seq_end, ideas = await asyncio.to_thread(database_state, env["DATABASE_URL"])

    # Let the last batches arrive, then judge every screen against the database.
    try:
        async with asyncio.timeout(args.settle):
            while any(s.seq != seq_end for s in screens):
                await asyncio.sleep(0.1)
    except TimeoutError:
        pass  # counted below as screens not in step
    settled = [s for s in screens if s.seq == seq_end]

    recovery = [at - back_at for s in screens if (at := s.back_at(seq_back)) is not None]
    never = len(screens) - len(recovery)
    in_step_end = {
        id(s)
        for s in settled
        if s.count == len(ideas) and s.own == {i for i, table in ideas.items() if table == s.table}
    }
    stored = [idea for idea in acked if idea in ideas]
    reached_all = [
        idea for idea in stored if all(idea in s.known or id(s) in in_step_end for s in screens)
    ]
    by_phase = Counter(acked.values())
    print()
    print(
        f"tried: {outcomes['sent']} ideas sent by {len(hosts)} hosts, one a second each;"
        f" Redis down {args.down:.0f} s"
    )
    print(
        f"  acknowledged: {outcomes['acknowledged']} (before the kill {by_phase['before']},"
        f" while Redis was down {by_phase['down']}, after it came back {by_phase['after']})"
    )
    for name, times in ack_times.items():
        print(
            f"  ack time of ideas sent {name}: median {statistics.median(times) * 1000:.0f} ms,"
            f" p99 {pct(times, 0.99) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms"
        )
    others = {k: v for k, v in outcomes.items() if k not in {"sent", "acknowledged"}}
    print(f"  refused or unanswered: {sum(others.values())} {dict(others) if others else ''}")
    print(
        f"survived: {len(stored)} of {len(acked)} acknowledged ideas stored; summit seq {seq_end}"
    )
    if recovery:
        print(
            f"  screens back in step: {len(recovery)} of {len(screens)};"
            f" seconds after Redis answered: median {statistics.median(recovery):.2f},"
            f" p99 {pct(recovery, 0.99):.2f}, max {max(recovery):.2f}"
        )
    else:
        print(f"  screens back in step: 0 of {len(screens)}")
    print(
        f"  screens equal to the database at the end (seq, idea count, their table's ideas):"
        f" {len(in_step_end)} of {len(screens)}"
    )
    print(f"  acknowledged ideas that reached every screen: {len(reached_all)} of {len(acked)}")
    snapshots = sum(s.snapshots for s in screens)
    gaps = sum(s.gaps for s in screens)
    print(f"  snapshots taken by the screens: {snapshots} (gaps seen and asked for: {gaps})")
    print(
        f"lost: {len(acked) - len(stored)} acknowledged ideas not stored;"
        f" {len(acked) - len(reached_all)} acknowledged ideas missing on some screen;"
        f" {never} screens never back in step"
    )
    for s in [*screens, *hosts]:
        await s.ws.close()


def report_hub_log(work: Path, back_wall: float | None) -> None:
    """What each server's hub logged about Redis, timed from Redis answering again."""
    import datetime
    import zoneinfo

    # The servers log in the project's TIME_ZONE (Django sets it for the process).
    zone = zoneinfo.ZoneInfo("Europe/Amsterdam")
    if back_wall is not None:
        print("what the servers' hubs logged (seconds after Redis answered again):")
    for log in sorted(work.glob("daphne-*.log")):
        for line in log.read_text(errors="replace").splitlines():
            if "samenspel.live" not in line or back_wall is None:
                continue
            local = datetime.datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")
            stamp = local.replace(tzinfo=zone).timestamp()
            print(f"  {log.stem} {stamp - back_wall:+.2f} s: {line[24:].strip()[:150]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--screens", type=int, default=200)
    parser.add_argument("--hosts", type=int, default=10)
    parser.add_argument("--before", type=float, default=5.0)
    parser.add_argument("--down", type=float, default=3.0)
    parser.add_argument("--after", type=float, default=10.0)
    parser.add_argument("--settle", type=float, default=20.0)
    parser.add_argument("--deadline", type=float, default=110.0)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.screens, args.hosts)
        return
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="redis-restart-"))
    work.chmod(0o755)
    servers: list[subprocess.Popen[bytes]] = []
    redis: dict[str, Any] = {"work": work, "port": free_port()}
    try:
        pg, pg_port = start_postgres(work)
        servers.append(pg)
        redis["process"], _ = start_redis(work, redis["port"])
        env = production_env(
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{pg_port}/postgres",
            REDIS_URL=f"redis://127.0.0.1:{redis['port']}/0",
            DB_CONN_MAX_AGE="60",
            # The hosts send an idea a second; the per-person limit is not what is measured.
            LIVE_COMMAND_RATE="100",
            LIVE_COMMAND_BURST="100",
        )
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        made = subprocess.run(
            [
                sys.executable,
                __file__,
                "--prepare",
                "--screens",
                str(args.screens),
                "--hosts",
                str(args.hosts),
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        env["BENCH_TOKENS"] = made.stdout.strip().splitlines()[-1]
        ports = [free_port(), free_port()]
        for index, port in enumerate(ports):
            servers.append(start_daphne(port, env, work / f"daphne-{index}.log"))
        for process, port in zip(servers[1:], ports, strict=True):
            wait_for_port(process, port, 60)
        left = args.deadline - (time.monotonic() - started)

        async def bounded() -> None:
            async with asyncio.timeout(left):
                await run(args, env, ports, redis)

        asyncio.run(bounded())
    finally:
        report_hub_log(work, redis.get("back_wall"))
        if redis.get("process") is not None:
            servers.append(redis["process"])
        stop(list(reversed(servers)))
        shutil.rmtree(work, ignore_errors=True)
    print(f"(whole run {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
