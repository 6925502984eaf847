"""The demo, seeded once for this folder's tests that read it (``seed_demo --small``), in
one transaction that is rolled back at the end; and the Django application to call
in-process on the same database connection."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import TestCase, override_settings

from samenspel import services as core_services
from samenspel.models import User


@dataclass
class Demo:
    residents: list[User]
    codes: dict[str, str]  # username -> letter code
    tokens: dict[int, str]  # user id -> API token
    staff_token: str


def _no_connection_recycling() -> None:
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)


def _connection_recycling() -> None:
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


class InProcessApp:
    """The project's WSGI application, keeping the database connection between requests as
    Django's test client does: the demo's transaction stays open under every request."""

    def __init__(self) -> None:
        self.handler = WSGIHandler()

    def __call__(self, environ, start_response):  # type: ignore[no-untyped-def]
        _no_connection_recycling()
        try:
            response = self.handler(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                response.close()
        finally:
            _connection_recycling()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("demo")
    codes_file = folder / "codes.csv"
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=hashers),
        transaction.atomic(),
    ):
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command(
                "seed_demo",
                "--small",
                "--logins-file",
                str(folder / "logins.txt"),
                "--codes-file",
                str(codes_file),
                stdout=io.StringIO(),
            )
        with codes_file.open(encoding="utf-8") as handle:
            codes = {row["username"]: row["code"] for row in csv.DictReader(handle)}
        residents = list(User.objects.filter(username__in=codes))
        tokens = {person.pk: core_services.api_token_for(user=person) for person in residents}
        staff_token = core_services.api_token_for(user=User.objects.get(username="griffie"))
        yield Demo(residents=residents, codes=codes, tokens=tokens, staff_token=staff_token)
        transaction.set_rollback(True)
