import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings as django_settings
from django.core import mail  # noqa: F401 - locmem backend is set by pytest-django
from hypothesis import settings as hypothesis_settings

# Property tests check what comes out, never how fast: speed is measured in bench/. With the
# suite's workers sharing two cores, one example took 315 ms against Hypothesis's default
# 200 ms deadline and the test failed as "flaky".
hypothesis_settings.register_profile("samenspel", deadline=None)
hypothesis_settings.load_profile("samenspel")


def _own_redis_database_per_worker() -> None:
    """Give each parallel worker (pytest-xdist, ``-n``) a Redis database number of its own.

    Each worker has a test database of its own (pytest-django adds ``_gw0``, ``_gw1``), so
    two workers both hold a summit 1; on one Redis database their channel-layer groups
    (``summit-1``) would be the same groups, and one worker's broadcasts would reach the
    other's consumers and browsers. The worker's Daphne processes (the browser tests' demo
    server, the multi-process tests) inherit the number through REDIS_URL. Worker gwN uses
    database N + 1; a run without workers keeps the URL it was given.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    url = os.environ.get("REDIS_URL", "")
    if not (worker.startswith("gw") and url):
        return
    number = int(worker[2:]) + 1
    if number > 15:
        raise RuntimeError("Redis has 16 databases: run at most 15 workers on one Redis")
    own = urlunsplit(urlsplit(url)._replace(path=f"/{number}"))
    os.environ["REDIS_URL"] = own
    # pytest-django read the settings before this file: point them at the worker's database.
    django_settings.REDIS_URL = own
    for layer in django_settings.CHANNEL_LAYERS.values():
        for host in layer.get("CONFIG", {}).get("hosts", []):
            if isinstance(host, dict) and host.get("address") == url:
                host["address"] = own


_own_redis_database_per_worker()


@pytest.fixture(scope="session", autouse=True)
def _demo_server_seeded_early(request, tmp_path_factory):
    """A run with browser tests starts seeding their demo at its first test, in the
    background (tests/e2e/conftest.py)."""
    if not any("demo_server" in item.fixturenames for item in request.session.items):
        yield
        return
    from tests.e2e.conftest import seeding_the_demo_early

    with seeding_the_demo_early(tmp_path_factory):
        yield


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Tests hash many passwords; MD5 is fine for throwaway test users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _dutch_first():
    """Every test starts in Dutch, whatever language an earlier request switched to."""
    from django.utils import translation

    translation.activate("nl")
    yield
    translation.deactivate()


@pytest.fixture
def in_memory_layer(settings):
    """A fresh channel layer per test: the in-memory layer or the real Redis one."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def daphne_cluster(tmp_path):
    """Two Daphne processes on the suite's Redis and PostgreSQL; yields their ports."""
    from tests.multiprocess import daphne_processes

    with daphne_processes(2, tmp_path) as ports:
        yield ports
