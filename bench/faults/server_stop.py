"""Fault: a server process is told to stop (SIGTERM) while people use it.

    .venv/bin/python bench/faults/server_stop.py [--rounds 5] [--sockets 50] [--pages 20]
        [--grace 5] [--kill-after 20]

Starts its own throwaway PostgreSQL and Redis on loopback and makes a resident with a
letter code and an API token. Each round starts one Daphne process on them, opens
``--sockets`` live sockets (``/ws/site/``), puts one letter-code login in flight that the
slowdown makes wait 30 s (a wrong guess after the one free failure), starts ``--pages``
loads of the home page, and sends SIGTERM ``--lead`` seconds (0.1) later. It prints, per round, how long
the process took to exit (SIGKILL after ``--kill-after`` seconds: "did not exit"), how the
live sockets ended (a close frame, or a broken connection), what the waiting login got,
and what the page loads got; then the medians. ``--grace`` is the servers'
HTTP_STOP_GRACE_SECONDS. Everything it starts is stopped at the end; the whole run is
bounded by ``--deadline``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import signal
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.stack import (  # noqa: E402
    django_on_postgres,
    start_postgres,
    start_redis,
    stop,
    stop_after,
    work_folder,
)
from tests.multiprocess import free_port, start_daphne, wait_for_port  # noqa: E402

SLOWED_SECONDS = 30


def resident() -> tuple[str, str]:
    """A fresh letter code (its first failure allowed) and an API token of one resident."""
    from django.utils import timezone

    from samenspel import services
    from samenspel.models import User

    user, _created = User.objects.get_or_create(
        username="stopbewoner", defaults={"display_name": "Stop B."}
    )
    code = services.invitation_codes_issue(users=[user], now=timezone.now())[0].code
    return code, services.api_token_for(user=user)


def attempts_counted(code: str) -> int:
    from samenspel.models import LoginThrottle

    row = LoginThrottle.objects.filter(key=f"code:{code.replace('-', '')[:4]}").first()
    return 0 if row is None else row.failures


async def post_guess(client: httpx.AsyncClient, base: str, guess: str) -> str:
    try:
        page = await client.get(f"{base}/inloggen/code/")
        answer = await client.post(
            f"{base}/inloggen/code/",
            data={"code": guess, "csrfmiddlewaretoken": page.cookies.get("csrftoken", "")},
        )
    except httpx.HTTPError as error:
        return f"broken ({type(error).__name__})"
    return f"HTTP {answer.status_code}"


async def load_page(client: httpx.AsyncClient, base: str) -> str:
    try:
        return f"HTTP {(await client.get(f'{base}/')).status_code}"
    except httpx.HTTPError as error:
        return f"broken ({type(error).__name__})"


async def socket_end(socket: object, seconds: float) -> str:
    try:
        while True:
            await asyncio.wait_for(socket.recv(), seconds)  # type: ignore[attr-defined]
    except ConnectionClosed as closed:
        return f"close frame {closed.rcvd.code}" if closed.rcvd else "broken (no close frame)"
    except TimeoutError:
        return "still open"


async def one_round(args: argparse.Namespace, env: dict[str, str], work: Path, n: int) -> dict:
    from asgiref.sync import sync_to_async

    code, token = await sync_to_async(resident)()
    wrong = f"{code[:4]}-AAAA-BBBB"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = start_daphne(port, env, work / f"daphne-{n}.log")
    try:
        wait_for_port(process, port, 60)
        async with (
            httpx.AsyncClient(timeout=SLOWED_SECONDS + 30) as guesser,
            # One client, a connection per page load: making a client takes milliseconds.
            httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=None)) as visitor,
        ):
            await post_guess(guesser, base, wrong)  # the free failure: the next one waits
            sockets = [
                await connect(f"ws://127.0.0.1:{port}/ws/site/?token={token}", open_timeout=30)
                for _ in range(args.sockets)
            ]
            slowed = asyncio.create_task(post_guess(guesser, base, wrong))
            for _ in range(200):  # until the attempt is counted: it waits inside Django
                if await sync_to_async(attempts_counted)(code) >= 2:
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.2)
            pages = [asyncio.create_task(load_page(visitor, base)) for _ in range(args.pages)]
            await asyncio.sleep(args.lead)  # the page loads are on their way
            told = time.monotonic()
            process.send_signal(signal.SIGTERM)
            exited_in = None
            while time.monotonic() - told < args.kill_after:
                if process.poll() is not None:
                    exited_in = time.monotonic() - told
                    break
                await asyncio.sleep(0.02)
            if exited_in is None:
                process.kill()
                process.wait(timeout=10)
            ends = await asyncio.gather(*(socket_end(s, 5) for s in sockets))
            login = await asyncio.wait_for(slowed, SLOWED_SECONDS + 30)
            loads = await asyncio.gather(*pages)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    return {
        "exited_in": exited_in,
        "sockets": Counter(ends),
        "login": login,
        "pages": Counter(loads),
    }


async def run(args: argparse.Namespace, env: dict[str, str], work: Path) -> None:
    exits: list[float] = []
    not_exited = 0
    sockets: Counter[str] = Counter()
    logins: Counter[str] = Counter()
    pages: Counter[str] = Counter()
    for n in range(args.rounds):
        got = await one_round(args, env, work, n)
        exited = got["exited_in"]
        if exited is None:
            not_exited += 1
        else:
            exits.append(exited)
        sockets += got["sockets"]
        logins[got["login"]] += 1
        pages += got["pages"]
        said = "did not exit (killed)" if exited is None else f"exited in {exited:.2f} s"
        print(
            f"round {n + 1}: {said}; sockets: {dict(got['sockets'])}; waiting login: "
            f"{got['login']}; page loads: {dict(got['pages'])}",
            flush=True,
        )
    print(f"summary of {args.rounds} rounds:")
    if exits:
        print(
            f"  exited after SIGTERM: {len(exits)}, median {statistics.median(exits):.2f} s, "
            f"max {max(exits):.2f} s; did not exit within {args.kill_after} s: {not_exited}"
        )
    else:
        print(f"  no process exited within {args.kill_after} s of SIGTERM ({not_exited} killed)")
    print(f"  live sockets ({args.sockets} per round): {dict(sockets)}")
    print(f"  waiting logins: {dict(logins)}")
    print(f"  page loads ({args.pages} per round): {dict(pages)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sockets", type=int, default=50)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--lead", type=float, default=0.1, help="pages sent this long before")
    parser.add_argument("--grace", type=float, default=5.0, help="HTTP_STOP_GRACE_SECONDS")
    parser.add_argument("--kill-after", type=float, default=20.0)
    parser.add_argument("--deadline", type=int, default=600, help="whole run, seconds")
    parser.add_argument("--logs", type=Path, help="copy the servers' logs into this folder")
    args = parser.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    stop_after(args.deadline)
    work = work_folder("server-stop-")
    postgres, pg_port = start_postgres(work)
    redis, redis_port = start_redis(work)
    try:
        django_on_postgres(pg_port)
        env = dict(
            os.environ,
            DEBUG="1",
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{pg_port}/bench",
            REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            HTTP_STOP_GRACE_SECONDS=str(args.grace),
            LOGIN_MAX_FAILURES="1",
            LOGIN_CODE_DELAY_SECONDS=str(SLOWED_SECONDS),
            LOGIN_CODE_MAX_DELAY_SECONDS=str(SLOWED_SECONDS),
        )
        print(
            f"tried: {args.rounds} rounds of SIGTERM to one Daphne process (PostgreSQL, Redis) "
            f"with {args.sockets} live sockets open, one letter-code login waiting "
            f"{SLOWED_SECONDS} s, and {args.pages} page loads sent {args.lead} s before; "
            f"HTTP_STOP_GRACE_SECONDS={args.grace}; load average before: "
            f"{' '.join(Path('/proc/loadavg').read_text().split()[:3])}",
            flush=True,
        )
        asyncio.run(run(args, env, work))
    finally:
        stop([redis, postgres])
        if args.logs:
            args.logs.mkdir(parents=True, exist_ok=True)
            for log in work.glob("daphne-*.log"):
                shutil.copy(log, args.logs / log.name)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
