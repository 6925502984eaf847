"""Throwaway services for the bench scripts: PostgreSQL, Redis, and stopping what was started.

The scripts put the project root on ``sys.path`` and import this as ``bench.stack``.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from tests.multiprocess import free_port, wait_for_port

AS_POSTGRES = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"]
# Nothing here has to survive a crash of the machine.
FAST = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")


def pg_bin() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not versions:
        raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")
    return versions[-1]


def start_postgres(
    work: Path, settings: Sequence[str] = FAST
) -> tuple[subprocess.Popen[bytes], int]:
    """PostgreSQL as the postgres user, its data in ``work/pg`` (``work`` must be open to
    that user), on a free loopback port; each of ``settings`` is passed as ``-c``."""
    data = work / "pg"
    data.mkdir()
    shutil.chown(data, "postgres", "postgres")
    subprocess.run(
        [*AS_POSTGRES, str(pg_bin() / "initdb"), "-D", str(data / "data"), "-U", "postgres"]
        + ["-A", "trust", "--no-sync", "-E", "UTF8"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    port = free_port()
    process = subprocess.Popen(
        [*AS_POSTGRES, str(pg_bin() / "postgres"), "-D", str(data / "data"), "-p", str(port)]
        + ["-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={data}"]
        + [option for setting in settings for option in ("-c", setting)],
        stdout=(work / "pg.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    wait_for_port(process, port, 30)
    _wait_until_ready(port, 30)
    return process, port


def _wait_until_ready(port: int, seconds: float) -> None:
    """PostgreSQL listens before it takes connections ("the database system is starting
    up"): wait until one gets in."""
    import psycopg

    deadline = time.monotonic() + seconds
    while True:
        try:
            psycopg.connect(admin_dsn(port), connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def admin_dsn(port: int) -> str:
    return f"postgresql://postgres@127.0.0.1:{port}/postgres"


def create_database(port: int, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_dsn(port), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def work_folder(prefix: str) -> Path:
    """A throwaway folder the postgres user can enter (PostgreSQL's data goes inside)."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    work.chmod(0o755)
    return work


def stop_after(seconds: int) -> None:
    """End the whole run with a message if it takes longer than ``seconds``."""

    def out_of_time(_signum: int, _frame: object) -> None:
        raise SystemExit(f"stopped: the run took longer than {seconds} s")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(seconds)


def start_redis(work: Path, port: int | None = None) -> tuple[subprocess.Popen[bytes], int]:
    """Redis without persistence on loopback, on ``port`` (to restart it there) or a free one."""
    port = port or free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", "--dir", str(work)],
        stdout=(work / "redis.log").open("a"),
        stderr=subprocess.STDOUT,
    )
    wait_for_port(process, port, 30)
    return process, port


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    """SIGINT: PostgreSQL's fast shutdown (SIGTERM would wait for its clients to leave);
    Redis and Daphne stop on it too. SIGKILL whatever still runs after 15 s."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def django_on_postgres(port: int, name: str = "bench") -> None:
    """Make database ``name`` on the throwaway PostgreSQL at ``port``, point Django at it
    (no Redis: the in-memory layer), set Django up and migrate."""
    import os

    create_database(port, name)
    os.environ.update(
        DEBUG="1",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/{name}",
        ALLOWED_HOSTS="testserver",
        DJANGO_SETTINGS_MODULE="samenspel.settings",
    )
    os.environ.pop("REDIS_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def p99(times: Sequence[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def report(name: str, times: Sequence[float], queries: int | None, width: int = 28) -> None:
    """One line: the median and p99 of ``times`` (ms) and the queries of one load."""
    import statistics

    counted = "" if queries is None else f", {queries} queries"
    print(
        f"{name:{width}}: median {statistics.median(times):8.1f} ms, p99 {p99(times):8.1f} ms"
        f"{counted} ({len(times)} loads)"
    )


def timed(name: str, loads: int, action: Callable[[], object], width: int = 28) -> None:
    """Run ``action`` once to warm up, ``loads`` times timed, once more counting its
    queries, and ``report`` it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    action()
    times = []
    for _load in range(loads):
        began = time.perf_counter()
        action()
        times.append((time.perf_counter() - began) * 1000)
    with CaptureQueriesContext(connection) as queries:
        action()
    report(name, times, len(queries), width)
