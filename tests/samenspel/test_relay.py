"""A throttled join: the sockets of a group behind one relay, a chatty counter coalesced."""

import asyncio

from samenspel.live.broadcast import envelope
from samenspel.live.hub import hub
from samenspel.live.relay import join_throttled

GROUP = "counter.1"


class Screen:
    def __init__(self, name):
        self.hub_id = name
        self.frames = []
        self.arrived = asyncio.Event()

    async def send(self, text_data=None, bytes_data=None):
        self.frames.append(text_data)
        self.arrived.set()


def is_count(text):
    return '"count"' in text


async def no_snapshot():
    return None


async def test_screens_get_the_first_count_at_once_news_at_once_and_then_only_the_latest_count():
    phone, hall = Screen("phone"), Screen("hall")
    options = {"interval": 0.3, "chatty": is_count, "snapshot": no_snapshot}
    relay = await join_throttled(GROUP, phone, **options)
    assert await join_throttled(GROUP, hall, **options) is relay  # one hub member per process
    try:
        for message in ({"count": 1}, {"count": 2}, {"news": "gesloten"}, {"count": 3}):
            await hub().deliver(envelope(GROUP, message, None))
        for screen in (phone, hall):
            assert screen.frames == ['{"count":1}', '{"news":"gesloten"}']
            screen.arrived.clear()
        await asyncio.wait_for(hall.arrived.wait(), 2)
        for screen in (phone, hall):
            assert screen.frames[2:] == ['{"count":3}']  # 2 was overtaken: never sent
    finally:
        await relay.remove(phone)
        await relay.remove(hall)
    assert GROUP not in hub().members


async def test_after_a_lost_group_every_screen_gets_the_current_state_once():
    phone, hall = Screen("phone"), Screen("hall")

    async def snapshot():
        return '{"count":7}'

    relay = await join_throttled(
        "counter.2", phone, interval=60, chatty=is_count, snapshot=snapshot
    )
    await join_throttled("counter.2", hall, interval=60, chatty=is_count, snapshot=snapshot)
    try:
        await hub().resync(["counter.2"])
        assert phone.frames == hall.frames == ['{"count":7}']
    finally:
        await relay.remove(phone)
        await relay.remove(hall)
