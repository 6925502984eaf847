"""A server process's garbage collector does not stop the process while screens connect.

A full collection walks every object and holds up the event loop meanwhile; with thousands
of sockets it took up to seconds (``samenspel/collector.py``). These tests grow a process
the way connecting screens do, by keeping several hundred thousand new objects, and count
the full collections on the way. They run in a fresh process: the collector's settings are
the whole process's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

GROW = """
import gc, json, sys
import samenspel.asgi  # what Daphne imports: Django starts and the collector is settled
frozen = gc.get_freeze_count()
if sys.argv[1] == "defaults":
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
before = gc.get_stats()[2]["collections"]
kept = []
for n in range(2500):  # about what 2,500 open sockets keep
    kept.append([[n, k] for k in range(150)])
print(json.dumps({"frozen": frozen, "full": gc.get_stats()[2]["collections"] - before}))
"""


def grow(how: str) -> dict[str, int]:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="samenspel.settings")
    done = subprocess.run(
        [sys.executable, "-c", GROW, how],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_server_process_runs_no_full_collection_while_thousands_of_screens_connect() -> None:
    settled = grow("settled")
    # What starting Django made is frozen: no collection walks it again.
    assert settled["frozen"] > 50_000
    assert settled["full"] == 0


def test_with_pythons_default_settings_the_same_growth_stops_the_process_for_full_collections() -> (
    None
):
    # The comparison that shows the first test can fail: CPython's defaults walk every object
    # several times on the way to the same size.
    assert grow("defaults")["full"] >= 2
