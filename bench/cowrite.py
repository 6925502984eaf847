"""Co-writing benchmark: N editors in one draft, each making E edits per second.

    .venv/bin/python bench/cowrite.py [--editors 50] [--rate 2] [--seconds 60] [--rounds 1]
        [--database-url postgres://... --redis-url redis://...]   # adds 2 Daphne on Redis
        [--only embedded|redis|reference ...] [--pin]

Targets, in the same run: our server embedded (one Daphne, SQLite, in-memory layer); two
Daphne processes on Redis + PostgreSQL (when URLs are given; editors alternate between them);
the reference y-websocket 1.5 server from npm (frontend/node_modules/y-websocket/bin/server.js).
Every editor is a pycrdt client over `websockets`. An edit is timed from sending to its
arrival at every other editor, when its bytes are read from that editor's socket (the time
its reader task gets to it is printed beside, ``handled_p50_p99_ms``): the arrival of an
update is recognised by its first (client id, clock), so nothing is added to the text. At
the end all documents must be equal. ``--pin`` runs the servers on the first core and the
editors on the second, so where the scheduler puts them does not change the figures.

The servers all run from the start. With ``--rounds N`` the targets take turns: each round
gives every target ``seconds / rounds`` of typing, in a rotating order, by a new set of
editors that first sync the draft as the last round left it, so a noisy stretch on a shared
machine falls on every target alike. That is not the floors' workload, though: between turns
the editors leave, and our room writes, compacts and closes, which a continuous minute does
not allow. The default, one round, is the continuous minute. The figures pool the rounds;
each round's p99 is printed beside them.
Floors: p99 < 100 ms embedded, no divergence, p99 within 1.5x of the reference.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from pycrdt import (
    Decoder,
    Doc,
    Text,
    YMessageType,
    YSyncMessageType,
    create_sync_message,
    create_update_message,
    handle_sync_message,
)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from websockets.asyncio.client import ClientConnection  # noqa: E402
from websockets.frames import Frame, Opcode  # noqa: E402
from websockets.protocol import Event  # noqa: E402

from deliberation.drafts.protocol import parse_frame  # noqa: E402
from tests.multiprocess import free_port, production_env, wait_for_port  # noqa: E402

TEXT_NAME = "codemirror"
ROOM = "bench-nota"
RESYNC_SECONDS = 5.0  # the editor's resyncInterval
WORDS = [
    "Diemen",
    "sport",
    "samen",
    "groen",
    "wonen",
    "fiets",
    "jeugd",
    "cultuur",
    "park",
    "water",
    "school",
    "buurt",
]


SETUP = """
import json
from django.utils import timezone
from deliberation.drafts import services
from deliberation.drafts.models import Draft
from samenspel import services as core
from samenspel.models import Role, User
Draft.objects.filter(slug="{room}").delete()
services.draft_create(slug="{room}", title="Bench", kind="sportnota", by=None, now=timezone.now())
tokens = []
for i in range({n}):
    user, _ = User.objects.get_or_create(username=f"bench{{i}}")
    core.role_grant(user=user, role=Role.EDITOR)
    tokens.append(core.api_token_for(user=user))
print(json.dumps(tokens))
"""


def on_first_core() -> None:
    """With ``--pin``: a server runs on the first core (called in the child before it starts)."""
    os.sched_setaffinity(0, {0})


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return done.stdout


@contextmanager
def our_servers(
    editors: int, count: int, database_url: str | None, redis_url: str | None, pin: bool = False
):
    """Start ``count`` Daphne processes; yield the URLs editors connect to, in turn."""
    workdir = Path(tempfile.mkdtemp(prefix="cowrite-"))
    env = production_env(LOG_LEVEL="WARNING")
    if database_url:
        env["DATABASE_URL"], env["REDIS_URL"] = database_url, redis_url or ""
    else:
        env.pop("REDIS_URL", None)
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    manage(env, "migrate", "--no-input")
    output = manage(env, "shell", "-c", SETUP.format(room=ROOM, n=editors))
    tokens = json.loads(output.strip().splitlines()[-1])
    processes, ports = [], []
    try:
        for _ in range(count):
            port = free_port()
            log = (workdir / f"daphne-{port}.log").open("w")
            profile = os.environ.get("COWRITE_PROFILE")  # a folder: cProfile each Daphne
            wrap = ["-m", "cProfile", "-o", f"{profile}/daphne-{port}.prof"] if profile else []
            process = subprocess.Popen(
                [sys.executable, *wrap, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
                 "samenspel.asgi:application"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=on_first_core if pin else None,
            )  # fmt: skip
            processes.append(process)
            wait_for_port(process, port, 30)
            ports.append(port)
        yield (
            [
                f"ws://127.0.0.1:{ports[i % count]}/ws/drafts/{ROOM}?token={tokens[i]}"
                for i in range(editors)
            ],
            [process.pid for process in processes],
        )
    finally:
        for process in processes:
            # SIGINT stops Twisted's reactor cleanly, so a profile is written.
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log_path in workdir.glob("daphne-*.log"):
            lines = log_path.read_text().splitlines()
            tail = [line for line in lines if " - - [" not in line][-20:]
            if tail:
                print(f"--- {log_path.name}", *tail, sep="\n", file=sys.stderr)
        if not os.environ.get("COWRITE_KEEP"):
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print("kept", workdir, file=sys.stderr)


@contextmanager
def reference_server(editors: int, pin: bool = False):
    script = ROOT / "frontend" / "node_modules" / "y-websocket" / "bin" / "server.js"
    if not script.exists() or not shutil.which("node"):
        yield None, []
        return
    port = free_port()
    env = dict(os.environ, HOST="127.0.0.1", PORT=str(port))
    process = subprocess.Popen(
        ["node", str(script)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=on_first_core if pin else None,
    )
    try:
        wait_for_port(process, port, 30)
        yield [f"ws://127.0.0.1:{port}/{ROOM}" for _ in range(editors)], [process.pid]
    finally:
        process.terminate()
        process.wait(timeout=10)


DATA = (Opcode.TEXT, Opcode.BINARY, Opcode.CONT)


class TimedConnection(ClientConnection):
    """A client socket that notes when each message's bytes were read from the socket.

    The editors' reader tasks run one after another in the bench's event loop, and each
    applies its update to its document (about 80 µs): timed in the task, an arrival at the
    50th editor of a burst also counts the 49 editors handled before it in the same process.
    Read from the socket, the time is when the server's frame reached the editor.
    """

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.read_at = 0.0
        self.arrived: deque[float] = deque()

    def data_received(self, data: bytes) -> None:
        self.read_at = time.perf_counter()
        super().data_received(data)

    def process_event(self, event: Event) -> None:
        if isinstance(event, Frame) and event.opcode in DATA and event.fin:
            self.arrived.append(self.read_at)
        super().process_event(event)


@dataclass
class Editor:
    url: str
    doc: Doc = field(default_factory=Doc)
    synced: asyncio.Event = field(default_factory=asyncio.Event)
    # Edits (client id, first clock) this editor has received, so each counts once.
    seen: set[tuple[int, int]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.text = self.doc.get(TEXT_NAME, type=Text)


@dataclass
class Run:
    # When each edit, named by (client id, first clock) of its update, was sent.
    sent: dict[tuple[int, int], float] = field(default_factory=dict)
    arrivals: list[float] = field(default_factory=list)  # read from the editor's socket
    handled: list[float] = field(default_factory=list)  # when the editor's task got to it
    # With several servers: arrivals at editors on the writer's own server, and on another.
    origin: dict[tuple[int, int], str] = field(default_factory=dict)
    same_server: list[float] = field(default_factory=list)
    other_server: list[float] = field(default_factory=list)
    received: int = 0
    # With --trace: (sent at, delay, receiving editor, same server) for every arrival.
    trace: list[tuple[float, float, int, bool]] | None = None


def update_key(update: bytes) -> tuple[int, int] | None:
    """(client id, clock) of the first struct of a Yjs v1 update; None for an empty one.

    Cheap to read (three varints), so the clients spend their time receiving, not decoding:
    reading the whole state vector on every frame cost 170 µs with 50 writers and made the
    bench, not the server, the bottleneck.
    """
    decoder = Decoder(update)
    if decoder.read_var_uint() == 0:
        return None
    decoder.read_var_uint()  # number of structs of this client
    client = decoder.read_var_uint()
    return client, decoder.read_var_uint()


def server_of(url: str) -> str:
    return url.split("/")[2]


async def read_loop(editor: Editor, ws, run: Run) -> None:  # type: ignore[no-untyped-def]
    async for data in ws:
        handled_at = time.perf_counter()
        now = ws.arrived.popleft()
        frame = parse_frame(data)
        if frame.kind != YMessageType.SYNC:
            continue
        reply = handle_sync_message(data[1:], editor.doc)
        if reply is not None:
            await ws.send(reply)
        if frame.sync_type == YSyncMessageType.SYNC_STEP2:
            editor.synced.set()
        elif frame.sync_type == YSyncMessageType.SYNC_UPDATE:
            key = update_key(frame.payload)
            sent_at = run.sent.get(key) if key else None
            if sent_at is not None and key not in editor.seen:
                editor.seen.add(key)  # type: ignore[arg-type]
                run.arrivals.append(now - sent_at)
                run.handled.append(handled_at - sent_at)
                same = run.origin[key] == server_of(editor.url)  # type: ignore[index]
                (run.same_server if same else run.other_server).append(now - sent_at)
                if run.trace is not None:
                    run.trace.append((sent_at, now - sent_at, id(editor), same))
                run.received += 1


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used so far (Linux /proc)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


@dataclass
class Round:
    run: Run
    edits: int
    expected: int
    identical: bool
    server_cpu: float
    client_cpu: float
    several_servers: bool


async def measure(urls: list[str], pids: list[int], rate: float, seconds: float) -> Round:
    """One round: the editors join, type for ``seconds``, and wait for every edit to arrive."""
    run = Run(trace=[] if os.environ.get("COWRITE_TRACE") else None)
    editors = [Editor(url) for url in urls]
    sockets = []
    readers = []
    for editor in editors:
        ws = await websockets.connect(
            editor.url, max_size=None, compression=None, create_connection=TimedConnection
        )
        sockets.append(ws)
        readers.append(asyncio.create_task(read_loop(editor, ws, run)))
        await ws.send(create_sync_message(editor.doc))
        await asyncio.wait_for(editor.synced.wait(), 10)
    rng = random.Random(384)

    async def typist(editor: Editor, ws) -> None:  # type: ignore[no-untyped-def]
        await asyncio.sleep(rng.random() / rate)
        deadline = time.perf_counter() + seconds
        next_at = time.perf_counter()
        resync_at = next_at + RESYNC_SECONDS * rng.random()
        while time.perf_counter() < deadline:
            if time.perf_counter() >= resync_at:
                # Like the browser editor (y-websocket's resyncInterval): ask for a sync now
                # and then; our server answers only after writing its pending log.
                resync_at += RESYNC_SECONDS
                await ws.send(create_sync_message(editor.doc))
            before = editor.doc.get_state()
            current = str(editor.text)
            # pycrdt positions are UTF-8 byte offsets: land on a character boundary.
            position = len(current[: rng.randint(0, len(current))].encode())
            editor.text.insert(position, rng.choice(WORDS) + " ")
            update = editor.doc.get_update(before)
            key = update_key(update)
            assert key is not None
            editor.seen.add(key)
            run.origin[key] = server_of(editor.url)
            run.sent[key] = time.perf_counter()
            await ws.send(create_update_message(update))
            # A fixed schedule: a slow turn does not lower the rate of the ones after it.
            next_at += 1 / rate
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))

    server_cpu, client_cpu = cpu_seconds(pids), time.process_time()
    await asyncio.gather(*(typist(e, ws) for e, ws in zip(editors, sockets, strict=True)))
    edits = len(run.sent)
    expected = edits * (len(editors) - 1)
    deadline = time.perf_counter() + 15
    while run.received < expected and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    server_cpu = cpu_seconds(pids) - server_cpu
    client_cpu = time.process_time() - client_cpu
    if run.trace is not None:
        # COWRITE_TRACE=<folder>: every arrival, to look for when the slow ones happen.
        start = min(sent for sent, *_rest in run.trace)
        path = Path(os.environ["COWRITE_TRACE"]) / f"trace-{pids[0]}.csv"
        with path.open("w") as out:
            out.write("sent_s,delay_ms,editor,same_server\n")
            for sent, delay, editor_id, same in run.trace:
                out.write(f"{sent - start:.4f},{delay * 1000:.3f},{editor_id},{int(same)}\n")
    texts = {str(editor.text) for editor in editors}
    broken = [
        f"editor {i}: {task.exception()!r} close={ws.close_code}"
        for i, (task, ws) in enumerate(zip(readers, sockets, strict=True))
        if task.done()
    ]
    if broken:
        print("editors that stopped receiving:", *broken, sep="\n  ", file=sys.stderr)
    if len(texts) > 1 and os.environ.get("COWRITE_DEBUG"):
        import difflib

        first, second = sorted(texts)[:2]
        print(list(difflib.unified_diff(first.split(), second.split(), lineterm=""))[:20])
        print(
            [len(str(e.text)) for e in editors],
            [e.doc.get_state() == editors[0].doc.get_state() for e in editors],
        )
    for ws in sockets:
        await ws.close()
    for task in readers:
        task.cancel()

    return Round(
        run=run,
        edits=edits,
        expected=expected,
        identical=len(texts) == 1,
        server_cpu=server_cpu,
        client_cpu=client_cpu,
        several_servers=len({server_of(url) for url in urls}) > 1,
    )


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 1)


def summary(name: str, rounds: list[Round], planned: int) -> dict[str, object]:
    """The rounds of one target pooled: every arrival of every round counts once."""
    latencies = [value for part in rounds for value in part.run.arrivals]
    handled = [value for part in rounds for value in part.run.handled]
    edits = sum(part.edits for part in rounds)
    split: dict[str, list[float]] = {}
    if rounds[0].several_servers:
        same = [value for part in rounds for value in part.run.same_server]
        other = [value for part in rounds for value in part.run.other_server]
        split = {
            "same_server_p50_p99_ms": [pct(same, 0.5), pct(same, 0.99)],
            "other_server_p50_p99_ms": [pct(other, 0.5), pct(other, 0.99)],
        }
    return {
        "target": name,
        "planned": planned,
        "edits": edits,
        "arrivals": sum(part.run.received for part in rounds),
        "expected": sum(part.expected for part in rounds),
        "p50_ms": pct(latencies, 0.50),
        "p99_ms": pct(latencies, 0.99),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else None,
        "round_p99_ms": [pct(part.run.arrivals, 0.99) for part in rounds],
        # The same arrivals timed when the editor's task got to them, the bench's only
        # figure until 5 December 2026: adds the bench's own queue of editors to the delay.
        "handled_p50_p99_ms": [pct(handled, 0.50), pct(handled, 0.99)],
        "identical": all(part.identical for part in rounds),
        # CPU per edit, its relay to every other editor included: what a busy machine has
        # to find for each keystroke. The editors' own share shows how loaded the bench was.
        "server_cpu_ms_per_edit": round(
            1000 * sum(part.server_cpu for part in rounds) / max(edits, 1), 2
        ),
        "editors_cpu_ms_per_edit": round(
            1000 * sum(part.client_cpu for part in rounds) / max(edits, 1), 2
        ),
        **split,
    }


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--editors", type=int, default=50)
    parser.add_argument("--rate", type=float, default=2.0, help="edits per second per editor")
    parser.add_argument("--seconds", type=float, default=60.0, help="of typing, per target")
    parser.add_argument(
        "--rounds", type=int, default=1, help="turns the targets take (1: one continuous run)"
    )
    parser.add_argument("--database-url")
    parser.add_argument("--redis-url")
    parser.add_argument(
        "--only",
        action="append",
        choices=["embedded", "redis", "reference"],
        help="only this target (repeat for more: --only redis --only reference)",
    )
    parser.add_argument(
        "--pin",
        action="store_true",
        help="servers on the first core, the editors on the second (Linux, 2+ cores)",
    )
    args = parser.parse_args()
    if args.pin:
        os.sched_setaffinity(0, {1})
    # (name, URLs, process ids), in the order of the first round.
    targets: list[tuple[str, list[str], list[int]]] = []
    with ExitStack() as servers:
        if not args.only or "embedded" in args.only:
            urls, pids = servers.enter_context(our_servers(args.editors, 1, None, None, args.pin))
            targets.append(("samenspel embedded", urls, pids))
        if args.database_url and args.redis_url and (not args.only or "redis" in args.only):
            urls, pids = servers.enter_context(
                our_servers(args.editors, 2, args.database_url, args.redis_url, args.pin)
            )
            targets.append(("samenspel 2x daphne + redis", urls, pids))
        if not args.only or "reference" in args.only:
            urls, pids = servers.enter_context(reference_server(args.editors, args.pin))
            if urls is None:
                print("reference y-websocket server not installed (frontend/node_modules): skipped")
            else:
                targets.append(("y-websocket 1.5 (node)", urls, pids))
        parts: dict[str, list[Round]] = {name: [] for name, _urls, _pids in targets}
        for number in range(args.rounds):
            turn = number % len(targets) if targets else 0
            for name, urls, pids in targets[turn:] + targets[:turn]:
                parts[name].append(await measure(urls, pids, args.rate, args.seconds / args.rounds))
    planned = int(args.editors * args.rate * args.seconds)
    results = [summary(name, parts[name], planned) for name, _urls, _pids in targets]
    reference = next((r for r in results if str(r["target"]).startswith("y-websocket")), None)
    for row in results:
        if reference is not None:
            row["p99_vs_reference"] = round(row["p99_ms"] / reference["p99_ms"], 2)  # type: ignore[operator]
            row["handled_p99_vs_reference"] = round(
                row["handled_p50_p99_ms"][1] / reference["handled_p50_p99_ms"][1],  # type: ignore[index]
                2,
            )
        print(json.dumps(row))
    print("load:", os.getloadavg())
    failures = []
    embedded = next((r for r in results if r["target"] == "samenspel embedded"), None)
    if embedded is not None and not embedded["p99_ms"] < 100:  # type: ignore[operator]
        failures.append("embedded p99 >= 100 ms")
    for row in results:
        if not row["identical"] or row["arrivals"] != row["expected"]:
            failures.append(f"{row['target']}: divergence or lost updates")
    if reference is not None:
        for row in results:
            if row is not reference and row["p99_ms"] > 1.5 * reference["p99_ms"]:  # type: ignore[operator]
                failures.append(f"{row['target']}: p99 above 1.5x the reference")
    print("FLOORS OK" if not failures else "FLOORS FAILED: " + "; ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
