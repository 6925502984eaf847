"""Fault: someone reads the database (not SECRET_KEY) and tries to link ballots to voters.

    .venv/bin/python bench/faults/ballot_linking.py [--voters 1000] [--revoters 150]
        [--deadline 300]

Starts its own throwaway PostgreSQL on loopback, migrates, makes an open IRV poll with
``--voters`` eligible residents, and casts every ballot through the services, one
transaction each, as the ballot page does (every ninth on paper, ``--revoters`` of the
online voters a second time). Then, as a reader of the tables, it tries every join of
tests/voting/test_secrecy_database.py: before closing (sealed rows) and after. It prints
what was tried, how many ballots each attack linked to the right voter against what random
pairing reaches, and the cost: the time per cast (p50/p99), the size of a sealed ballot and
the time closing takes to open the seals and count. Everything it starts is stopped at the
end; the run is bounded by ``--deadline``.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import shutil
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.stack import create_database, start_postgres, stop, stop_after, work_folder  # noqa: E402


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(voters: int, revoters: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from samenspel.models import User
    from tests.voting.test_secrecy_database import (
        attacks,
        chance_limit,
        pair_in_order,
        physical,
        read_tables,
    )
    from voting import selectors, services
    from voting.models import Method

    try:
        from voting.models import PendingBallot
    except ImportError:  # the code before sealing: ballots were stored at casting
        PendingBallot = None  # noqa: N806

    rng = random.Random(2026)
    manager = User.objects.create(username="regisseur", is_superuser=True)
    User.objects.bulk_create([User(username=f"kiezer{i}") for i in range(voters)])
    people = list(User.objects.filter(username__startswith="kiezer").order_by("pk"))
    options = ["Speeltuin", "Bankjes", "Bomen", "Moestuin", "Pannakooi", "Jeu de boules"]
    poll = services.poll_create(
        title="Wat komt er op het plein?",
        method=Method.IRV,
        options=[services.OptionSpec(title) for title in options],
        eligible=people,
        by=manager,
    )
    poll = services.poll_open(poll=poll, by=manager)
    keys = [str(i) for i in range(1, len(options) + 1)]
    casts: list[float] = []
    cpu: list[float] = []
    online = []
    for index, person in enumerate(people):
        ranking = rng.sample(keys, rng.randint(1, len(keys)))
        started, cpu_started = time.perf_counter(), time.process_time()
        if index % 9 == 8:
            services.paper_ballot_cast(poll=poll, participant=person, choice=ranking, by=manager)
        else:
            services.ballot_cast(poll=poll, participant=person, choice=ranking)
            online.append(person)
        casts.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    for person in rng.sample(online, min(revoters, len(online))):
        started = time.perf_counter()
        services.ballot_cast(poll=poll, participant=person, choice=rng.sample(keys, 2))
        casts.append(time.perf_counter() - started)

    owners: dict[str, int] = {}
    sealed_rows: list[tuple] = []
    sealed_joined = 0
    if PendingBallot is not None:
        owners = {selectors.pending_key(poll, person.pk): person.pk for person in people}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT CAST(id AS text), ctid::text, lookup, length(sealed) "
                "FROM voting_pendingballot WHERE poll_id = %s",
                [poll.pk],
            )
            sealed_rows = cursor.fetchall()
            cursor.execute(
                "SELECT count(*) FROM voting_eligibility e JOIN voting_pendingballot p "
                "ON e.xmin = p.xmin WHERE e.poll_id = %s AND p.poll_id = %s",
                [poll.pk, poll.pk],
            )
            sealed_joined = cursor.fetchone()[0]
    _marks_open, ballots_open = read_tables(poll)
    started = time.perf_counter()
    services.poll_close(poll=poll, by=manager)
    close_seconds = time.perf_counter() - started

    marks, ballots = read_tables(poll)
    truth = {selectors.voter_key(poll, person.pk): person.pk for person in people}
    via = {mark["participant"]: mark["via"] for mark in marks}
    limit = chance_limit(len(set(via.values())))
    print(
        f"tried: {voters} voters ({sum(1 for v in via.values() if v == 'paper')} on paper), "
        f"{min(revoters, len(online))} re-votes, {len(casts)} casts, PostgreSQL"
    )
    print(
        f"before closing: {len(sealed_rows)} sealed rows, sizes "
        f"{sorted({size for *_r, size in sealed_rows})} bytes; marks joined to a sealed row "
        f"on xmin: {sealed_joined} (expected: the seal hides what it holds); "
        f"ballot rows readable: {len(ballots_open)}"
    )
    print(
        f"after closing: {len(ballots)} ballots, {len(marks)} marks; random pairing gets "
        f"about Poisson({len(set(via.values()))}) right, below {limit} in all but one in a "
        "million"
    )

    def correct(guess: dict[str, int]) -> int:
        return sum(1 for b in ballots if guess.get(str(b["id"])) == truth[str(b["key"])])

    for name, attack in attacks(postgres=True).items():
        print(f"  {name:<55} {correct(attack(marks, ballots)):>5} linked")
    held = [
        {
            "participant": owners[lookup],
            "id": i,
            "place": physical(c),
            "size": size,
            "via": via[owners[lookup]],
        }
        for i, c, lookup, size in sealed_rows
    ]
    for name, guess in {
        "sealed rows copied before closing, physical order": pair_in_order(
            held, ballots, lambda r: r["place"], lambda r: r["place"]
        ),
        "sealed rows copied before closing, id order": pair_in_order(
            held, ballots, lambda r: r["id"], lambda r: r["id"]
        ),
        "sealed rows copied before closing, size": pair_in_order(
            held, ballots, lambda r: (r["size"], r["place"]), lambda r: (r["size"], r["place"])
        ),
    }.items():
        print(f"  {name:<55} {correct(guess):>5} linked")
    print(
        f"cost: cast p50 {pct(casts, 0.5) * 1000:.1f} ms, p99 {pct(casts, 0.99) * 1000:.1f} ms "
        f"(CPU of this process, first casts: p50 {pct(cpu, 0.5) * 1000:.2f} ms); "
        f"closing ({len(ballots)} seals opened, shuffled, stored, counted) "
        f"{close_seconds * 1000:.0f} ms"
    )
    if PendingBallot is not None:
        from voting import sealing

        data = {
            "id": str(ballots[0]["id"]),
            "voter_key": "k" * 64,
            "content": keys,
            "source": "online",
        }
        block = sealing.block_size(len(options))
        started = time.process_time()
        for _ in range(1000):
            lookup = secrets.token_hex(32)
            sealed = sealing.seal(poll_id=poll.pk, lookup=lookup, data=data, block=block)
            sealing.unseal(poll_id=poll.pk, lookup=lookup, sealed=sealed)
        per_ballot = (time.process_time() - started) / 1000
        print(
            f"cost: sealing and opening one ballot {per_ballot * 1e6:.0f} µs of CPU "
            "(1,000 in a row)"
        )
    print(f"lost: {voters - len(ballots)} ballots")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--voters", type=int, default=1000)
    parser.add_argument("--revoters", type=int, default=150)
    parser.add_argument("--deadline", type=int, default=300)
    args = parser.parse_args()
    work = work_folder("ballot-linking-")
    server, port = start_postgres(work)
    stop_after(args.deadline)
    try:
        create_database(port, "linking")
        os.environ.update(
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/linking",
            DJANGO_SETTINGS_MODULE="samenspel.settings",
            DEBUG="1",
            SECRET_KEY=secrets.token_urlsafe(50),
            DB_CONN_MAX_AGE="0",
            DB_POOL_MAX_SIZE="0",
        )
        os.environ.pop("REDIS_URL", None)
        run(args.voters, args.revoters)
    finally:
        signal.alarm(0)
        from django.db import connections

        connections.close_all()
        stop([server])
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
