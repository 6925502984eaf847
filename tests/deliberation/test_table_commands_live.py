"""Theme tables through the live channel: commands by name, acks and events."""

import json
import uuid

import pytest
from asgiref.sync import sync_to_async

from deliberation import events
from deliberation.models import Step, Summit, Theme
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


async def event_of(socket, type_):
    async for frame in frames(socket):
        if frame["kind"] == "event" and frame["type"] == type_:
            return frame
    raise AssertionError(f"no {type_}")


async def test_every_screen_learns_the_theme_of_each_table_when_themes_are_spread():
    setup = await summit_with_themes()

    @sync_to_async
    def ids():
        verkeer = Theme.objects.create(summit=setup.summit, name="Verkeer", featured=True)
        groen = Theme.objects.get(name="Groen")
        return groen.pk, verkeer.pk, Summit.objects.get().hall_token

    groen, verkeer, token = await ids()
    async with (
        connected(PATH, user=setup.theme_team) as team,
        connected(PATH, user=setup.hosts[1]) as host,
        connected(PATH, user=setup.residents[0]) as phone,
        connected(PATH + f"?hall={token}") as hall,
    ):
        screens = [team, host, phone, hall]
        before = [await receive_json(screen) for screen in screens]
        assert all(table["theme"] is None for frame in before for table in frame["data"]["tables"])
        ack, seen = await run(team, "table.spread_themes", {})
        assert ack["kind"] == "ack", ack
        # Hall tables 1 and 2 take the marked themes in turn; online table 3 starts again.
        expected = {"1": groen, "2": verkeer, "3": groen}
        for screen, snapshot in zip(screens, before, strict=True):
            # On the team's own socket the event may come before the ack.
            frame = next((f for f in seen if f.get("type") == "table_themes.changed"), None)
            if screen is not team or frame is None:
                frame = await event_of(screen, "table_themes.changed")
            assert frame["seq"] == snapshot["seq"] + 1
            assert frame["data"] == {"tables": expected}
            assert set(frame["data"]) == set(events.TableThemesData.__annotations__)
    # A screen that connects later finds the same themes in its snapshot.
    async with connected(PATH, user=setup.residents[0]) as phone:
        after = await receive_json(phone)
    assert {str(t["number"]): t["theme"] for t in after["data"]["tables"]} == expected
    assert after["seq"] == before[0]["seq"] + 1
