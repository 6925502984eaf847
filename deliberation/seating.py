"""Seating: pure functions over plain data. No Django, no clock; randomness is seeded.

``seat`` spreads people over tables so each table mixes neighbourhoods, age groups and roles;
hosts stay at their own table; a reseat keeps people away from the table they sat at before.
``seat_by_choice`` fills theme tables in order of preference up to each table's cap.
``table_with_room`` picks, for someone who chose a theme, the table of it with most room.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    id: int
    neighbourhood: str = ""
    age_group: str = ""
    role: str = "resident"


@dataclass(frozen=True)
class Table:
    number: int
    capacity: int
    host_id: int | None = None


class SeatingError(ValueError):
    """More people than seats."""


def age_group(birth_year: int | None, year: int) -> str:
    if birth_year is None:
        return ""
    age = year - birth_year
    for upper, label in ((25, "18-24"), (40, "25-39"), (65, "40-64")):
        if age < upper:
            return label
    return "65+"


def seat(
    people: list[Person],
    tables: list[Table],
    *,
    previous: dict[int, int] | None = None,
    seed: int = 0,
) -> dict[int, int]:
    """Person id -> table number for everyone in ``people`` (hosts included, at their table)."""
    previous = previous or {}
    hosts = {table.host_id: table.number for table in tables if table.host_id is not None}
    seated: dict[int, int] = {}
    size: Counter[int] = Counter()
    mix: dict[int, Counter[tuple[str, str]]] = {table.number: Counter() for table in tables}
    capacity = {table.number: table.capacity for table in tables}
    guests = []
    for person in people:
        if person.id in hosts:
            number = hosts[person.id]
            seated[person.id] = number
            size[number] += 1
            mix[number].update(_traits(person))
        else:
            guests.append(person)
    if len(guests) > sum(capacity.values()) - sum(size.values()):
        raise SeatingError("not enough seats")
    rng = random.Random(seed)
    rng.shuffle(guests)
    # The rarest traits first: they are the hardest to spread evenly.
    frequency = Counter(trait for person in guests for trait in _traits(person))
    guests.sort(key=lambda person: min(frequency[t] for t in _traits(person)))
    order = [table.number for table in tables]
    for person in guests:
        traits = _traits(person)
        open_tables = [number for number in order if size[number] < capacity[number]]
        best = min(
            open_tables,
            key=lambda number: (
                previous.get(person.id) == number,
                sum(mix[number][t] for t in traits),
                size[number],
            ),
        )
        seated[person.id] = best
        size[best] += 1
        mix[best].update(traits)
    return seated


def _traits(person: Person) -> list[tuple[str, str]]:
    return [
        ("neighbourhood", person.neighbourhood),
        ("age", person.age_group),
        ("role", person.role),
    ]


def seat_by_choice(
    choices: list[tuple[int, list[int]]], capacities: dict[int, int]
) -> dict[int, int]:
    """Person id -> table number: first choice with room, else the next, else the emptiest.

    ``choices`` is in order of arrival (who chose first gets their first choice first).
    """
    size: Counter[int] = Counter()
    seated: dict[int, int] = {}
    for person_id, wanted in choices:
        chosen = next((n for n in wanted if size[n] < capacities.get(n, 0)), None)
        if chosen is None:
            open_tables = [n for n, cap in capacities.items() if size[n] < cap]
            if not open_tables:
                raise SeatingError("not enough seats")
            chosen = min(open_tables, key=lambda n: (size[n], n))
        seated[person_id] = chosen
        size[chosen] += 1
    return seated


def table_with_room(free_seats: dict[int, int]) -> int | None:
    """Table number -> free seats of one theme's tables: the table with most free seats
    (the lowest number among equals), or None when every one is full. Filling the emptiest
    first keeps the theme's tables about equally large."""
    open_tables = [number for number, free in free_seats.items() if free > 0]
    if not open_tables:
        return None
    return min(open_tables, key=lambda number: (-free_seats[number], number))
