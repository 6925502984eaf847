"""What the summit's command bus costs per command, in one process, without sockets.

Seeds the Diemen demo in a throwaway SQLite database, opens the table round and runs
rounds of: a batch of 50 new ideas (the burst path), a mixed batch of 20 (edits, themes,
messages) and 20 commands one at a time, all through ``services.command_run_batch`` as the
live channel's queue calls it. Prints, per kind, the median and p99 of wall and CPU
milliseconds per command, and the counts. Embedded stack only; bounded by --rounds.

    .venv/bin/python bench/summit_commands.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.multiprocess import production_env  # noqa: E402


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="summit-commands-"))
    # Production settings (DEBUG off: Django then records no queries), embedded stack.
    os.environ.update(production_env(DATABASE_URL=f"sqlite:///{work / 'bench.sqlite3'}"))
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samenspel.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from deliberation import services
    from deliberation.models import Idea, Participant, Summit
    from samenspel.models import User

    call_command("migrate", verbosity=0)
    call_command(
        "seed_demo",
        logins_file=str(work / "l.txt"),
        codes_file=str(work / "c.csv"),
        stdout=open(os.devnull, "w"),  # noqa: SIM115
    )
    Participant.objects.filter(checked_in_at=None).update(checked_in_at=timezone.now())
    summit = Summit.objects.get(slug="burgertop-diemen-2026")
    facilitator = User.objects.get(username="gespreksleider")
    writers = list(User.objects.filter(username__startswith="inwoner").order_by("username"))

    def command(by: User, type_: str, **data: object) -> services.Command:
        return services.Command(by=by, key=uuid.uuid4(), type=type_, data=dict(data))

    def run(commands: list[services.Command]) -> tuple[float, float, list[object]]:
        wall, cpu = time.perf_counter(), time.process_time()
        answers = services.command_run_batch(summit=summit, commands=commands)
        per = len(commands)
        return (
            (time.perf_counter() - wall) * 1000 / per,
            (time.process_time() - cpu) * 1000 / per,
            answers,
        )

    for _ in range(2):
        run([command(facilitator, "step.advance")])
    figures: dict[str, dict[str, list[float]]] = {}
    refused: dict[str, int] = {}

    def note(kind: str, result: tuple[float, float, list[object]]) -> None:
        wall, cpu, answers = result
        entry = figures.setdefault(kind, {"wall": [], "cpu": []})
        entry["wall"].append(wall)
        entry["cpu"].append(cpu)
        refused[kind] = refused.get(kind, 0) + sum(isinstance(a, Exception) for a in answers)

    for round_ in range(args.rounds):
        group = writers[(round_ * 50) % 1000 :][:50]
        ideas = [command(w, "idea.create", text=f"Idee {round_} van {w.pk}") for w in group]
        note("ideas_batch_50", run(ideas))
        own = list(Idea.objects.filter(summit=summit, author__in=group[:10]).order_by("-pk")[:10])
        mixed = [command(i.author, "idea.edit", idea=i.pk, text=f"Aangepast {round_}") for i in own]
        mixed += [
            command(facilitator, "theme.create", name=f"Thema {round_}-{n}") for n in range(5)
        ]
        mixed += [command(facilitator, "message.send", text=f"Nog {n} minuten") for n in range(5)]
        note("mixed_batch_20", run(mixed))
        for n in range(20):
            note("single", run([command(group[n], "idea.create", text=f"Los {round_}-{n}")]))

    print(
        json.dumps(
            {
                kind: {
                    "batches": len(values["wall"]),
                    "refused": refused[kind],
                    "wall_ms_per_command_median": round(statistics.median(values["wall"]), 3),
                    "wall_ms_per_command_p99": round(pct(values["wall"], 0.99), 3),
                    "cpu_ms_per_command_median": round(statistics.median(values["cpu"]), 3),
                    "cpu_ms_per_command_p99": round(pct(values["cpu"], 0.99), 3),
                }
                for kind, values in figures.items()
            }
            | {"load_average": os.getloadavg(), "ideas_stored": Idea.objects.count()},
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
