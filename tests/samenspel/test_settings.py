"""Settings from the environment: the embedded default and the production stack."""

import os
import subprocess
import sys
from pathlib import Path

from tests.multiprocess import settings_process_output

ROOT = Path(__file__).resolve().parents[2]

PRINT = (
    "from django.conf import settings as s; "
    "print(s.DATABASES['default']['ENGINE']); print(s.CHANNEL_LAYERS['default']['BACKEND']); "
    "print(s.DEBUG); print(','.join(s.ALLOWED_HOSTS)); "
    "print(s.CHANNEL_LAYERS['default'].get('CONFIG', {}).get('hosts', [{}])[0].get('socket_timeout', 'n/a')); "
    "print(s.CHANNEL_LAYERS['default']['CONFIG']['capacity'])"
)


def settings_with(env: dict[str, str]) -> list[str]:
    unset = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS")
    return settings_process_output(PRINT, env, unset=unset).split()


def test_nothing_set_gives_the_embedded_default():
    engine, layer, debug, _hosts, _timeout, capacity = settings_with({})
    assert engine == "django.db.backends.sqlite3"
    assert layer == "channels.layers.InMemoryChannelLayer"
    assert debug == "True"
    assert int(capacity) >= 1000


def test_production_environment_gives_postgres_and_redis_with_safe_layer_options():
    engine, layer, debug, hosts, timeout, capacity = settings_with(
        {
            "DATABASE_URL": "postgres://u:p@db.example:5432/samenspel",
            "REDIS_URL": "redis://redis.example:6379/0",
            "SECRET_KEY": "x" * 60,
            "ALLOWED_HOSTS": "samenspel.diemen.nl,www.samenspel.diemen.nl",
        }
    )
    assert engine == "django.db.backends.postgresql"
    assert layer == "channels_redis.core.RedisChannelLayer"
    assert debug == "False"
    assert hosts == "samenspel.diemen.nl,www.samenspel.diemen.nl"
    assert timeout == "None"  # idle consumers are not dropped by redis-py's read timeout
    assert int(capacity) >= 1000


def test_production_without_a_secret_key_refuses_to_start():
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "samenspel.settings",
            "DATABASE_URL": "postgres://u:p@db/x",
        },
    )
    assert done.returncode != 0
    assert "SECRET_KEY must be set" in done.stderr


def test_deploy_checks_pass_for_production_settings():
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "TEST_SQLITE_NAME"}}
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **clean,
            "DATABASE_URL": "postgres://u:p@db.example:5432/samenspel",
            "REDIS_URL": "redis://redis.example:6379/0",
            "SECRET_KEY": "k7#Qz!pL2@vN9$wR4^tY6&uI8*oP0(aS3)dF5_gH1+jK-lZ=xC",
            "ALLOWED_HOSTS": "samenspel.diemen.nl",
        },
    )
    assert done.returncode == 0, done.stdout + done.stderr
