"""Ballot secrecy against someone who can read the database but not SECRET_KEY.

A hundred people vote (some on paper, some twice); then a reader of the tables tries every
join a database offers between a ballot and its voter's eligibility mark: the transaction id
(PostgreSQL's ``xmin``), equal or nearby, the physical order (``ctid``; SQLite's ``rowid``),
the order of ids, of trackers and of voter keys, the order of casting, the re-vote counter,
and timestamps. Each attack guesses a voter for every ballot; it may get no more right than
pairing at random does.

The bound: the reader can tell paper from online ballots (both sides say so), so random
pairing within each of those classes is what chance gives. The number of voters a random
pairing of a class gets right is close to Poisson(1) (a random permutation's fixed points),
so over the classes it is Poisson(number of classes). An attack passes if it gets fewer right
than the count that Poisson distribution reaches with probability one in a million.

The tests commit real transactions (``transaction=True``): inside one test transaction every
write would share an xid, which is not what a real database shows.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable

import pytest
from django.db import connection

from samenspel.models import Role
from tests.factories import UserFactory
from voting import selectors, services
from voting.models import Method, Poll

from .tables import seat

pytestmark = pytest.mark.django_db(transaction=True)

VOTERS = 100
PAPER_EVERY = 9  # every ninth voter votes on paper at a table
REVOTERS = 15
OPTIONS = ["Speeltuin", "Bankjes", "Bomen", "Moestuin", "Pannakooi", "Jeu de boules"]

Row = dict[str, object]
Guess = dict[str, int]  # ballot id -> the participant the reader guesses cast it


def chance_limit(classes: int, odds: float = 1e-6) -> int:
    """The smallest count random pairing reaches with probability below ``odds``."""
    total, k = 0.0, 0
    while True:
        total += math.exp(-classes) * classes**k / math.factorial(k)
        k += 1
        if 1 - total < odds:
            return k


def run_poll(seed: int) -> tuple[Poll, list, object]:
    """An open IRV poll in which everyone has voted: in the order they became eligible
    (the order of check-in at a summit), every ninth on paper, fifteen of them twice."""
    rng = random.Random(seed)
    manager = UserFactory(roles=[Role.FACILITATOR])
    host = UserFactory(roles=[(Role.TABLE_HOST, "summit:burgertop-2026")])
    people = [UserFactory() for _ in range(VOTERS)]
    seat(host, people)
    poll = services.poll_create(
        title="Wat komt er op het plein?",
        method=Method.IRV,
        options=[services.OptionSpec(title) for title in OPTIONS],
        eligible=people,
        context="summit:burgertop-2026/step:6",
        by=manager,
    )
    poll = services.poll_open(poll=poll, by=manager)
    keys = [str(i) for i in range(1, len(OPTIONS) + 1)]
    online = []
    for index, person in enumerate(people):
        ranking = rng.sample(keys, rng.randint(1, len(keys)))
        if index % PAPER_EVERY == PAPER_EVERY - 1:
            services.paper_ballot_cast(poll=poll, participant=person, choice=ranking, by=host)
        else:
            services.ballot_cast(poll=poll, participant=person, choice=ranking)
            online.append(person)
    for person in rng.sample(online, REVOTERS):
        services.ballot_cast(poll=poll, participant=person, choice=rng.sample(keys, 2))
    return poll, people, manager


def physical(row_position: object) -> tuple[int, ...]:
    """A row's physical place: PostgreSQL's ctid '(page,item)' or SQLite's rowid."""
    if isinstance(row_position, str):
        return tuple(int(part) for part in row_position.strip("()").split(","))
    return (int(row_position),)  # type: ignore[call-overload]


def read_tables(poll: Poll) -> tuple[list[Row], list[Row]]:
    """What the reader sees: the eligibility marks of those who voted, and the ballots, with
    the system columns the database offers (xmin and ctid on PostgreSQL, rowid on SQLite)."""
    postgres = connection.vendor == "postgresql"
    xmin = "xmin::text::bigint" if postgres else "NULL"
    place = "ctid::text" if postgres else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT participant_id, id, {xmin}, {place}, revision, cast_via "  # noqa: S608
            "FROM voting_eligibility WHERE poll_id = %s AND has_voted",
            [poll.pk],
        )
        marks = [
            {"participant": p, "id": i, "xmin": x, "place": physical(c), "revision": r, "via": v}
            for p, i, x, c, r, v in cursor.fetchall()
        ]
        cursor.execute(
            f"SELECT id, {xmin}, {place}, tracker, voter_key, source, content "  # noqa: S608
            "FROM voting_ballot WHERE poll_id = %s",
            [poll.pk],
        )
        ballots = [
            {"id": str(i), "xmin": x, "place": physical(c), "tracker": t, "key": k, "via": s,
             "size": len(json.dumps(v if not isinstance(v, str) else json.loads(v)))}
            for i, x, c, t, k, s, v in cursor.fetchall()
        ]
    return marks, ballots


def pair_in_order(
    marks: list[Row], ballots: list[Row], mark_key: Callable[[Row], object],
    ballot_key: Callable[[Row], object],
) -> Guess:
    """Sort both sides, within paper and online apart, and pair them off in that order."""
    guess: Guess = {}
    for via in {str(mark["via"]) for mark in marks}:
        side_marks = sorted((m for m in marks if m["via"] == via), key=mark_key)  # type: ignore[arg-type]
        side_ballots = sorted((b for b in ballots if b["via"] == via), key=ballot_key)  # type: ignore[arg-type]
        for mark, ballot in zip(side_marks, side_ballots, strict=False):
            guess[str(ballot["id"])] = int(mark["participant"])  # type: ignore[call-overload]
    return guess


def same_xmin(marks: list[Row], ballots: list[Row]) -> Guess:
    by_xmin = {mark["xmin"]: mark["participant"] for mark in marks}
    return {
        str(b["id"]): int(by_xmin[b["xmin"]])  # type: ignore[call-overload]
        for b in ballots
        if b["xmin"] in by_xmin
    }


def nearest_earlier_xmin(marks: list[Row], ballots: list[Row]) -> Guess:
    """Each ballot to the mark written by the closest transaction at or before it."""
    guess: Guess = {}
    for ballot in ballots:
        earlier = [m for m in marks if m["via"] == ballot["via"] and m["xmin"] <= ballot["xmin"]]  # type: ignore[operator]
        if earlier:
            best = max(earlier, key=lambda m: (m["xmin"], m["place"]))  # type: ignore[arg-type, return-value]
            guess[str(ballot["id"])] = int(best["participant"])  # type: ignore[call-overload]
    return guess


def attacks(postgres: bool) -> dict[str, Callable[[list[Row], list[Row]], Guess]]:
    cast_order: Callable[[Row], object] = (
        (lambda m: m["xmin"]) if postgres else (lambda m: m["id"])
    )
    found: dict[str, Callable[[list[Row], list[Row]], Guess]] = {
        "physical order of both tables": lambda m, b: pair_in_order(
            m, b, lambda r: r["place"], lambda r: r["place"]
        ),
        "order of casting against the ballots' physical order": lambda m, b: pair_in_order(
            m, b, cast_order, lambda r: r["place"]
        ),
        "id order": lambda m, b: pair_in_order(m, b, lambda r: r["id"], lambda r: r["id"]),
        "order of casting against id order": lambda m, b: pair_in_order(
            m, b, cast_order, lambda r: r["id"]
        ),
        "participant order against tracker order": lambda m, b: pair_in_order(
            m, b, lambda r: r["participant"], lambda r: r["tracker"]
        ),
        "participant order against voter-key order": lambda m, b: pair_in_order(
            m, b, lambda r: r["participant"], lambda r: r["key"]
        ),
        "re-votes last": lambda m, b: pair_in_order(
            m, b, lambda r: (r["revision"], cast_order(r)), lambda r: r["place"]
        ),
        "ballot size against casting order": lambda m, b: pair_in_order(
            m, b, cast_order, lambda r: (r["size"], r["place"])
        ),
    }
    if postgres:
        found["equal xmin"] = same_xmin
        found["nearest earlier xmin"] = nearest_earlier_xmin
        found["xmin order"] = lambda m, b: pair_in_order(
            m, b, lambda r: r["xmin"], lambda r: (r["xmin"], r["place"])
        )
    return found


def date_or_time_columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, table)
    found = []
    for column in description:
        field = connection.introspection.get_field_type(column.type_code, column)
        if "Date" in field or "Time" in field:
            found.append(column.name)
    return found


def test_a_database_reader_without_the_secret_key_links_no_ballot_to_its_voter_beyond_chance():
    poll, people, manager = run_poll(seed=2026)
    services.poll_close(poll=poll, by=manager)
    marks, ballots = read_tables(poll)
    assert len(marks) == len(ballots) == VOTERS
    # Only the test knows the truth: it holds SECRET_KEY, the reader does not.
    truth = {selectors.voter_key(poll, person.pk): person.pk for person in people}
    classes = len({str(mark["via"]) for mark in marks})
    limit = chance_limit(classes)
    postgres = connection.vendor == "postgresql"
    linked = {}
    for name, attack in attacks(postgres).items():
        guess = attack(marks, ballots)
        linked[name] = sum(
            1 for ballot in ballots if guess.get(str(ballot["id"])) == truth[str(ballot["key"])]
        )
    assert all(count < limit for count in linked.values()), (
        f"ballots linked to their voter (chance stays below {limit}): {linked}"
    )
    # Nothing records a time on either side.
    assert date_or_time_columns("voting_ballot") == []
    assert date_or_time_columns("voting_eligibility") == []


def test_a_reader_who_copies_the_tables_just_before_closing_cannot_follow_a_sealed_ballot():
    """While the poll is open a cast ballot is stored sealed, in a row written with the
    voter's mark (so the reader may know whose it is); closing opens the seals and stores the
    ballots anew. Nothing of a sealed row may lead to its ballot after closing."""
    from voting.models import PendingBallot

    poll, people, manager = run_poll(seed=12)
    postgres = connection.vendor == "postgresql"
    place = "ctid::text" if postgres else "rowid"
    owners = {selectors.pending_key(poll, person.pk): person.pk for person in people}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT CAST(id AS text), {place}, lookup, sealed, length(sealed) "  # noqa: S608
            f"FROM {PendingBallot._meta.db_table} WHERE poll_id = %s",
            [poll.pk],
        )
        sealed_rows = cursor.fetchall()
    assert len(sealed_rows) == VOTERS
    # The reader sees no ballot before closing, and every sealed row has the same size.
    assert read_tables(poll)[1] == []
    assert len({size for *_rest, size in sealed_rows}) == 1
    # The worst case: the reader knows whose every sealed row is (on PostgreSQL the row
    # shares its xid with the voter's mark).
    held = [
        {"participant": owners[lookup], "id": i, "place": physical(c), "blob": bytes(blob),
         "via": ""}
        for i, c, lookup, blob, _size in sealed_rows
    ]
    services.poll_close(poll=poll, by=manager)
    marks, ballots = read_tables(poll)
    via = {mark["participant"]: mark["via"] for mark in marks}
    for row in held:
        row["via"] = via[row["participant"]]
    truth = {selectors.voter_key(poll, person.pk): person.pk for person in people}
    limit = chance_limit(len(set(via.values())))
    linked = {}
    for name, guess in {
        "physical order": pair_in_order(held, ballots, lambda r: r["place"], lambda r: r["place"]),
        "id order": pair_in_order(held, ballots, lambda r: r["id"], lambda r: r["id"]),
        "sealed size against ballot size": pair_in_order(
            held, ballots, lambda r: (len(r["blob"]), r["place"]), lambda r: (r["size"], r["place"])
        ),
    }.items():
        linked[name] = sum(
            1 for ballot in ballots if guess.get(str(ballot["id"])) == truth[str(ballot["key"])]
        )
    assert all(count < limit for count in linked.values()), linked
    # No value of a sealed row reappears in a ballot row, nor a ballot's content in a seal.
    sealed_values = {str(row["id"]) for row in held} | set(owners)
    for ballot in ballots:
        assert not {str(ballot["id"]), ballot["tracker"], ballot["key"]} & sealed_values
        for row in held:
            assert str(ballot["tracker"]).encode() not in row["blob"]  # type: ignore[operator]
    assert not PendingBallot.objects.filter(poll=poll).exists()
