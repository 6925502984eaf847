import asyncio
import json
import uuid

import pytest
import websockets
from asgiref.sync import sync_to_async

from samenspel import services
from tests.deliberation.factories import make_summit

pytestmark = [pytest.mark.multiprocess, pytest.mark.django_db(transaction=True)]


async def test_two_daphne_processes_serve_one_summit_with_one_gapless_seq(daphne_cluster):
    setup = await sync_to_async(make_summit)(residents=6)
    token_of = sync_to_async(lambda user: services.api_token_for(user=user))
    control_token = await token_of(setup.facilitator)
    host_token = await token_of(setup.hosts[0])
    watchers = [await token_of(user) for user in setup.residents]

    def url(port, token):
        return f"ws://127.0.0.1:{port}/ws/summits/burgertop-test/?token={token}"

    sockets = [
        await websockets.connect(url(daphne_cluster[i % 2], token))
        for i, token in enumerate(watchers)
    ]
    control = await websockets.connect(url(daphne_cluster[0], control_token))
    host = await websockets.connect(url(daphne_cluster[1], host_token))
    try:
        for socket in [*sockets, control, host]:
            snapshot = json.loads(await asyncio.wait_for(socket.recv(), 5))
            assert snapshot["kind"] == "snapshot" and snapshot["seq"] == 0

        async def send(socket, type_, data):
            key = str(uuid.uuid4())
            await socket.send(
                json.dumps({"kind": "command", "id": key, "type": type_, "data": data})
            )
            while True:
                frame = json.loads(await asyncio.wait_for(socket.recv(), 5))
                if frame.get("id") == key:
                    assert frame["kind"] == "ack", frame
                    return frame

        await send(control, "step.advance", {})
        await send(control, "step.advance", {})
        await send(host, "idea.create", {"text": "Meer groen langs de Diemerzeedijk"})
        for socket in sockets:
            seen = []
            while len(seen) < 3:
                frame = json.loads(await asyncio.wait_for(socket.recv(), 5))
                for event in frame["events"] if frame["kind"] == "batch" else [frame]:
                    seen.append((event["seq"], event["type"]))
            assert seen == [(1, "step.changed"), (2, "step.changed"), (3, "idea.created")]
    finally:
        for socket in [*sockets, control, host]:
            await socket.close()
