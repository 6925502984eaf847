"""Several Daphne processes on one Redis and one PostgreSQL, for tests of scale-out.

Use the ``daphne_cluster`` fixture (registered in tests/conftest.py) in tests marked
``@pytest.mark.multiprocess`` with ``django_db(transaction=True)``: the processes read the
same test database, so rows a test commits are visible to them.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def production_env(**extra: str) -> dict[str, str]:
    """This process's environment with production settings (DEBUG off, a throwaway secret),
    for benchmarks: with DEBUG on Django also formats and records every query it runs, work
    a production server does not do."""
    return dict(
        os.environ,
        DEBUG="0",
        SECRET_KEY="bench-only-" + secrets.token_urlsafe(40),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        **extra,
    )


def settings_process_output(code: str, env: dict[str, str], *, unset: tuple[str, ...]) -> str:
    """What ``code`` prints in a fresh process with the project's settings, from this
    environment without the variables that start with any of ``unset``, plus ``env``."""
    clean = {name: value for name, value in os.environ.items() if not name.startswith(unset)}
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, "DJANGO_SETTINGS_MODULE": "samenspel.settings", **env},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database_url_of_tests() -> str:
    """DATABASE_URL pointing at the database pytest-django made for this run."""
    from django.db import connection

    settings = connection.settings_dict
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


def start_daphne(port: int, env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    """One Daphne serving the project on 127.0.0.1:``port``, its output in ``log_path``."""
    with log_path.open("w") as log:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "samenspel.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def wait_for_port(process: subprocess.Popen[bytes], port: int, seconds: float) -> None:
    """Wait until ``port`` accepts connections; fail early if the process died."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"daphne on {port} did not start") from None
            time.sleep(0.1)


@contextmanager
def daphne_processes(count: int, log_dir: Path) -> Iterator[list[int]]:
    """Start ``count`` Daphne processes on free loopback ports; yield their ports."""
    if not os.environ.get("REDIS_URL") or not os.environ.get("DATABASE_URL"):
        raise RuntimeError(
            "multi-process tests need DATABASE_URL and REDIS_URL (make test sets them)"
        )
    env = dict(
        os.environ,
        DATABASE_URL=database_url_of_tests(),
        DEBUG="1",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
    )
    ports = [free_port() for _ in range(count)]
    processes = []
    try:
        for index, port in enumerate(ports):
            processes.append(start_daphne(port, env, log_dir / f"daphne-{index}.log"))
        for process, port in zip(processes, ports, strict=True):
            wait_for_port(process, port, 30)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
