"""Repairing a gap: a screen that names its last seq gets the events it missed, not a
snapshot; the hall screen opens without an Origin (a projector kiosk)."""

import json

import pytest
from asgiref.sync import sync_to_async

from deliberation.models import Summit
from tests.deliberation.factories import make_summit
from tests.deliberation.test_live_channel import PATH, answer, command, receive_frame
from tests.live import closed_with, communicator, connected

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_memory_layer")]


@pytest.fixture
async def setup():
    return await sync_to_async(make_summit)()


async def events_up_to(socket, seq):
    seen = []
    while not seen or seen[-1] < seq:
        frame = await receive_frame(socket)
        if frame["kind"] == "event":
            seen.append(frame["seq"])
    return seen


async def test_a_screen_that_saw_a_gap_gets_the_missed_events_instead_of_a_snapshot(setup):
    async with (
        connected(PATH, user=setup.facilitator) as control,
        connected(PATH, user=setup.residents[0]) as screen,
    ):
        await receive_frame(control)
        assert (await receive_frame(screen))["seq"] == 0
        for _ in range(3):
            assert (await answer(control, await command(control, "step.advance")))["kind"] == "ack"
        assert await events_up_to(screen, 3) == [1, 2, 3]
        # As if events 2 and 3 had come after a gap: the screen asks again after seq 1.
        await screen.send_to(text_data=json.dumps({"kind": "snapshot.request", "seq": 1}))
        repaired = await receive_frame(screen)
        assert (repaired["kind"], repaired["seq"]) == ("event", 2)
        assert repaired["type"] == "step.changed"
        assert (await receive_frame(screen))["seq"] == 3
        assert await screen.receive_nothing(0.3)


async def test_a_screen_asking_for_more_than_the_process_holds_gets_a_snapshot(setup):
    async with connected(PATH, user=setup.residents[0]) as screen:
        assert (await receive_frame(screen))["seq"] == 0
        await screen.send_to(text_data=json.dumps({"kind": "snapshot.request", "seq": 7}))
        frame = await receive_frame(screen)
        assert (frame["kind"], frame["seq"]) == ("snapshot", 0)


async def test_hall_screen_opens_without_an_origin_header(setup):
    token = await sync_to_async(lambda: Summit.objects.get().hall_token)()
    async with connected(PATH + f"?hall={token}", origin=None) as hall:
        frame = await receive_frame(hall)
        assert frame["kind"] == "snapshot" and frame["data"]["me"]["roles"] == ["hall"]
    assert await closed_with(await communicator(PATH + "?hall=verkeerd", origin=None)) == 4403
    # Without Origin, a screen with neither a token nor a hall token is still refused.
    assert await closed_with(await communicator(PATH, origin=None)) == 4403
