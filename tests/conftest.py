import pytest
from django.core import mail  # noqa: F401 - locmem backend is set by pytest-django


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
