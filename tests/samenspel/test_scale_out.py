import asyncio
import json
import subprocess
import sys

import pytest
import websockets
from asgiref.sync import sync_to_async

from samenspel import services
from samenspel.models import Role
from tests.factories import UserFactory
from tests.multiprocess import ROOT, database_url_of_tests

pytestmark = [pytest.mark.multiprocess, pytest.mark.django_db(transaction=True)]


async def test_two_daphne_processes_deliver_a_notice_to_each_others_clients(daphne_cluster):
    admin = await sync_to_async(UserFactory)(username="beheer", roles=[Role.ADMINISTRATOR])
    residents = [await sync_to_async(UserFactory)() for _ in range(4)]
    tokens = [await sync_to_async(services.api_token_for)(user=r) for r in residents]
    sockets = []
    for index, token in enumerate(tokens):
        port = daphne_cluster[index % 2]
        sockets.append(await websockets.connect(f"ws://127.0.0.1:{port}/ws/site/?token={token}"))
    try:
        await asyncio.sleep(0.3)  # let each process's hub join its Redis group
        # A third process (a management command) publishes: it reaches both servers via Redis.
        env = {**__import__("os").environ, "DATABASE_URL": await sync_to_async(database_url_of_tests)()}
        done = await asyncio.to_thread(
            subprocess.run,
            [
                sys.executable,
                "manage.py",
                "site_notice",
                "Welkom bij de burgertop",
                "--as",
                admin.username,
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        for socket in sockets:
            frame = json.loads(await asyncio.wait_for(socket.recv(), timeout=5))
            assert frame["data"]["text"] == "Welkom bij de burgertop"
    finally:
        for socket in sockets:
            await socket.close()
