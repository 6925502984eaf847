"""Benchmark of the live summit channel: 1,100 (or more) WebSocket clients on one summit.

    .venv/bin/python bench/live_summit.py                      # embedded: SQLite, in-memory layer, 1 Daphne
    DATABASE_URL=postgres://postgres@127.0.0.1:55432/postgres REDIS_URL=redis://127.0.0.1:56379/2 \
        .venv/bin/python bench/live_summit.py --processes 2    # PostgreSQL + Redis, 2 Daphne
    .venv/bin/python bench/live_summit.py --production --processes 2 --screens 5000 --runs 5
                                                               # starts its own PostgreSQL and Redis
    .venv/bin/python bench/live_summit.py --vote                # and the summit's vote (#13) after it

With ``--screens`` above 1,100 the extra screens are second devices of residents (their
tokens again); below 1,100 fewer residents connect (all 100 hosts still do), for a quick try:
the floors are for 1,100. ``--runs`` repeats the whole run (fresh database and Daphne processes each
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

``--vote`` (off by default; the rest runs as before) adds the summit's vote after the idea
burst, all over the live channel with every screen connected: the facilitator moves the
agenda on to the proposals step, the theme team makes ``--proposals`` themes (10) and spreads
them over the tables, that many hosts each write a proposal, and the facilitator's
``step.advance`` enters the vote step, which opens the poll (approval) for the 1,000 residents
checked in. It measures:
- ``step.advance`` to ``vote.opened`` on every screen (p50/p99);
- ``--voters`` residents (all connected ones) each casting one approval ballot, paced evenly
  over ``--vote-seconds`` (30, at most 60): acks (each exactly once, with a receipt),
  cast-to-ack p50/p99, and the database's count of sealed ballots before closing, and of
  ballots and ``Result.ballots_counted`` after closing, beside the acks;
- the hall screen's (``?hall=<token>``) turnout lag: the k-th ack (in arrival order) counts
  as shown once the hall has shown a ``voted`` of at least k (0 if it already had);
- ``vote.close``, then ``vote.reveal`` to ``vote.revealed`` on every screen (p50/p99), beside
  the reference server's push of a frame of the same size in the same run.
The clients run in this one process, so client CPU is part of every latency measured here.
To keep that share small they read event frames without decoding all of their JSON: the
``seq`` of every event and whether it is a step change are found by pattern (the server writes
``{"kind":..,"seq":..,"type":..`` in that order); acks and errors are decoded in full.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

import websockets

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from samenspel.collector import settle  # noqa: E402
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


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
        "t=User.objects.get(username='themateam');"
        "from deliberation.models import Summit;"
        f"hall=Summit.objects.get(slug='{SLUG}').hall_token;"
        "print(json.dumps({'hosts':[services.api_token_for(user=u) for u in users[:100]],"
        "'residents':[services.api_token_for(user=u) for u in users[100:]],"
        "'facilitator':services.api_token_for(user=f),"
        "'theme_team':services.api_token_for(user=t),'hall':hall}))"
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
        # Each process serves a page first, as it does for every browser before its socket
        # opens: Django loads its URL configuration there, not in the middle of a live command
        # (the vote's events name result pages; cold, that cost the first one about a second).
        with contextlib.suppress(urllib.error.HTTPError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60).read()
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
# The vote's events whose first arrival each screen notes (they happen once per vote).
VOTE_ONCE = ("vote.opened", "vote.closed", "vote.revealed")


class Client:
    def __init__(self, ws: websockets.ClientConnection, *, hall: bool = False) -> None:
        self.ws = ws
        # A hall screen decodes the vote's events in full, to read their turnout.
        self.hall = hall
        # seq handling as in the browser (frontend/src/live-core.js)
        self.applied: int | None = None
        self.repairing = False
        self.gaps = 0
        self.requests = 0
        self.snapshots = 0
        self.step_seen: dict[int, float] = {}  # seq -> arrival
        self.acks: dict[str, float] = {}
        self.answers: dict[str, dict] = {}  # command id -> its last ack or error frame
        self.answer_count: Counter[str] = Counter()
        self.vote_seen: dict[str, float] = {}  # vote event type -> first arrival
        self.frame_bytes: dict[str, int] = {}  # vote event type -> size of the frame it came in
        self.voted_shown: list[tuple[float, int]] = []  # hall: (arrival, voted) per vote event
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
                    elif type_ in VOTE_ONCE and type_ not in self.vote_seen:
                        self.vote_seen[type_] = now
                        self.frame_bytes[type_] = len(raw.encode())
                    await self.apply(seq)
                if self.hall and '"type":"vote.' in raw:
                    self.read_turnout(raw, now)
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
                self.answers[frame["id"]] = frame
                self.answer_count[frame["id"]] += 1
            elif kind == "ref":
                self.step_seen[frame["n"]] = now
            if kind == "snapshot" and self.hall and frame["data"].get("vote"):
                self.voted_shown.append((now, frame["data"]["vote"]["voted"]))

    def read_turnout(self, raw: str, now: float) -> None:
        frame = json.loads(raw)
        for event in frame["events"] if frame["kind"] == "batch" else [frame]:
            if event["type"].startswith("vote.") and "voted" in event["data"]:
                self.voted_shown.append((now, event["data"]["voted"]))

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


CONNECT_RETRIES = [0]  # handshakes tried again in this run (see ``connect_all``)


def settle_collector() -> None:
    """Keep this process's garbage collector out of the latencies it measures.

    With thousands of sockets open, a full collection in this process took about 0.46 s, and
    landed on whichever step push (ours or the reference's) it happened to meet. The servers
    tune their collector the same way (``samenspel/collector.py``)."""
    settle()


async def connect_all(urls: list[str], compression: str | None = "deflate") -> list[Client]:
    clients: list[Client] = []

    async def one(url: str) -> None:
        # Daphne drops a handshake its application has not accepted within 5 s; on a loaded
        # machine that happens, and the browser then connects again. So does this client,
        # at most twice more, and the run counts it.
        for attempt in range(3):
            try:
                ws = await websockets.connect(
                    url, max_size=None, open_timeout=60, compression=compression
                )
                break
            except websockets.exceptions.InvalidMessage:
                if attempt == 2:
                    raise
                CONNECT_RETRIES[0] += 1
                await asyncio.sleep(1)
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


async def call(client: Client, type_: str, data: dict, timeout: float = 60) -> tuple[dict, float]:
    """Send a command and wait for its answer; a ``rate_limited`` refusal is sent again after
    the wait the server names. Returns the ack and the seconds it took; refusals raise."""
    deadline = time.perf_counter() + timeout
    while True:
        key, sent = await command(client, type_, data)
        await wait_for(
            lambda key=key: key in client.answers, max(0.0, deadline - time.perf_counter())
        )
        answer = client.answers.get(key)
        if answer is None:
            raise RuntimeError(f"{type_}: no answer in {timeout} s")
        if answer["kind"] == "ack":
            return answer, client.acks[key] - sent
        if answer.get("code") != "rate_limited" or time.perf_counter() > deadline:
            raise RuntimeError(f"{type_} refused: {answer.get('code')}: {answer.get('message')}")
        await asyncio.sleep(float(answer.get("retry_after") or 0.5))


async def wait_for(predicate, timeout: float) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.02)
    return predicate()


async def bench_ours(
    ports: list[int],
    tokens: dict,
    pids: list[int],
    screens: int,
    vote: argparse.Namespace | None = None,
    env: dict[str, str] | None = None,
) -> dict:
    def url(i: int, token: str) -> str:
        return f"ws://127.0.0.1:{ports[i % len(ports)]}/ws/summits/{SLUG}/?token={token}"

    rss_before = sum(rss_kib(pid) for pid in pids)
    if screens < len(tokens["residents"]) + len(tokens["hosts"]):
        tokens = dict(
            tokens, residents=tokens["residents"][: max(1, screens - len(tokens["hosts"]))]
        )
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
    settle_collector()
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
    cpu_before = [cpu_seconds(pid) for pid in [*pids, os.getpid()]]
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
    # CPU the servers and this client spent from the burst's start until every ack was in:
    # less work per idea shows here whatever else the machine runs.
    cpu_burst = [
        after - before
        for after, before in zip(
            [cpu_seconds(pid) for pid in [*pids, os.getpid()]], cpu_before, strict=True
        )
    ]
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
    voting: dict | None = None
    if vote is not None and env is not None:
        residents = clients[: len(tokens["residents"])]
        voting = await bench_vote(clients, residents, hosts, control, tokens, vote, env, url)
    for client in [*clients, control]:
        await client.ws.close()
    found = {
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
        "burst_cpu_seconds_servers": round(sum(cpu_burst[:-1]), 2),
        "burst_cpu_seconds_client": round(cpu_burst[-1], 2),
        "connect_retries": CONNECT_RETRIES[0],
        "events_per_client": round(events_per_client, 1),
        "kib_per_connection": round((rss_after - rss_before) / len(clients), 1),
    }
    if voting is not None:
        found["vote"] = voting
    return found


def ms(values: list[float], q: float) -> float:
    return round(pct(values, q) * 1000, 1)


def database(env: dict[str, str], code: str) -> dict:
    """What ``code`` (run in ``manage.py shell``, the summit's vote as ``vote``) prints as
    JSON: the bench asks the database itself, not the screens."""
    script = (
        "import json;from deliberation.models import SummitVote;"
        "from voting.models import Ballot, Eligibility, PendingBallot, Result;"
        f"vote=SummitVote.objects.select_related('poll').get(summit__slug='{SLUG}');" + code
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


async def bench_vote(
    clients: list[Client],
    residents: list[Client],
    hosts: list[Client],
    control: Client,
    tokens: dict,
    args: argparse.Namespace,
    env: dict[str, str],
    url,
) -> dict:
    """The summit's vote with every screen connected (see the module's docstring)."""
    print("vote: preparing the proposals", file=sys.stderr, flush=True)
    curator = (await connect_all([url(1, tokens["theme_team"])]))[0]
    hall = (await connect_all([f"{url(0, 'x').split('?')[0]}?hall={tokens['hall']}"]))[0]
    hall.hall = True
    await wait_for(lambda: curator.snapshot_at is not None and hall.snapshot_at is not None, 30)
    for _ in range(2):  # the idea collection, then the theme team's clustering
        await call(control, "step.advance", {})
    themes = []
    for number in range(1, args.proposals + 1):
        made, _took = await call(curator, "theme.create", {"name": f"Thema {number}"})
        themes.append(made["result"]["theme"])
        await call(curator, "theme.feature", {"theme": themes[-1], "featured": True})
    await call(curator, "table.spread_themes", {})
    for _ in range(2):  # the choice of theme tables, then the proposals
        await call(control, "step.advance", {})
    # One host per theme writes (tables 1, 2, ... get the themes in turn).
    await asyncio.gather(
        *(
            call(
                host,
                "proposal.save",
                {
                    "title": f"Voorstel {index + 1}: {'meer groen' if index % 2 else 'veilig fietsen'}",
                    "text": "Wat onze tafel de gemeenteraad voorstelt, in een paar regels.\n\n"
                    + "- een eerste stap\n- wie het doet\n- wanneer het klaar is\n" * 3,
                    "version": 0,
                },
            )
            for index, host in enumerate(hosts[: args.proposals])
        )
    )
    await asyncio.sleep(1.0)  # let the saves' pushes settle

    # Into the vote step: the poll opens, every screen gets vote.opened.
    print("vote: opening", file=sys.stderr, flush=True)
    screens = clients
    sent = time.perf_counter()
    advance, advance_seconds = await call(control, "step.advance", {})
    await wait_for(lambda: all("vote.opened" in c.vote_seen for c in screens), 30)
    opened = [c.vote_seen["vote.opened"] - sent for c in screens if "vote.opened" in c.vote_seen]
    await wait_for(lambda: bool(hall.voted_shown), 10)
    keys = [str(n) for n in range(1, args.proposals + 1)]

    # The ballots, paced evenly over the given seconds (one per voter, bounded).
    voters = residents[: args.voters] if args.voters else residents
    rng = random.Random(13)
    interval = args.vote_seconds / len(voters)
    casts: dict[str, tuple[Client, float]] = {}
    print(f"vote: {len(voters)} ballots in {args.vote_seconds} s", file=sys.stderr, flush=True)
    started = time.perf_counter()
    for index, voter in enumerate(voters):
        delay = started + index * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        choice = sorted(rng.sample(keys, rng.randint(1, min(3, len(keys)))), key=int)
        key, at = await command(voter, "ballot.cast", {"choice": choice})
        casts[key] = (voter, at)
    cast_seconds = time.perf_counter() - started
    await wait_for(lambda: all(key in c.answers for key, (c, _at) in casts.items()), 60)
    await asyncio.sleep(0.5)  # a second answer to the same command would come by now
    acked = {k: c for k, (c, _at) in casts.items() if c.answers.get(k, {}).get("kind") == "ack"}
    refusals = Counter(
        str(c.answers[k].get("code"))
        for k, (c, _at) in casts.items()
        if k in c.answers and c.answers[k]["kind"] == "error"
    )
    ack_latency = [c.acks[k] - casts[k][1] for k, c in acked.items()]
    # When the slowest acks were sent (seconds into the casting) and how long they took.
    slowest = sorted(
        ((c.acks[k] - casts[k][1], casts[k][1] - started) for k, c in acked.items()),
        reverse=True,
    )[:8]
    answered_twice = sum(c.answer_count[k] > 1 for k, (c, _at) in casts.items())
    receipts = {c.answers[k]["result"].get("once", {}).get("tracker") for k, c in acked.items()}
    receipts.discard(None)
    # The hall: wait until it shows every acked ballot (coalesced pushes), at most 10 s.
    await wait_for(lambda: max((v for _t, v in hall.voted_shown), default=0) >= len(acked), 10)
    ack_times = sorted(c.acks[k] for k, c in acked.items())
    shown = sorted(hall.voted_shown)
    lags: list[float] = []
    ahead = missing = 0
    for rank, at in enumerate(ack_times, start=1):
        seen = next((t for t, voted in shown if voted >= rank), None)
        if seen is None:
            missing += 1
        elif seen <= at:
            ahead += 1
            lags.append(0.0)
        else:
            lags.append(seen - at)
    turnout_pushes = sum(1 for t, _v in shown if t >= started)
    before_close = await asyncio.to_thread(
        database,
        env,
        "print(json.dumps({'pending':PendingBallot.objects.filter(poll=vote.poll_id).count(),"
        "'marked':Eligibility.objects.filter(poll=vote.poll_id,has_voted=True).count(),"
        "'eligible':Eligibility.objects.filter(poll=vote.poll_id).count()}))",
    )

    print("vote: closing and revealing", file=sys.stderr, flush=True)
    _closed, close_seconds = await call(control, "vote.close", {}, timeout=120)
    await wait_for(lambda: all("vote.closed" in c.vote_seen for c in screens), 30)
    await asyncio.sleep(0.5)
    sent = time.perf_counter()
    _revealed, reveal_ack_seconds = await call(control, "vote.reveal", {})
    await wait_for(lambda: all("vote.revealed" in c.vote_seen for c in [*screens, hall]), 30)
    revealed = [
        c.vote_seen["vote.revealed"] - sent for c in screens if "vote.revealed" in c.vote_seen
    ]
    after_close = await asyncio.to_thread(
        database,
        env,
        "r=Result.objects.get(poll=vote.poll_id);"
        "print(json.dumps({'ballots':Ballot.objects.filter(poll=vote.poll_id).count(),"
        "'ballots_counted':r.ballots_counted,"
        "'pending':PendingBallot.objects.filter(poll=vote.poll_id).count()}))",
    )
    reveal_bytes = Counter(c.frame_bytes.get("vote.revealed", 0) for c in screens)
    for extra in (curator, hall):
        await extra.ws.close()
    return {
        "proposals": args.proposals,
        "eligible": before_close["eligible"],
        "advance_ack_ms": round(advance_seconds * 1000, 1),
        "opened_on_screens": len(opened),
        "opened_p50_ms": ms(opened, 0.5),
        "opened_p99_ms": ms(opened, 0.99),
        "opened_frame_bytes": max(c.frame_bytes.get("vote.opened", 0) for c in screens),
        "ballots_sent": len(casts),
        "send_seconds": round(cast_seconds, 1),
        "ballots_acked": len(acked),
        "ballots_refused": dict(refusals),
        "ballots_unanswered": sum(k not in c.answers for k, (c, _at) in casts.items()),
        "answered_more_than_once": answered_twice,
        "distinct_receipts": len(receipts),
        "cast_ack_p50_ms": ms(ack_latency, 0.5),
        "cast_ack_p99_ms": ms(ack_latency, 0.99),
        "cast_ack_max_ms": ms(ack_latency, 1.0),
        "cast_ack_slowest_ms_at_s": [[round(a * 1000), round(b, 1)] for a, b in slowest],
        "pending_ballots_before_close": before_close["pending"],
        "marked_voted_before_close": before_close["marked"],
        "ballots_after_close": after_close["ballots"],
        "ballots_counted": after_close["ballots_counted"],
        "pending_after_close": after_close["pending"],
        "hall_turnout_pushes": turnout_pushes,
        "hall_last_voted": max((v for _t, v in shown), default=0),
        "hall_lag_p50_ms": ms(lags, 0.5),
        "hall_lag_p99_ms": ms(lags, 0.99),
        "hall_already_showing": ahead,
        "hall_never_showed": missing,
        "close_ack_ms": round(close_seconds * 1000, 1),
        "reveal_ack_ms": round(reveal_ack_seconds * 1000, 1),
        "revealed_on_screens": len(revealed),
        "revealed_on_hall": "vote.revealed" in hall.vote_seen,
        "revealed_p50_ms": ms(revealed, 0.5),
        "revealed_p99_ms": ms(revealed, 0.99),
        "revealed_frame_bytes": reveal_bytes.most_common(1)[0][0],
    }


def count_ideas(env: dict[str, str]) -> int:
    out = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            # This summit's: the demo's afternoon summit has ideas of its own.
            f"from deliberation.models import Idea;"
            f"print(Idea.objects.filter(summit__slug='{SLUG}').count())",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(out.strip().splitlines()[-1])


async def reference_server(port: int) -> None:
    """A minimal broadcast server: on 'go <n> [<bytes>]' from any client, send a frame to
    everyone (of about 200 bytes, or padded to the size given). Its garbage collector is
    tuned like our servers' (``samenspel/collector.py``), so the two compare like for like."""
    settle()
    sockets: set = set()

    async def handler(ws) -> None:
        sockets.add(ws)
        try:
            async for message in ws:
                _go, n, *size = message.split()
                frame = json.dumps({"kind": "ref", "n": int(n), "data": {"title": "x" * 150}})
                if size:
                    pad = "x" * max(150, int(size[0]) - len(frame) + 150)
                    frame = json.dumps({"kind": "ref", "n": int(n), "data": {"title": pad}})
                websockets.broadcast(sockets, frame)
        finally:
            sockets.discard(ws)

    async with websockets.serve(handler, "127.0.0.1", port, max_size=None):
        await asyncio.Future()


async def bench_reference(count: int, frame_bytes: int | None = None) -> dict:
    """Ten pushes of a step-sized frame to ``count`` clients; with ``frame_bytes``, ten more
    of a frame that size (the summit vote's result)."""
    port = free_port()
    process = subprocess.Popen([sys.executable, __file__, "--reference-server", str(port)])
    try:
        wait_port(port)
        clients = await connect_all([f"ws://127.0.0.1:{port}/"] * (count + 1))
        settle_collector()

        async def pushes(first: int, size: str) -> tuple[list[float], int]:
            control, rest = clients[0], clients[1:]
            latencies: list[float] = []
            complete = 0
            for n in range(first, first + 10):
                sent = time.perf_counter()
                await control.ws.send(f"go {n} {size}".strip())
                await wait_for(lambda n=n: all(n in c.step_seen for c in rest), 10)
                arrivals = [c.step_seen[n] - sent for c in rest if n in c.step_seen]
                complete += len(arrivals) == len(rest)
                latencies.extend(arrivals)
                await asyncio.sleep(0.3)
            return latencies, complete

        latencies, complete = await pushes(1, "")
        found: dict = {
            "step_changes_reaching_all": complete,
            "step_p50_ms": ms(latencies, 0.5),
            "step_p99_ms": ms(latencies, 0.99),
        }
        if frame_bytes:
            # Daphne does not compress frames, but this server and its clients do by default
            # (permessage-deflate, per socket): a compressed push of a result-sized frame
            # costs it several times what Daphne's costs, so these clients turn it off.
            for client in clients:
                await client.ws.close()
            clients = await connect_all([f"ws://127.0.0.1:{port}/"] * (count + 1), None)
            settle_collector()
            latencies, complete = await pushes(11, str(frame_bytes))
            found["result_frame"] = {
                "bytes": frame_bytes,
                "pushes_reaching_all": complete,
                "p50_ms": ms(latencies, 0.5),
                "p99_ms": ms(latencies, 0.99),
            }
        for client in clients:
            await client.ws.close()
        return found
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
    # What the tracebacks ended in (the exception line after each), each different one once.
    ends: list[str] = []
    for block in text.split("Traceback (most recent call last):")[1:]:
        found = next((ln for ln in block.splitlines() if ln and not ln[0].isspace()), "")
        if found and found not in ends:
            ends.append(found[:300])
    counts["traceback_ends"] = ends[:5]
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
            ours = asyncio.run(
                bench_ours(
                    ports,
                    tokens,
                    [p.pid for p in processes],
                    args.screens,
                    args if args.vote else None,
                    env,
                )
            )
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
        vote = ours.get("vote")
        reference = asyncio.run(
            bench_reference(ours["clients"], vote["revealed_frame_bytes"] if vote else None)
        )
    stack = (
        "PostgreSQL + Redis" if os.environ.get("DATABASE_URL") else "embedded (SQLite, in-memory)"
    )
    ratio = round(ours["step_p99_ms"] / reference["step_p99_ms"], 2)
    found = {
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
    if vote:
        found["vote_floors"] = vote_floors(vote, ours["clients"], reference["result_frame"])
        print_vote(vote, found["vote_floors"], reference["result_frame"])
    return found


def vote_floors(vote: dict, screens: int, reference: dict) -> dict:
    """Each floor of the summit vote (#13): the figure, the floor, and whether it held."""
    sent = vote["ballots_sent"]
    counts = [
        vote["ballots_acked"],
        vote["distinct_receipts"],
        vote["pending_ballots_before_close"],
        vote["marked_voted_before_close"],
        vote["ballots_after_close"],
        vote["ballots_counted"],
    ]
    return {
        "every_ballot_counted_once": {
            "figure": f"{sent} sent; acked, receipts, sealed, marked, ballots, counted: {counts}"
            f"; answered twice {vote['answered_more_than_once']}",
            "floor": "all equal to the ballots sent, none answered twice",
            "held": all(count == sent for count in counts) and vote["answered_more_than_once"] == 0,
        },
        "cast_to_ack_p99": {
            "figure": f"{vote['cast_ack_p99_ms']} ms (p50 {vote['cast_ack_p50_ms']} ms)",
            "floor": "< 1000 ms",
            "held": vote["cast_ack_p99_ms"] < 1000,
        },
        "hall_turnout_lag_p99": {
            "figure": f"{vote['hall_lag_p99_ms']} ms (p50 {vote['hall_lag_p50_ms']} ms; "
            f"never shown {vote['hall_never_showed']})",
            "floor": "< 1000 ms, every ballot shown",
            "held": vote["hall_lag_p99_ms"] < 1000 and vote["hall_never_showed"] == 0,
        },
        "result_on_every_screen_p99": {
            "figure": f"{vote['revealed_p99_ms']} ms (p50 {vote['revealed_p50_ms']} ms) on "
            f"{vote['revealed_on_screens']} of {screens} screens; reference server "
            f"{reference['p99_ms']} ms (p50 {reference['p50_ms']} ms) for "
            f"{reference['bytes']} bytes",
            "floor": f"< 500 ms on all {screens}",
            "held": vote["revealed_p99_ms"] < 500 and vote["revealed_on_screens"] == screens,
        },
    }


def print_vote(vote: dict, floors: dict, reference: dict) -> None:
    lines = [
        f"summit vote: {vote['proposals']} proposals, {vote['eligible']} may vote",
        f"  step.advance to vote.opened: p50 {vote['opened_p50_ms']} ms, p99 "
        f"{vote['opened_p99_ms']} ms, on {vote['opened_on_screens']} screens "
        f"({vote['opened_frame_bytes']} bytes; the advance acked in {vote['advance_ack_ms']} ms)",
        f"  {vote['ballots_sent']} ballots sent in {vote['send_seconds']} s, "
        f"{vote['ballots_acked']} acked, refused {vote['ballots_refused']}",
        f"  vote.close acked in {vote['close_ack_ms']} ms, vote.reveal in "
        f"{vote['reveal_ack_ms']} ms; result frame {vote['revealed_frame_bytes']} bytes, "
        f"reference p99 {reference['p99_ms']} ms",
    ]
    for name, floor in floors.items():
        held = "held" if floor["held"] else "NOT HELD"
        lines.append(f"  {name}: {floor['figure']}; floor {floor['floor']}: {held}")
    print("\n".join(lines), flush=True)


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
    parser.add_argument(
        "--vote", action="store_true", help="then the summit's vote (#13), all screens connected"
    )
    parser.add_argument("--proposals", type=int, default=10, help="proposals on the ballot")
    parser.add_argument(
        "--voters", type=int, default=0, help="residents who vote (default: all connected)"
    )
    parser.add_argument(
        "--vote-seconds", type=float, default=30.0, help="the ballots spread over (at most 60)"
    )
    parser.add_argument("--reference-server", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not 0 < args.vote_seconds <= 60 or not 2 <= args.proposals <= 50:
        parser.error("--vote-seconds is at most 60, --proposals between 2 and 50")
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
        if args.vote:
            summary["runs_meeting_every_vote_floor"] = sum(
                all(floor["held"] for floor in r["vote_floors"].values()) for r in results
            )
        print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
