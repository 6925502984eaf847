"""Theme tables through the live channel: commands by name, acks and events."""

import json
import uuid

import pytest
from asgiref.sync import sync_to_async

from deliberation import events
from deliberation.models import Step, Theme
from tests.deliberation.factories import go_to_step, make_summit
from tests.live import connected, receive_json

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_memory_layer")]

PATH = "/ws/summits/burgertop-test/"


async def frames(socket):
    """Frames as a client handles them: a batch frame gives its events one by one."""
    while True:
        frame = await receive_json(socket)
        for item in frame["events"] if frame["kind"] == "batch" else [frame]:
            yield item


async def run(socket, type_, data):
    key = str(uuid.uuid4())
    await socket.send_to(
        text_data=json.dumps({"kind": "command", "id": key, "type": type_, "data": data})
    )
    seen = []
    async for frame in frames(socket):
        if frame["kind"] in {"ack", "error"} and frame["id"] == key:
            return frame, seen
        seen.append(frame)
    raise AssertionError("no answer")


@sync_to_async
def summit_with_themes(seated=True):
    setup = make_summit(residents=3, seated=seated)
    Theme.objects.create(summit=setup.summit, name="Groen", featured=True)
    go_to_step(setup.summit, Step.Kind.THEME_CHOICE)
    return setup


async def test_theme_team_spreads_and_a_participant_chooses_over_the_channel():
    setup = await summit_with_themes()
    async with connected(PATH, user=setup.theme_team) as team:
        await receive_json(team)
        ack, _ = await run(team, "table.spread_themes", {})
        assert ack["kind"] == "ack" and ack["result"] == {"tables": 3, "themes": 1}
    participant = await sync_to_async(lambda: setup.participants[0].pk)()
    async with connected(PATH, user=setup.residents[0]) as phone:
        await receive_json(phone)
        ack, seen = await run(phone, "table.choose", {"table": 2})
        assert ack["kind"] == "ack", ack
        assert ack["result"] == {"table": 2, "theme": "Groen"}
        # The event and the ack may come in either order.
        frame = next((f for f in seen if f.get("type") == "seating.changed"), None)
        if frame is None:
            async for frame in frames(phone):
                if frame.get("type") == "seating.changed":
                    break
        assert frame["data"] == {"seats": {str(participant): 2}}
        assert set(frame["data"]) == set(events.SeatingData.__annotations__)
        refused, _ = await run(phone, "table.choose", {"table": 3})
        assert refused["kind"] == "error" and refused["code"] == "invalid"
        assert refused["message"] == "U bent in de zaal: kies een tafel in de zaal."
