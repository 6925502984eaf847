"""Pushes committed together go to the channel layer together, in commit order."""

import asyncio

from samenspel.live.broadcast import envelope, merged
from samenspel.live.hub import HUB_MESSAGE_TYPE, Hub


def test_runs_of_text_to_one_group_become_one_message_and_the_rest_stays_in_order():
    items = [
        ("summit.1", envelope("summit.1", {"seq": 1}, None)),
        ("summit.1", envelope("summit.1", {"seq": 2}, None)),
        ("draft.7", envelope("draft.7", b"\x00\x01", None)),
        ("summit.1", envelope("summit.1", {"seq": 3}, "socket-a")),
        ("summit.1", envelope("summit.1", {"seq": 4}, None)),
        ("summit.2", envelope("summit.2", {"seq": 1}, None)),
    ]
    out = merged(items)
    assert [group for group, _message in out] == [
        "summit.1",
        "draft.7",
        "summit.1",
        "summit.1",
        "summit.2",
    ]
    assert out[0][1] == {
        "type": HUB_MESSAGE_TYPE,
        "group": "summit.1",
        "texts": ['{"seq":1}', '{"seq":2}'],
    }
    assert out[1][1]["bytes"] == b"\x00\x01"
    assert out[2][1]["skip"] == "socket-a"  # a message that skips a socket is sent on its own
    assert out[3][1]["texts"] == ['{"seq":4}']


class Screen:
    def __init__(self):
        self.hub_id = "screen"
        self.frames = []

    async def send(self, text_data=None, bytes_data=None):
        self.frames.append(text_data)


async def test_a_hub_writes_every_text_of_a_merged_message_in_order():
    hub, screen = Hub(), Screen()
    await hub.join("g", screen)
    try:
        await hub.deliver({"type": HUB_MESSAGE_TYPE, "group": "g", "texts": ["een", "twee"]})
        await asyncio.sleep(0)
    finally:
        await hub.leave("g", screen)
    assert screen.frames == ["een", "twee"]
