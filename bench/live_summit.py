"""Benchmark of the live summit channel: 1,100 (or more) WebSocket clients on one summit.

    .venv/bin/python bench/live_summit.py                      # embedded: SQLite, in-memory layer, 1 Daphne
    DATABASE_URL=postgres://postgres@127.0.0.1:55432/postgres REDIS_URL=redis://127.0.0.1:56379/2 \
        .venv/bin/python bench/live_summit.py --processes 2    # PostgreSQL + Redis, 2 Daphne
    .venv/bin/python bench/live_summit.py --production --processes 2 --screens 5000 --runs 5
                                                               # starts its own PostgreSQL and Redis

With ``--screens`` above 1,100 the extra screens are second devices of residents (their
tokens again). ``--runs`` repeats the whole run (fresh database and Daphne processes each
time) and prints every run and whether each met the floors.

Clients handle ``seq`` like the browser: a gap sends ``snapshot.request`` with the last
applied ``seq``; the run counts screens that saw a gap, requests, and the snapshots sent in
reply, and whether each screen applied every event in the end. The Daphne logs are read for
the hub's late-event lines (``came ... late``, ``missing after``, ``live push took``).

It seeds the full Diemen demo in a fresh database, starts Daphne, connects 1,000 residents
and 100 table hosts (API tokens), and measures:
- step changes: push latency from the facilitator's command to each client (p50/p99), and
  whether every client got every change;
- a burst of 1,000 ideas from the hosts in 5 s: acks, ack latency p99, ideas stored;
- server memory per connection (RSS growth of the Daphne processes / clients);
- the same step push through a minimal asyncio ``websockets`` broadcast server, as reference.
The clients run in this one process, so client CPU is part of every latency measured here.
To keep that share small they read event frames without decoding all of their JSON: the
``seq`` of every event and whether it is a step change are found by pattern (the server writes
``{"kind":..,"seq":..,"type":..`` in that order); acks and errors are decoded in full.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import websockets

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.multiprocess import production_env, start_daphne  # noqa: E402

SLUG = "burgertop-diemen-2026"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def prepare(work: Path) -> dict[str, str]:
    env = production_env()
    # Keep database connections open between commands, as a production setup does (README,
    # tuning); with 0 every database call of every socket opens a new connection.
    env.setdefault("DB_CONN_MAX_AGE", "60")
    base = os.environ.get("DATABASE_URL")
    if base:
        import psycopg

        name = f"bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(base.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = base.rsplit("/", 1)[0] + "/" + name
    else:
        env["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    run = dict(cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], **run)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "seed_demo",
            "--logins-file",
            str(work / "l.txt"),
            "--codes-file",
            str(work / "c.csv"),
        ],
        **run,
    )
    script = (
        "import json;from django.utils import timezone;from samenspel import services;"
        "from samenspel.models import User;from deliberation.models import Participant;"
        # Everyone has passed the desk before the bench starts (the demo leaves 10% out).
        "Participant.objects.filter(checked_in_at=None).update(checked_in_at=timezone.now());"
        "users=list(User.objects.filter(username__startswith='inwoner').order_by('username'));"
        "f=User.objects.get(username='gespreksleider');"
        "print(json.dumps({'hosts':[services.api_token_for(user=u) for u in users[:100]],"
        "'residents':[services.api_token_for(user=u) for u in users[100:]],"
        "'facilitator':services.api_token_for(user=f)}))"
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    env["BENCH_TOKENS"] = out.strip().splitlines()[-1]
    return env


def start_daphnes(
    env: dict[str, str], count: int, work: Path
) -> tuple[list[subprocess.Popen], list[int]]:
    ports = [free_port() for _ in range(count)]
    processes = []
    for index, port in enumerate(ports):
        processes.append(start_daphne(port, env, work / f"daphne-{index}.log"))
    for port in ports:
        wait_port(port)
    return processes, ports


def wait_port(port: int) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"nothing listens on {port}") from None
            time.sleep(0.1)


EVENT_SEQ = re.compile(r'"seq":(\d+),"type":"([a-z_.]+)"')


class Client:
    def __init__(self, ws: websockets.ClientConnection) -> None:
        self.ws = ws
        # seq handling as in the browser (frontend/src/live-core.js)
        self.applied: int | None = None
        self.repairing = False
        self.gaps = 0
        self.requests = 0
        self.snapshots = 0
        self.step_seen: dict[int, float] = {}  # seq -> arrival
        self.acks: dict[str, float] = {}
        self.events = 0
        self.frames = 0
        self.seqs: list[int] = []
        self.snapshot_at: float | None = None
        self.task: asyncio.Task[None] | None = None

    async def read(self) -> None:
        async for raw in self.ws:
            now = time.perf_counter()
            self.frames += 1
            if raw.startswith('{"kind":"batch"') or raw.startswith('{"kind":"event"'):
                for seq_text, type_ in EVENT_SEQ.findall(raw):
                    seq = int(seq_text)
                    self.events += 1
                    self.seqs.append(seq)
                    if type_ == "step.changed":
                        self.step_seen.setdefault(seq, now)
                    await self.apply(seq)
                continue
            frame = json.loads(raw)
            kind = frame.get("kind")
            if kind == "snapshot":
                self.snapshots += 1
                self.applied = frame["seq"]
                self.repairing = False
            if kind == "snapshot" and self.snapshot_at is None:
                self.snapshot_at = now
            if kind in ("ack", "error"):
                self.acks[frame["id"]] = now
            elif kind == "ref":
                self.step_seen[frame["n"]] = now

    async def apply(self, seq: int) -> None:
        if self.applied is None or seq <= self.applied:
            return
        if seq == self.applied + 1:
            self.applied = seq
            self.repairing = False
            return
        if not self.repairing:
            self.gaps += 1
            self.requests += 1
            self.repairing = True
            await self.ws.send(json.dumps({"kind": "snapshot.request", "seq": self.applied}))


async def connect_all(urls: list[str]) -> list[Client]:
    clients: list[Client] = []

    async def one(url: str) -> None:
        ws = await websockets.connect(url, max_size=None, open_timeout=60)
        client = Client(ws)
        client.task = asyncio.create_task(client.read())
        clients.append(client)

    for start in range(0, len(urls), 25):  # connect in waves, like people arriving
        await asyncio.gather(*(one(url) for url in urls[start : start + 25]))
    return clients


async def command(client: Client, type_: str, data: dict) -> tuple[str, float]:
    key = str(uuid.uuid4())
    sent = time.perf_counter()
    await client.ws.send(json.dumps({"kind": "command", "id": key, "type": type_, "data": data}))
    return key, sent


async def wait_for(predicate, timeout: float) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.02)
    return predicate()


async def bench_ours(ports: list[int], tokens: dict, pids: list[int], screens: int) -> dict:
    def url(i: int, token: str) -> str:
        return f"ws://127.0.0.1:{ports[i % len(ports)]}/ws/summits/{SLUG}/?token={token}"

    rss_before = sum(rss_kib(pid) for pid in pids)
    people = tokens["residents"] + tokens["hosts"]
    # Screens beyond one per person are residents' second devices; hosts stay last.
    extra = [
        tokens["residents"][i % len(tokens["residents"])] for i in range(screens - len(people))
    ]
    urls = [url(i, t) for i, t in enumerate(tokens["residents"] + extra + tokens["hosts"])]
    started = time.perf_counter()
    clients = await connect_all(urls)
    # Connected means: the screen has its snapshot (it shows the summit), not only the handshake.
    await wait_for(lambda: all(c.snapshot_at is not None for c in clients), 120)
    connect_seconds = time.perf_counter() - started
    control = (await connect_all([url(0, tokens["facilitator"])]))[0]
    await wait_for(lambda: control.snapshot_at is not None, 30)
    await wait_for(lambda: True, 1.0)
    rss_after = sum(rss_kib(pid) for pid in pids)
    hosts = clients[len(clients) - len(tokens["hosts"]) :]

    # Step changes: two advances (to the table round), then pause/start pairs.
    latencies: list[float] = []
    complete = 0
    plan = ["step.advance", "step.advance"] + ["step.pause", "step.start"] * 4
    for type_ in plan:
        last = max(control.step_seen, default=0)
        key, sent = await command(control, type_, {})
        await wait_for(lambda last=last: max(control.step_seen, default=0) > last, 10)
        seq = max(control.step_seen, default=0)
        await wait_for(lambda seq=seq: all(seq in c.step_seen for c in clients), 10)
        arrivals = [c.step_seen[seq] - sent for c in clients if seq in c.step_seen]
        complete += len(arrivals) == len(clients)
        latencies.extend(arrivals)
        await asyncio.sleep(0.3)

    # A burst of 1,000 ideas in 5 s: every host sends 10, spread evenly.
    sends: dict[str, float] = {}

    async def host_burst(index: int, host: Client) -> None:
        await asyncio.sleep(index * 0.05)
        for n in range(10):
            key, sent = await command(
                host, "idea.create", {"text": f"Idee {index}-{n} voor Diemen"}
            )
            sends[key] = sent
            await asyncio.sleep(0.5)

    print("idea burst starts", file=sys.stderr, flush=True)
    burst_started = time.perf_counter()
    await asyncio.gather(*(host_burst(i % 10, h) for i, h in enumerate(hosts)))
    await wait_for(
        lambda: (
            all(k in h.acks for h in hosts for k in sends if k in h.acks)
            and sum(len(h.acks) for h in hosts) >= len(sends)
        ),
        60,
    )
    ack_latencies = [h.acks[k] - sends[k] for h in hosts for k in list(h.acks) if k in sends]
    burst_seconds = time.perf_counter() - burst_started
    # Every client should see every event once the burst settles: a gapless seq stream.
    final = max(max(c.seqs, default=0) for c in clients)
    await wait_for(lambda: all(max(c.seqs, default=0) >= final for c in clients), 10)
    gapless = sum(
        sorted(set(c.seqs)) == list(range(min(c.seqs), max(c.seqs) + 1)) for c in clients if c.seqs
    )
    # Every event from the client's first one up to the last one the server sent.
    complete_streams = sum(
        set(range(min(c.seqs), final + 1)) <= set(c.seqs) for c in clients if c.seqs
    )
    await wait_for(lambda: all(c.applied is not None and c.applied >= final for c in clients), 30)
    repaired = sum(c.applied is not None and c.applied >= final for c in clients)
    frames_per_client = sum(c.frames for c in clients) / len(clients)
    events_per_client = sum(c.events for c in clients) / len(clients)
    for client in [*clients, control]:
        await client.ws.close()
    return {
        "clients": len(clients),
        "connect_seconds": round(connect_seconds, 2),
        "step_changes": len(plan),
        "step_changes_reaching_all": complete,
        "step_p50_ms": round(pct(latencies, 0.5) * 1000, 1),
        "step_p99_ms": round(pct(latencies, 0.99) * 1000, 1),
        "ideas_sent": len(sends),
        "ideas_acked": len(ack_latencies),
        "ack_p50_ms": round(pct(ack_latencies, 0.5) * 1000, 1),
        "ack_p99_ms": round(pct(ack_latencies, 0.99) * 1000, 1),
        "burst_seconds": round(burst_seconds, 2),
        "clients_with_gapless_seq": gapless,
        "clients_with_every_event": complete_streams,
        "clients_up_to_date": repaired,
        "clients_that_saw_a_gap": sum(c.gaps > 0 for c in clients),
        "snapshot_requests": sum(c.requests for c in clients),
        "snapshots_after_the_first": sum(max(0, c.snapshots - 1) for c in clients),
        "frames_per_client": round(frames_per_client, 1),
        "events_per_client": round(events_per_client, 1),
        "kib_per_connection": round((rss_after - rss_before) / len(clients), 1),
    }


def count_ideas(env: dict[str, str]) -> int:
    out = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from deliberation.models import Idea;print(Idea.objects.count())",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(out.strip().splitlines()[-1])


async def reference_server(port: int) -> None:
    """A minimal broadcast server: on 'go <n>' from any client, send a frame to everyone."""
    sockets: set = set()

    async def handler(ws) -> None:
        sockets.add(ws)
        try:
            async for message in ws:
                n = int(message.split()[1])
                frame = json.dumps({"kind": "ref", "n": n, "data": {"title": "x" * 150}})
                websockets.broadcast(sockets, frame)
        finally:
            sockets.discard(ws)

    async with websockets.serve(handler, "127.0.0.1", port, max_size=None):
        await asyncio.Future()


async def bench_reference(count: int) -> dict:
    port = free_port()
    process = subprocess.Popen([sys.executable, __file__, "--reference-server", str(port)])
    try:
        wait_port(port)
        clients = await connect_all([f"ws://127.0.0.1:{port}/"] * (count + 1))
        control, rest = clients[0], clients[1:]
        latencies: list[float] = []
        complete = 0
        for n in range(1, 11):
            sent = time.perf_counter()
            await control.ws.send(f"go {n}")
            await wait_for(lambda n=n: all(n in c.step_seen for c in rest), 10)
            arrivals = [c.step_seen[n] - sent for c in rest if n in c.step_seen]
            complete += len(arrivals) == len(rest)
            latencies.extend(arrivals)
            await asyncio.sleep(0.3)
        for client in clients:
            await client.ws.close()
        return {
            "step_changes_reaching_all": complete,
            "step_p50_ms": round(pct(latencies, 0.5) * 1000, 1),
            "step_p99_ms": round(pct(latencies, 0.99) * 1000, 1),
        }
    finally:
        process.terminate()
        process.wait(timeout=10)


HUB_LINES = {
    "late_events": re.compile(r"live seq \d+ of \S+ came ([0-9.]+) s late"),
    "events_sent_on_missing": re.compile(r"live seq \d+ of \S+ missing after"),
    "slow_pushes": re.compile(r"live push took ([0-9.]+) s from commit"),
}


def hub_log_counts(work: Path) -> dict:
    """What the Daphne logs say about late events and slow pushes (see samenspel/live/hub.py and broadcast.py)."""
    text = "".join(log.read_text() for log in sorted(work.glob("daphne-*.log")))
    counts: dict[str, object] = {name: len(rx.findall(text)) for name, rx in HUB_LINES.items()}
    late = [float(x) for x in HUB_LINES["late_events"].findall(text)]
    slow = [float(x) for x in HUB_LINES["slow_pushes"].findall(text)]
    counts["longest_late_s"] = max(late, default=0.0)
    counts["longest_push_s"] = max(slow, default=0.0)
    counts["tracebacks"] = text.count("Traceback")
    # The slowest pushes and the events sent on without a missing seq, as logged.
    lines = [line for line in text.splitlines() if "live push took" in line]
    lines.sort(key=lambda line: -float(HUB_LINES["slow_pushes"].findall(line)[0]))
    missing = [line for line in text.splitlines() if "missing after" in line]
    counts["samples"] = [line.split(" ", 2)[2] for line in lines[:3] + missing[:2]]
    return counts


def one_run(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = prepare(work)
        tokens = json.loads(env["BENCH_TOKENS"])
        processes, ports = start_daphnes(env, args.processes, work)
        try:
            ours = asyncio.run(bench_ours(ports, tokens, [p.pid for p in processes], args.screens))
        except Exception:
            for log in sorted(work.glob("daphne-*.log")):
                print(log.name, log.read_text()[-3000:], file=sys.stderr)
            raise
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()  # still writing a backlog of frames to closed sockets
                    process.wait()
        ours["ideas_stored"] = count_ideas(env)
        ours["hub_log"] = hub_log_counts(work)
        print(json.dumps(ours), file=sys.stderr, flush=True)
        reference = asyncio.run(bench_reference(ours["clients"]))
    stack = (
        "PostgreSQL + Redis" if os.environ.get("DATABASE_URL") else "embedded (SQLite, in-memory)"
    )
    ratio = round(ours["step_p99_ms"] / reference["step_p99_ms"], 2)
    return {
        "load_average": Path("/proc/loadavg").read_text().split()[:3],
        "stack": stack,
        "daphne_processes": args.processes,
        "ours": ours,
        "reference": reference,
        "p99_ratio_ours_to_reference": ratio,
        "floors_met": {
            "all_clients_every_step": ours["step_changes_reaching_all"] == ours["step_changes"],
            "every_screen_every_event": ours["clients_up_to_date"] == ours["clients"],
            "no_snapshot_to_repair": ours["snapshots_after_the_first"] == 0,
            "step_p99_within_1_5x_reference": ratio <= 1.5,
            "ack_p99_under_1s": ours["ack_p99_ms"] < 1000,
            "no_idea_lost_or_doubled": ours["ideas_stored"] == ours["ideas_sent"] == 1000,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--screens", type=int, default=1100, help="at least 1,100")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument(
        "--production",
        action="store_true",
        help="start a throwaway PostgreSQL and Redis on loopback and run on them",
    )
    parser.add_argument("--reference-server", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reference_server:
        asyncio.run(reference_server(args.reference_server))
        return
    services: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory() as tmp:
        try:
            if args.production:
                from bench.stack import start_postgres, start_redis, stop

                os.chmod(tmp, 0o755)  # PostgreSQL runs as the postgres user
                pg, pg_port = start_postgres(Path(tmp))
                services.append(pg)
                redis, redis_port = start_redis(Path(tmp))
                services.append(redis)
                os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{pg_port}/postgres"
                os.environ["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
            results = []
            for number in range(1, args.runs + 1):
                print(f"run {number} of {args.runs}", file=sys.stderr, flush=True)
                result = one_run(args)
                results.append(result)
                print(json.dumps(result, indent=2), flush=True)
        finally:
            if services:
                stop(services)
    if args.runs > 1:
        summary = {
            "runs": len(results),
            "runs_meeting_every_floor": sum(all(r["floors_met"].values()) for r in results),
            "step_p99_ms": [r["ours"]["step_p99_ms"] for r in results],
            "reference_p99_ms": [r["reference"]["step_p99_ms"] for r in results],
            "ack_p99_ms": [r["ours"]["ack_p99_ms"] for r in results],
            "screens_with_a_gap": [r["ours"]["clients_that_saw_a_gap"] for r in results],
            "snapshot_requests": [r["ours"]["snapshot_requests"] for r in results],
            "repair_snapshots": [r["ours"]["snapshots_after_the_first"] for r in results],
            "late_events": [r["ours"]["hub_log"]["late_events"] for r in results],
        }
        print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
