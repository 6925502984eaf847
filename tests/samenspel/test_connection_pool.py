"""PostgreSQL connections are bounded by configuration: a pool per server process."""

import json
from pathlib import Path

import yaml

from tests.multiprocess import settings_process_output

ROOT = Path(__file__).resolve().parents[2]

PRINT = (
    "import json; from django.conf import settings as s; "
    "d = s.DATABASES['default']; "
    "print(json.dumps({'pool': d.get('OPTIONS', {}).get('pool'), 'age': d['CONN_MAX_AGE']}))"
)


def database_settings(env: dict[str, str]) -> dict:
    printed = settings_process_output(PRINT, {"DEBUG": "1", **env}, unset=("DB_", "DATABASE_"))
    return json.loads(printed.strip().splitlines()[-1])


def test_postgres_gets_a_bounded_pool_sized_from_the_environment():
    url = "postgres://u:p@db.example:5432/samenspel"
    default = database_settings({"DATABASE_URL": url})
    assert default["pool"]["max_size"] == 10 and default["age"] == 0
    sized = database_settings(
        {"DATABASE_URL": url, "DB_POOL_MAX_SIZE": "25", "DB_POOL_TIMEOUT": "5"}
    )
    assert sized["pool"] == {"min_size": 2, "max_size": 25, "timeout": 5.0}
    off = database_settings({"DATABASE_URL": url, "DB_POOL_MAX_SIZE": "0"})
    assert off["pool"] is None and off["age"] == 60


def test_sqlite_has_no_pool():
    assert database_settings({})["pool"] is None


def test_compose_keeps_the_web_processes_pools_below_max_connections():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    pool = int(compose["web"]["environment"]["DB_POOL_MAX_SIZE"])
    command = compose["db"]["command"]
    max_connections = int(next(c for c in command if c.startswith("max_connections=")).split("=")[1])
    # Room for four web processes (README: docker compose up --scale web=4) and a few more.
    assert 4 * pool + 10 <= max_connections


def test_compose_gives_daphne_a_listen_backlog_for_a_burst():
    """Twisted listens with a backlog of 50: a burst of a thousand connections overflowed it
    and the overflowing ones were reset."""
    command = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["web"]["command"]
    endpoint = command[command.index("-e") + 1]
    assert endpoint.startswith("tcp:port=8000:") and ":backlog=1024" in endpoint
