"""Fault: someone who knows the first group of a resident's letter code keeps guessing the rest.

    .venv/bin/python bench/faults/code_guessing.py [--guessers 20] [--seconds 40] [--rounds 3]

Starts its own throwaway PostgreSQL and one Daphne process on loopback (the in-memory
channel layer: nothing live is needed), migrates, and gives ``--rounds`` residents a letter
code. Each round, ``--guessers`` clients post wrong codes with that resident's first group
as fast as the server answers them, for ``--seconds``; a third of the way in, the holder
posts the right code and, when told "probeer het over N seconden opnieuw", waits N seconds
and tries again (at most ten times). Meanwhile another client opens the login page every
half second. For each round it prints the guesses sent and how each was answered (checked
and wrong, told to wait, let in, failed), whether and after how long and how many tries the
holder got in, and the latency of the other page (median, p99) before and during the flood.
Everything it starts is stopped at the end; the whole run is bounded by ``--deadline``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.stack import create_database, start_postgres, stop, stop_after, work_folder  # noqa: E402
from tests.multiprocess import free_port, production_env, wait_for_port  # noqa: E402

PATH = "/inloggen/code/"
# Client addresses, as a reverse proxy names them (X-Forwarded-For; Daphne runs with
# --proxy-headers as in docker-compose.yml): the guessers share one, the holder and the
# other visitor have their own.
GUESSER, HOLDER, VISITOR = "198.51.100.7", "203.0.113.20", "203.0.113.30"
TIMEOUT = 60.0  # per request: longer than any wait the server may impose (30 s)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def prepare(rounds: int) -> None:
    """In a child process with Django set up: residents with fresh codes, printed as JSON."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samenspel.settings")
    django.setup()
    from django.utils import timezone

    from samenspel import services
    from samenspel.models import User

    users = [User.objects.create(username=f"bewoner-{n}") for n in range(rounds)]
    issued = services.invitation_codes_issue(users=users, now=timezone.now())
    print(json.dumps([code.code for code in issued]))


def start_daphne(port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "--proxy-headers"]
        + ["samenspel.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


async def request(
    port: int, method: str, path: str, body: bytes = b"", cookie: str = "", client: str = VISITOR
) -> tuple[int, dict[str, list[str]], str]:
    """One HTTP/1.1 request on a connection of its own: status, headers, body."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), TIMEOUT)
    try:
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n"
            f"X-Forwarded-For: {client}\r\n"
        )
        if cookie:
            head += f"Cookie: {cookie}\r\n"
        if body:
            head += "Content-Type: application/x-www-form-urlencoded\r\n"
        head += f"Content-Length: {len(body)}\r\n\r\n"
        writer.write(head.encode() + body)
        raw = await asyncio.wait_for(reader.read(), TIMEOUT)
    finally:
        writer.close()
    top, _sep, text = raw.decode("utf-8", "replace").partition("\r\n\r\n")
    lines = top.split("\r\n")
    headers: dict[str, list[str]] = {}
    for line in lines[1:]:
        name, _colon, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return int(lines[0].split()[1]), headers, text


async def form_session(port: int, client: str) -> tuple[str, str, str]:
    """A CSRF cookie and the form's token, as a browser gets them by opening the page."""
    _status, headers, text = await request(port, "GET", PATH, client=client)
    cookie = next(c.split(";")[0] for c in headers["set-cookie"] if c.startswith("csrftoken="))
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
    assert match, "no CSRF token on the code page"
    return cookie, match.group(1), client


def answer_kind(status: int, text: str) -> str:
    if status == 302:
        return "let in"
    if "wordt nu vaak geprobeerd" in text:
        return "told to wait, not checked"
    if "Deze code klopt niet" in text:
        return "checked: wrong"
    return f"failed ({status})"


async def post_code(port: int, session: tuple[str, str, str], code: str) -> tuple[int, str]:
    cookie, token, client = session
    body = urlencode({"csrfmiddlewaretoken": token, "code": code}).encode()
    status, _headers, text = await request(port, "POST", PATH, body, cookie, client)
    return status, text


def wrong_guess(lookup: str, n: int) -> str:
    digits = f"{n:08d}".translate(str.maketrans("01", "AB"))
    return f"{lookup}-{digits[:4]}-{digits[4:]}"


async def one_round(port: int, code: str, guessers: int, seconds: float) -> None:
    lookup = code[:4]
    answers: Counter[str] = Counter()
    page_before: list[float] = []
    page_during: list[float] = []
    stop_at = time.monotonic() + seconds

    async def other_page(into: list[float], until: float) -> None:
        while time.monotonic() < until:
            started = time.monotonic()
            await request(port, "GET", PATH)
            into.append(time.monotonic() - started)
            await asyncio.sleep(0.5)

    await other_page(page_before, time.monotonic() + 5)

    async def guesser(index: int) -> None:
        session = await form_session(port, GUESSER)
        n = index * 1_000_000
        while time.monotonic() < stop_at:
            n += 1
            try:
                status, text = await post_code(port, session, wrong_guess(lookup, n))
                answers[answer_kind(status, text)] += 1
            except (OSError, TimeoutError) as error:
                answers[f"failed ({type(error).__name__})"] += 1

    holder: dict[str, object] = {"in": False, "tries": 0, "seconds": float("nan")}

    async def holder_tries() -> None:
        await asyncio.sleep(seconds / 3)
        session = await form_session(port, HOLDER)
        pressed = time.monotonic()
        for _ in range(10):
            holder["tries"] = int(str(holder["tries"])) + 1
            status, text = await post_code(port, session, code)
            if status == 302:
                holder["in"] = True
                holder["seconds"] = time.monotonic() - pressed
                return
            wait = re.search(r"over (\d+) seconden? opnieuw", text)
            await asyncio.sleep(int(wait.group(1)) if wait else 1)

    await asyncio.gather(
        *(guesser(i) for i in range(guessers)),
        holder_tries(),
        other_page(page_during, stop_at),
    )
    sent = sum(answers.values())
    print(
        f"  guesses sent: {sent} in {seconds:.0f} s by {guessers} clients; answered: "
        + ", ".join(f"{kind} {count}" for kind, count in answers.most_common())
    )
    print(
        f"  holder: {'got in' if holder['in'] else 'DID NOT GET IN'} after "
        f"{float(str(holder['seconds'])):.1f} s and {holder['tries']} tries"
    )
    print(
        f"  login page for others: before p50 {pct(page_before, 0.5) * 1000:.0f} ms, "
        f"p99 {pct(page_before, 0.99) * 1000:.0f} ms ({len(page_before)}); during the flood "
        f"p50 {pct(page_during, 0.5) * 1000:.0f} ms, p99 {pct(page_during, 0.99) * 1000:.0f} ms "
        f"({len(page_during)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--guessers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--deadline", type=int, default=600, help="whole run, seconds")
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare is not None:
        prepare(args.prepare)
        return

    stop_after(args.deadline)
    work = work_folder("code-guessing-")
    started: list[subprocess.Popen[bytes]] = []
    try:
        postgres, pg_port = start_postgres(work)
        started.append(postgres)
        create_database(pg_port, "samenspel")
        env = production_env(DATABASE_URL=f"postgres://postgres@127.0.0.1:{pg_port}/samenspel")
        env["DEBUG"] = "1"  # static files without collectstatic; nothing timed depends on it
        env.pop("REDIS_URL", None)
        quiet = dict(cwd=ROOT, env=env, check=True)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], stdout=subprocess.DEVNULL, **quiet
        )
        prepared = subprocess.run(
            [sys.executable, __file__, "--prepare", str(args.rounds)],
            capture_output=True,
            text=True,
            **quiet,
        )
        codes = json.loads(prepared.stdout.strip().splitlines()[-1])
        port = free_port()
        daphne = start_daphne(port, env, work / "daphne.log")
        started.insert(0, daphne)
        wait_for_port(daphne, port, 60)
        settings = {k: v for k, v in env.items() if k.startswith("LOGIN_")}
        print(
            f"tried: {args.rounds} rounds of {args.guessers} clients guessing one code for "
            f"{args.seconds:.0f} s each, one Daphne process on PostgreSQL, login settings "
            f"{settings or 'defaults'}"
        )
        for number, code in enumerate(codes, start=1):
            print(f"round {number}:")
            asyncio.run(one_round(port, code, args.guessers, args.seconds))
    finally:
        stop(started)
        print(f"stopped {len(started)} servers")


if __name__ == "__main__":
    main()
