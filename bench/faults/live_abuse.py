"""Fault: one person floods a summit with ideas, and a fuzzer sends the live channel junk.

    .venv/bin/python bench/faults/live_abuse.py [--stack production|embedded]
        [--ideas 3000] [--fuzz 2000] [--seed 12] [--env LIVE_COMMAND_BURST=0 ...]
        [--source DIR]

Starts its own servers on loopback: for ``production`` (the default) a throwaway PostgreSQL
(as the postgres user) and Redis, for ``embedded`` an SQLite file and the in-memory layer;
then one Daphne with production settings (DEBUG off). It makes a summit in a running table
round with two table hosts and a resident at a table, each with an API token, and:

1. flood: the first host sends ``--ideas`` new ideas as fast as the socket takes them,
   without waiting for answers, while the second host sends one idea before the flood and
   one right after it (their ack times show whether anyone else waited);
2. snapshot loop: the first host asks for ``--snapshots`` snapshots at once, while the second
   host sends an idea;
3. fuzz: the resident sends ``--fuzz`` malformed frames (nesting up to 8,000 deep, not JSON,
   not UTF-8, wrong shapes and types, junk command data, ``NaN``), each under the 16 KiB
   frame limit, and waits for each answer; a closed socket is counted and reopened.

It prints what was tried, the answers by code, the ideas stored, the sockets closed and the
tracebacks in the server's log. ``--env NAME=VALUE`` passes a setting to the server
(``LIVE_COMMAND_BURST=0`` turns the limit off); ``--source`` serves another checkout of the
project (an older commit exported with ``git archive``) for a before-and-after comparison.
Everything it starts is stopped at the end; the run is bounded by ``--deadline``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import websockets

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.stack import start_postgres, start_redis, stop  # noqa: E402
from tests.multiprocess import free_port, production_env, wait_for_port  # noqa: E402

SLUG = "stormtop"
MAX_FRAME = 16384


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# The summit (run in a child process with Django set up) ---------------------------------

PREPARE = """
import json
from datetime import timedelta
from django.utils import timezone
from deliberation.models import Participant, Step, Summit, SummitTable
from samenspel import services
from samenspel.models import Role, User

summit = Summit.objects.create(slug=%(slug)r, title="Stormtop")
step = Step.objects.create(summit=summit, position=1, kind=Step.Kind.TABLE_ROUND,
    title="Tafelronde", question="Wat maakt Diemen fijn?", duration_seconds=3600)
people = {name: User.objects.create(username=name, display_name=name.title(), password="!")
          for name in ("host1", "host2", "bewoner")}
tables = {}
for number, name in ((1, "host1"), (2, "host2")):
    services.role_grant(user=people[name], role=Role.TABLE_HOST, scope=summit.scope)
    tables[number] = SummitTable.objects.create(summit=summit, number=number,
                                                host=people[name], capacity=10)
services.role_grant(user=people["bewoner"], role=Role.RESIDENT, scope=summit.scope)
Participant.objects.create(summit=summit, user=people["bewoner"], table=tables[1],
                           checked_in_at=timezone.now())
Summit.objects.filter(pk=summit.pk).update(current_step=step, step_state="running",
    step_deadline=timezone.now() + timedelta(hours=1))
print(json.dumps({name: services.api_token_for(user=user) for name, user in people.items()}))
"""


def manage(source: Path, env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=source,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


# Clients -----------------------------------------------------------------------------------


def command(type_: str, data: object, key: str | None = None) -> str:
    return json.dumps(
        {"kind": "command", "id": key or str(uuid.uuid4()), "type": type_, "data": data}
    )


async def next_answer(ws: websockets.ClientConnection, timeout: float) -> dict:
    """The next ack, error or snapshot; events in between are skipped."""
    deadline = time.monotonic() + timeout
    while True:
        raw = await asyncio.wait_for(ws.recv(), max(0.01, deadline - time.monotonic()))
        if raw.startswith('{"kind":"batch"') or raw.startswith('{"kind":"event"'):
            continue
        frame = json.loads(raw)
        if frame.get("kind") in {"ack", "error", "snapshot"}:
            return frame


async def one_idea(url: str, text: str) -> tuple[str, float]:
    async with websockets.connect(url, max_size=None) as ws:
        await next_answer(ws, 10)  # the snapshot
        started = time.perf_counter()
        await ws.send(command("idea.create", {"text": text}))
        frame = await next_answer(ws, 30)
        return frame.get("code", frame["kind"]), (time.perf_counter() - started) * 1000


async def flood(url: str, other: str, ideas: int, timeout: float) -> dict:
    quiet_code, quiet_ms = await one_idea(other, "Voor de vloed: meer bankjes")
    answers: Counter[str] = Counter()
    retry_after: list[float] = []
    async with websockets.connect(url, max_size=None) as ws:
        await next_answer(ws, 10)
        started = time.perf_counter()
        for n in range(ideas):
            await ws.send(command("idea.create", {"text": f"Vloed {n}"}))
        sent_seconds = time.perf_counter() - started
        # The other table's host, while the flood's answers are still going out.
        during = asyncio.create_task(one_idea(other, "Tijdens de vloed: meer bomen"))
        deadline = time.monotonic() + timeout
        try:
            while sum(answers.values()) < ideas and time.monotonic() < deadline:
                frame = await next_answer(ws, deadline - time.monotonic())
                answers[frame.get("code", frame["kind"])] += 1
                if "retry_after" in frame:
                    retry_after.append(frame["retry_after"])
        except (TimeoutError, websockets.ConnectionClosed) as error:
            answers[f"unanswered ({type(error).__name__})"] += ideas - sum(answers.values())
        answered_seconds = time.perf_counter() - started
        during_code, during_ms = await during
    return {
        "ideas_sent": ideas,
        "sent_in_s": round(sent_seconds, 3),
        "answers": dict(answers),
        "all_answered_in_s": round(answered_seconds, 2),
        "retry_after_median_s": round(pct(retry_after, 0.5), 2) if retry_after else None,
        "other_host_before_flood": {"answer": quiet_code, "ms": round(quiet_ms, 1)},
        "other_host_during_flood": {"answer": during_code, "ms": round(during_ms, 1)},
    }


async def snapshot_loop(url: str, other: str, requests: int, timeout: float) -> dict:
    """One screen asks for ``requests`` snapshots at once; another host sends an idea."""
    answers: Counter[str] = Counter()
    async with websockets.connect(url, max_size=None) as ws:
        await next_answer(ws, 10)
        for _ in range(requests):
            await ws.send('{"kind":"snapshot.request"}')
        during = asyncio.create_task(one_idea(other, "Tijdens de snapshots: meer licht"))
        started = time.perf_counter()
        deadline = time.monotonic() + timeout
        try:
            while sum(answers.values()) < requests and time.monotonic() < deadline:
                frame = await next_answer(ws, deadline - time.monotonic())
                answers[frame.get("code", frame["kind"])] += 1
        except (TimeoutError, websockets.ConnectionClosed) as error:
            answers[f"unanswered ({type(error).__name__})"] += requests - sum(answers.values())
        answered_seconds = time.perf_counter() - started
        during_code, during_ms = await during
    return {
        "requests_sent": requests,
        "answers": dict(answers),
        "all_answered_in_s": round(answered_seconds, 2),
        "other_host_during": {"answer": during_code, "ms": round(during_ms, 1)},
    }


def nested(depth: int, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return "[" * depth + "]" * depth
    return '{"a":' * depth + "1" + "}" * depth


JUNK_VALUES: list[object] = [
    None,
    True,
    -1,
    0,
    2**63,
    10**30,
    1.5,
    -1e308,
    "",
    "x" * 300,
    "7",
    "abc",
    [],
    [1],
    {},
    {"a": 1},
    "\u0000\u0007",
    "\ud83d\ude00" * 50,
]
COMMAND_TYPES = [
    "idea.create",
    "idea.edit",
    "idea.withdraw",
    "idea.hide",
    "idea.merge",
    "theme.create",
    "theme.rename",
    "theme.assign",
    "theme.feature",
    "table.choose",
    "participant.join_online",
    "step.start",
    "step.extend",
    "message.send",
    "participant.check_in",
    "participant.walk_in",
    "participant.seat_all",
    "table.spread_themes",
    "no.such.command",
]
FIELDS = [
    "text",
    "idea",
    "into",
    "theme",
    "name",
    "featured",
    "table",
    "seconds",
    "code",
    "participant",
    "birth_year",
    "seed",
]


def fuzz_frame(rng: random.Random) -> tuple[str, str | bytes]:
    """One malformed or odd frame, under the frame limit, with the name of its kind."""
    kind = rng.choice(
        [
            "deep",
            "deep",
            "deep_in_command",
            "not_json",
            "truncated",
            "not_utf8",
            "top_level",
            "bad_id",
            "bad_type",
            "bad_data",
            "junk_data",
            "junk_data",
            "constants",
            "huge_number",
        ]
    )
    key = str(uuid.uuid4())
    if kind == "deep":
        return kind, nested(rng.choice([100, 500, 999, 1000, 1001, 3000, MAX_FRAME // 2 - 10]), rng)
    if kind == "deep_in_command":
        depth = rng.choice([9, 50, 1000, 5000])
        frame = command("idea.create", {}, key)[:-2] + '"text":' + nested(depth, rng) + "}}"
        return kind, frame
    if kind == "not_json":
        alphabet = '{}[]":,0123456789abcdefnulltrue \\'
        return kind, "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 400)))
    if kind == "truncated":
        frame = command("idea.create", {"text": "Meer bankjes"}, key)
        return kind, frame[: rng.randint(1, len(frame) - 1)]
    if kind == "not_utf8":
        return kind, bytes(rng.randrange(128, 256) for _ in range(rng.randint(1, 200)))
    if kind == "top_level":
        return kind, rng.choice(["[]", "5", '"command"', "null", "true", "[{}]", "1e999"])
    if kind == "bad_id":
        raw_id = rng.choice(
            [12345678901234567890123456789012, "abc", ["x"], {"a": 1}, "a" * 9000, None]
        )
        return kind, json.dumps(
            {"kind": "command", "id": raw_id, "type": "idea.create", "data": {}}
        )
    if kind == "bad_type":
        type_ = rng.choice([7, None, ["idea.create"], {"a": 1}, "x" * 9000])
        return kind, json.dumps({"kind": "command", "id": key, "type": type_, "data": {}})
    if kind == "bad_data":
        data = rng.choice([[], 5, "text", None, [{"text": "x"}]])
        return kind, json.dumps({"kind": "command", "id": key, "type": "idea.create", "data": data})
    if kind == "junk_data":
        data = {field: rng.choice(JUNK_VALUES) for field in rng.sample(FIELDS, rng.randint(1, 4))}
        return kind, command(rng.choice(COMMAND_TYPES), data, key)
    if kind == "constants":
        constant = rng.choice(["NaN", "Infinity", "-Infinity"])
        data = f'{{"seconds":{constant}}}'
        return kind, command("step.extend", {}, key)[:-3] + data + "}"
    digits = "9" * rng.choice([20, 4000, 5000])
    return kind, command("idea.withdraw", {}, key)[:-3] + f'{{"idea":{digits}}}' + "}"


async def fuzz(url: str, frames: int, seed: int, timeout: float) -> dict:
    rng = random.Random(seed)
    answers: Counter[str] = Counter()
    by_kind: dict[str, Counter[str]] = {}
    closed: Counter[str] = Counter()
    deadline = time.monotonic() + timeout
    ws = None
    tried = 0
    try:
        while tried < frames and time.monotonic() < deadline:
            if ws is None:
                ws = await websockets.connect(url, max_size=None)
                await next_answer(ws, 10)
            kind, frame = fuzz_frame(rng)
            size = len(frame if isinstance(frame, bytes) else frame.encode())
            if size > MAX_FRAME:
                continue
            tried += 1
            try:
                await ws.send(frame)
                answer = await next_answer(ws, 10)
                code = answer.get("code", answer["kind"])
            except websockets.ConnectionClosed as error:
                code = f"closed {error.rcvd.code if error.rcvd else 'without code'}"
                closed[code] += 1
                ws = None
            except TimeoutError:
                code = "no answer in 10 s"
                await ws.close()
                ws = None
            answers[code] += 1
            by_kind.setdefault(kind, Counter())[code] += 1
    finally:
        if ws is not None:
            await ws.close()
    return {
        "frames_sent": tried,
        "answers": dict(answers.most_common()),
        "sockets_closed": dict(closed),
        "answers_by_kind": {k: dict(v.most_common()) for k, v in sorted(by_kind.items())},
    }


# Main --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stack", choices=["production", "embedded"], default="production")
    parser.add_argument("--ideas", type=int, default=3000)
    parser.add_argument("--fuzz", type=int, default=2000)
    parser.add_argument("--snapshots", type=int, default=500)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--deadline", type=float, default=300, help="seconds for the whole run")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--source", type=Path, default=ROOT, help="the checkout to serve")
    args = parser.parse_args()
    source = args.source.resolve()
    started = time.monotonic()
    servers: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="live-abuse-") as tmp:
        work = Path(tmp)
        os.chmod(work, 0o755)
        env = production_env(DB_CONN_MAX_AGE="60")
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        try:
            if args.stack == "production":
                pg, pg_port = start_postgres(work)
                servers.append(pg)
                redis, redis_port = start_redis(work)
                servers.append(redis)
                env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{pg_port}/postgres"
                env["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
            else:
                env["DATABASE_URL"] = f"sqlite:///{work / 'live-abuse.sqlite3'}"
            for pair in args.env:
                name, _, value = pair.partition("=")
                env[name] = value
            subprocess.run(
                [sys.executable, "-m", "samenspel.i18n"],
                cwd=source,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            manage(source, env, "migrate", "-v0")
            tokens = json.loads(
                manage(source, env, "shell", "-c", PREPARE % {"slug": SLUG}).splitlines()[-1]
            )
            port = free_port()
            log = work / "daphne.log"
            daphne = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "daphne",
                    "-b",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "samenspel.asgi:application",
                ],
                cwd=source,
                env=env,
                stdout=log.open("w"),
                stderr=subprocess.STDOUT,
            )
            servers.insert(0, daphne)
            wait_for_port(daphne, port, 30)

            def url(name: str) -> str:
                return f"ws://127.0.0.1:{port}/ws/summits/{SLUG}/?token={tokens[name]}"

            left = lambda: max(5.0, args.deadline - (time.monotonic() - started))  # noqa: E731
            flood_result = asyncio.run(flood(url("host1"), url("host2"), args.ideas, left() / 2))
            snapshot_result = asyncio.run(
                snapshot_loop(url("host1"), url("host2"), args.snapshots, left() / 2)
            )
            fuzz_result = asyncio.run(fuzz(url("bewoner"), args.fuzz, args.seed, left()))
            counts = manage(
                source,
                env,
                "shell",
                "-c",
                "from deliberation.models import Idea;import json;"
                "print(json.dumps({t: Idea.objects.filter(author__username=u).count() for t, u in"
                " (('flooding_host', 'host1'), ('other_host', 'host2'), ('fuzzing_resident', 'bewoner'))}))",
            )
        finally:
            stop(servers)
        text = log.read_text(errors="replace")
        result = {
            "stack": args.stack,
            "source": "this checkout" if source == ROOT else "another checkout",
            "settings": args.env,
            "load_average": Path("/proc/loadavg").read_text().split()[:3],
            "flood": flood_result,
            "snapshot_loop": snapshot_result,
            "fuzz": fuzz_result,
            "ideas_stored": json.loads(counts.splitlines()[-1]),
            "server_log": {
                "tracebacks": text.count("Traceback (most recent call last)"),
                "recursion_errors": text.count("RecursionError"),
                "rate_limit_warnings": text.count("over the rate limit"),
            },
            "seconds": round(time.monotonic() - started, 1),
        }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
