import asyncio
import json
import uuid

import pytest
import websockets
from asgiref.sync import sync_to_async

from deliberation.models import Idea
from samenspel import services
from tests.deliberation.factories import make_summit

pytestmark = [pytest.mark.multiprocess, pytest.mark.django_db(transaction=True)]


async def test_two_daphne_processes_serve_one_summit_with_one_gapless_seq(daphne_cluster):
    setup = await sync_to_async(make_summit)(residents=6)
    token_of = sync_to_async(lambda user: services.api_token_for(user=user))
    control_token = await token_of(setup.facilitator)
    host_token = await token_of(setup.hosts[0])
    other_host_token = await token_of(setup.hosts[1])
    watchers = [await token_of(user) for user in setup.residents]

    def url(port, token):
        return f"ws://127.0.0.1:{port}/ws/summits/burgertop-test/?token={token}"

    sockets = [
        await websockets.connect(url(daphne_cluster[i % 2], token))
        for i, token in enumerate(watchers)
    ]
    control = await websockets.connect(url(daphne_cluster[0], control_token))
    host = await websockets.connect(url(daphne_cluster[1], host_token))
    other_host = await websockets.connect(url(daphne_cluster[0], other_host_token))
    try:
        for socket in [*sockets, control, host, other_host]:
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

        # Two tables on different processes send ideas at the same time: each process's
        # batches number their events under the summit lock, so every screen still sees
        # one gapless sequence with every idea once, and every idea is stored once.
        sent = {}
        for n in range(12):
            for socket, table in ((host, 1), (other_host, 2)):
                key = str(uuid.uuid4())
                sent[key] = f"Tafel {table}, idee {n}"
                await socket.send(
                    json.dumps(
                        {
                            "kind": "command",
                            "id": key,
                            "type": "idea.create",
                            "data": {"text": sent[key]},
                        }
                    )
                )
        acked = set()
        for socket in (host, other_host):
            while len(acked) < (12 if socket is host else 24):
                frame = json.loads(await asyncio.wait_for(socket.recv(), 10))
                if frame["kind"] in {"ack", "error"}:
                    assert frame["kind"] == "ack", frame
                    acked.add(frame["id"])
        assert acked == set(sent)
        for socket in sockets:
            seen = []
            while len(seen) < 24:
                frame = json.loads(await asyncio.wait_for(socket.recv(), 10))
                for event in frame["events"] if frame["kind"] == "batch" else [frame]:
                    seen.append(event)
            assert [event["seq"] for event in seen] == list(range(4, 28))
            # Residents see other tables' ideas in brief (no text): each idea once.
            assert {event["type"] for event in seen} == {"idea.created"}
            assert len({event["data"]["id"] for event in seen}) == 24
        stored = await sync_to_async(
            lambda: sorted(
                Idea.objects.filter(text__startswith="Tafel ").values_list("text", flat=True)
            )
        )()
        assert stored == sorted(sent.values())
    finally:
        for socket in [*sockets, control, host, other_host]:
            await socket.close()
