"""Fault: a Daphne process is killed (SIGKILL) while five editors co-write a nota through two.

    .venv/bin/python bench/faults/cowrite_kill.py [--runs 20] [--editors 5] [--seconds 3]
        [--rate 8] [--resync 5] [--seed N] [--deadline 900] [--no-kill]

Starts a throwaway PostgreSQL (as the postgres user, its own data dir) and Redis on loopback,
and for every run a new draft and two new Daphne processes on them (production settings).
The editors (``tests/drafts/crash.py``: y-websocket clients like the browser's) type
``--rate`` tokens a second each, at random places between other tokens, and ask to sync
every ``--resync`` seconds (5, as the browser's editor does). At a random moment between
0.3 s and ``--seconds`` of typing one of the two processes, chosen at random, gets SIGKILL;
its editors connect to the other one and type 1.5 s more; then every editor asks to sync
once more and the stored nota is read from the database while they are still connected.

Per run it prints the process killed and when, the edits typed, the edits the editors saw
confirmed (the answer to a sync request, see ``docs/cowriting.md``), the confirmed edits
missing from the stored nota, and whether the editors' texts converged; at the end the
totals, with the rows of the update log and how many of them repeat another (logged by
both processes; ``--no-kill`` shows how many that is without a crash). Exit status 1 when a confirmed edit was lost or the editors diverged. Everything it
starts is stopped at the end; the whole run is bounded by ``--deadline`` seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.stack import start_postgres, start_redis, stop  # noqa: E402
from tests.multiprocess import production_env  # noqa: E402

TYPE_AFTER_KILL = 1.5


def start_services(work: Path, processes: list[subprocess.Popen[bytes]]) -> tuple[str, str]:
    """PostgreSQL and Redis on free loopback ports, added to ``processes``; their URLs."""
    postgres, pg_port = start_postgres(
        work, ["fsync=off", "full_page_writes=off", "max_connections=200"]
    )
    processes.append(postgres)
    redis, redis_port = start_redis(work)
    processes.append(redis)
    return f"postgres://postgres@127.0.0.1:{pg_port}/postgres", f"redis://127.0.0.1:{redis_port}/0"


def prepare_django(database_url: str, redis_url: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="samenspel.settings",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        DEBUG="0",
        SECRET_KEY=production_env()["SECRET_KEY"],
        ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def new_draft(number: int, editors: int) -> tuple[object, list[str]]:
    """A new draft and API tokens of ``editors`` editors."""
    from django.utils import timezone

    from deliberation.drafts import services
    from samenspel import services as core
    from samenspel.models import Role, User
    from tests.drafts.crash import TEXT

    draft = services.draft_create(
        slug=f"kill-{number}", title=f"Kill {number}", kind="sportnota", by=None,
        now=timezone.now(), text=TEXT,
    )  # fmt: skip
    tokens = []
    for index in range(editors):
        user, _created = User.objects.get_or_create(username=f"kill{index}")
        core.role_grant(user=user, role=Role.EDITOR)
        tokens.append(core.api_token_for(user=user))
    return draft, tokens


def logged_twice(draft: object) -> tuple[int, int]:
    """Rows in the draft's update log, and how many of them repeat an earlier row's update
    (a process logged what another had logged too)."""
    from deliberation.drafts.models import DraftUpdate

    data = [
        bytes(d) for d in DraftUpdate.objects.filter(draft=draft).values_list("data", flat=True)
    ]
    return len(data), len(data) - len(set(data))


async def one_run(
    draft: object, tokens: list[str], env: dict[str, str], work: Path, rng: random.Random, args
) -> dict[str, object]:  # type: ignore[no-untyped-def]
    from asgiref.sync import sync_to_async

    from deliberation.drafts import selectors
    from tests.drafts.crash import editors_for, killable_daphnes, tokens_in, type_through_a_kill

    victim = None if args.no_kill else rng.randrange(2)
    kill_after = 0.3 + rng.random() * (args.seconds - 0.3)
    with killable_daphnes(2, env, work) as (processes, ports):
        editors = editors_for(draft.slug, tokens, ports, rng)  # type: ignore[attr-defined]
        try:
            run = await type_through_a_kill(
                editors=editors,
                processes=processes,
                victim=victim,
                kill_after=kill_after,
                type_after=TYPE_AFTER_KILL,
                rate=args.rate,
                resync=args.resync,
            )
            stored_text = await sync_to_async(selectors.draft_live_text)(draft)
            rows, twice = await sync_to_async(logged_twice)(draft)
        finally:
            for editor in editors:
                await editor.close()
    stored = tokens_in(stored_text)
    held = tokens_in(next(iter(run.texts)))
    return {
        "killed": victim,
        "killed_after_s": round(kill_after, 2),
        "typed": run.typed,
        "confirmed": len(run.confirmed),
        "confirmed_missing": len(run.confirmed - stored),
        "confirmed_before_kill": len(run.confirmed_before_kill),
        "of_those_missing": len(run.confirmed_before_kill - stored),
        "held_by_editors_not_stored": len(held - stored),
        "converged": len(run.texts) == 1,
        "reconnects": run.reconnects,
        "log_rows": rows,
        "logged_twice": twice,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--editors", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3.0, help="latest kill, s of typing")
    parser.add_argument("--rate", type=float, default=8.0, help="edits per second per editor")
    parser.add_argument("--resync", type=float, default=5.0, help="seconds between syncs")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--deadline", type=float, default=900.0, help="seconds for all runs")
    parser.add_argument("--no-kill", action="store_true", help="the same runs without a kill")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="cowrite-kill-"))
    os.chmod(work, 0o755)
    services: list[subprocess.Popen[bytes]] = []
    rows: list[dict[str, object]] = []
    try:
        database_url, redis_url = start_services(work, services)
        prepare_django(database_url, redis_url)
        env = production_env(DATABASE_URL=database_url, REDIS_URL=redis_url, LOG_LEVEL="WARNING")
        print(
            f"seed {seed}: {args.runs} runs, {args.editors} editors on 2 Daphne processes, "
            f"{args.rate:g} edits/s each, sync every {args.resync:g} s, "
            + ("no kill" if args.no_kill else "SIGKILL of either process")
            + f" within {args.seconds:g} s, {TYPE_AFTER_KILL:g} s of typing after it",
            flush=True,
        )
        for number in range(args.runs):
            if time.monotonic() - started > args.deadline:
                print(f"deadline of {args.deadline:g} s reached after {number} runs")
                break
            draft, tokens = new_draft(number, args.editors)
            row = asyncio.run(one_run(draft, tokens, env, work, rng, args))
            rows.append(row)
            print(json.dumps({"run": number + 1, **row}), flush=True)
    finally:
        stop(services)
        shutil.rmtree(work, ignore_errors=True)
    lost = sum(int(row["confirmed_missing"]) for row in rows)  # type: ignore[call-overload]
    diverged = sum(1 for row in rows if not row["converged"])
    totals = {
        "runs": len(rows),
        "kills_of_process": [sum(1 for row in rows if row["killed"] == i) for i in (0, 1)],
        "typed": sum(int(row["typed"]) for row in rows),  # type: ignore[call-overload]
        "confirmed": sum(int(row["confirmed"]) for row in rows),  # type: ignore[call-overload]
        "confirmed_lost": lost,
        "runs_losing_confirmed_edits": sum(1 for row in rows if row["confirmed_missing"]),
        "runs_diverged": diverged,
        "log_rows": sum(int(row["log_rows"]) for row in rows),  # type: ignore[call-overload]
        "logged_twice": sum(int(row["logged_twice"]) for row in rows),  # type: ignore[call-overload]
        "seconds": round(time.monotonic() - started, 1),
    }
    print("total", json.dumps(totals))
    ok = rows and lost == 0 and diverged == 0
    print("NOTHING CONFIRMED WAS LOST" if ok else "CONFIRMED EDITS LOST OR DIVERGED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
