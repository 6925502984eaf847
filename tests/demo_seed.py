"""The small demo (``seed_demo --small``) in a test's database, seeded for real once per test
process and put back from a copy for the next test that asks for it.

Seeding the demo takes 10 to 25 s (it casts ballots and renders three participation reports
as PDF), and a dozen tests read it. The first test of a process that asks runs the command
as before; what it changed in the database (the rows of every model whose rows differ), the
files it wrote and what it printed are kept, and a later test gets the same rows back
(deleted and loaded in its own transaction, rolled back at its end as usual), the same files
and the same print. A test whose database does not start where the first one's did (a
transactional test emptied it) is seeded for real again. Tests of the command itself (a
second run adds nothing) ask for two runs: the copy is of the state after both, and when this
process already has the copy of one run, only the second is run for real.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models
from django.test import TestCase


@dataclass(frozen=True)
class _Copy:
    before: dict[str, int]  # rows per model before seeding: the database the copy fits
    changed: list[type[models.Model]]
    rows: list[dict[str, Any]]  # the changed models' rows, Django's "python" serialization
    logins: str
    codes: str
    printed: str


_copies: dict[tuple[int, bool], _Copy] = {}


def _models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if not m._meta.proxy and m._meta.managed]


def _counts() -> dict[str, int]:
    return {m._meta.label: m._base_manager.count() for m in _models()}


def _rows(model: type[models.Model]) -> list[dict[str, Any]]:
    return serializers.serialize("python", model._base_manager.order_by("pk"))


def _run(logins: Path, codes: Path, runs: int, on_commit: bool) -> str:
    printed = []
    for _ in range(runs):
        out = _Print()
        args = ["--small", "--logins-file", str(logins), "--codes-file", str(codes)]
        if on_commit:
            with TestCase.captureOnCommitCallbacks(execute=True):
                call_command("seed_demo", *args, stdout=out)
        else:
            call_command("seed_demo", *args, stdout=out)
        printed.append(out.text)
    return printed[-1]


class _Print:
    """A stream for the command's print, kept as text."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        pass


def _tables(model: type[models.Model]) -> list[str]:
    """The model's table and those of the many-to-many fields it declares."""
    tables = [model._meta.db_table]
    for field in model._meta.local_many_to_many:
        through = field.remote_field.through  # type: ignore[attr-defined]
        if through._meta.auto_created:
            tables.append(through._meta.db_table)
    return tables


def _put_back(copy: _Copy) -> None:
    """The copy's rows in this test's database: the changed models' rows deleted (foreign
    keys are checked at commit, which a test never reaches) and the copy's loaded."""
    with connection.cursor() as cursor:
        for model in copy.changed:
            for table in _tables(model):
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608
    for stored in serializers.deserialize("python", copy.rows):
        stored.save()
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), copy.changed):
            cursor.execute(statement)


def seed_demo(
    logins_file: Path,
    codes_file: Path,
    *,
    runs: int = 1,
    on_commit: bool = False,
    stdout: IO[str] | None = None,
) -> None:
    """``seed_demo --small`` run ``runs`` times in this test's database (with the callbacks
    it leaves for the commit run, if ``on_commit``), its files written where asked and its
    last print written to ``stdout``; from the copy when this process has one that fits."""
    key = (runs, on_commit)
    before = _counts()
    copy = _copies.get(key)
    if copy is not None and copy.before == before:
        _put_back(copy)
        logins_file.write_text(copy.logins, encoding="utf-8")
        codes_file.write_text(copy.codes, encoding="utf-8")
        printed = copy.printed
    else:
        earlier = {m: _rows(m) for m in _models()}
        shorter = _copies.get((runs - 1, on_commit))
        if shorter is not None and shorter.before == before:
            # The runs but the last from the copy of them, the last for real.
            _put_back(shorter)
            logins_file.write_text(shorter.logins, encoding="utf-8")
            codes_file.write_text(shorter.codes, encoding="utf-8")
            printed = _run(logins_file, codes_file, 1, on_commit)
        else:
            printed = _run(logins_file, codes_file, runs, on_commit)
        changed = [m for m, rows in earlier.items() if _rows(m) != rows]
        _copies[key] = _Copy(
            before=before,
            changed=changed,
            rows=[row for model in changed for row in _rows(model)],
            logins=logins_file.read_text(encoding="utf-8"),
            codes=codes_file.read_text(encoding="utf-8"),
            printed=printed,
        )
    if stdout is not None:
        stdout.write(printed)
