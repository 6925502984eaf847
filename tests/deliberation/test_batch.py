"""Batched live events through the real ASGI app: one frame for several events, gapless seqs,
brief ideas for other tables, snapshots that follow every change, and resume after reconnect."""

import asyncio
import json
import uuid

import pytest
from asgiref.sync import sync_to_async

from samenspel.live.frames import dumps
from samenspel.live.hub import Hub
from tests.deliberation.factories import make_summit
from tests.live import connected, receive_json

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_memory_layer")]

PATH = "/ws/summits/burgertop-test/"


@pytest.fixture
async def setup():
    return await sync_to_async(make_summit)()


async def command(socket, type_, data=None):
    key = str(uuid.uuid4())
    await socket.send_to(
        text_data=json.dumps({"kind": "command", "id": key, "type": type_, "data": data or {}})
    )
    return key


async def acks(socket, keys):
    """Wait for the ack of every key; return the answers by key (events are skipped)."""
    answers = {}
    while len(answers) < len(keys):
        frame = await receive_json(socket, timeout=5)
        if frame["kind"] in {"ack", "error"}:
            assert frame["kind"] == "ack", frame
            answers[frame["id"]] = frame
    return answers


async def events_until(socket, last_seq):
    """Frames as they arrive up to the event with ``last_seq``: (frames, events in order)."""
    frames, seen = [], []
    while not seen or seen[-1]["seq"] < last_seq:
        frame = await receive_json(socket, timeout=5)
        if frame["kind"] == "batch":
            frames.append(frame)
            seen.extend(frame["events"])
        elif frame["kind"] == "event":
            frames.append(frame)
            seen.append(frame)
    return frames, seen


async def open_idea_step(control):
    keys = [await command(control, "step.advance"), await command(control, "step.advance")]
    await acks(control, keys)


async def test_a_burst_of_events_arrives_in_fewer_frames_with_gapless_seqs(setup):
    async with (
        connected(PATH, user=setup.facilitator) as control,
        connected(PATH, user=setup.residents[0]) as phone,
    ):
        await receive_json(control)
        assert (await receive_json(phone))["seq"] == 0
        # Ten messages sent without waiting: each is its own commit and its own seq.
        keys = [
            await command(control, "message.send", {"text": f"Mededeling {n}"}) for n in range(10)
        ]
        await acks(control, keys)
        frames, seen = await events_until(phone, 10)
    assert [event["seq"] for event in seen] == list(range(1, 11))
    assert [event["data"]["text"] for event in seen] == [f"Mededeling {n}" for n in range(10)]
    assert any(frame["kind"] == "batch" and len(frame["events"]) > 1 for frame in frames)
    assert len(frames) < 10


async def test_table_screens_get_other_tables_ideas_in_brief_and_their_own_in_full(setup):
    async with (
        connected(PATH, user=setup.facilitator) as control,
        connected(PATH, user=setup.hosts[0]) as host_one,
        connected(PATH, user=setup.residents[0]) as phone_one,
        connected(PATH, user=setup.residents[1]) as phone_two,
        connected(PATH, user=setup.theme_team) as team,
    ):
        for socket in (control, host_one, phone_one, phone_two, team):
            await receive_json(socket)
        await open_idea_step(control)
        await acks(host_one, [await command(host_one, "idea.create", {"text": "Meer bankjes"})])
        seen = {}
        for name, socket in [("one", phone_one), ("two", phone_two), ("team", team)]:
            _frames, events = await events_until(socket, 3)
            seen[name] = events[-1]
    assert seen["one"]["type"] == "idea.created"
    assert seen["one"]["data"]["text"] == "Meer bankjes"
    assert seen["team"]["data"]["text"] == "Meer bankjes"
    # Table 2 learns that table 1 has a new idea (its count goes up), not what it says.
    assert seen["two"]["type"] == "idea.created" and seen["two"]["seq"] == 3
    assert seen["two"]["data"] == {"id": seen["one"]["data"]["id"], "table": 1, "theme": None}


async def test_a_snapshot_after_a_change_shows_the_change_and_each_screen_its_own_table(setup):
    async with connected(PATH, user=setup.facilitator) as control:
        first = await receive_json(control)
        await open_idea_step(control)
        async with connected(PATH, user=setup.hosts[1]) as host_two:
            await receive_json(host_two)
            await acks(host_two, [await command(host_two, "idea.create", {"text": "Speeltuin"})])
        async with (
            connected(PATH, user=setup.theme_team) as team,
            connected(PATH, user=setup.residents[0]) as phone_one,
            connected(PATH, user=setup.residents[1]) as phone_two,
        ):
            after = await receive_json(team)
            one = await receive_json(phone_one)
            two = await receive_json(phone_two)
    assert first["seq"] == 0 and first["data"]["ideas"] == []
    assert after["seq"] == 3 and [i["text"] for i in after["data"]["ideas"]] == ["Speeltuin"]
    assert one["data"]["me"]["table"] == 1 and one["data"]["ideas"] == []
    assert two["data"]["me"]["table"] == 2 and [i["text"] for i in two["data"]["ideas"]] == [
        "Speeltuin"
    ]
    assert one["data"]["me"]["participant"] != two["data"]["me"]["participant"]
    assert {m["id"] for m in one["data"]["me"]["members"]}.isdisjoint(
        m["id"] for m in two["data"]["me"]["members"]
    )


async def test_reconnect_with_the_last_seq_gets_only_the_missed_events(setup):
    async with connected(PATH, user=setup.facilitator) as control:
        await receive_json(control)
        async with connected(PATH, user=setup.residents[0]) as phone:
            last = (await receive_json(phone))["seq"]
        # The phone is away while the agenda moves on and a message goes out.
        await open_idea_step(control)
        await acks(control, [await command(control, "message.send", {"text": "Koffie"})])
        async with connected(PATH + f"?since={last}", user=setup.residents[0]) as phone:
            frames, missed = await events_until(phone, last + 3)
            assert all(frame["kind"] != "snapshot" for frame in frames)
            assert [event["seq"] for event in missed] == [last + 1, last + 2, last + 3]
            assert missed[-1]["data"]["text"] == "Koffie"
            # And it stays live afterwards.
            await acks(control, [await command(control, "step.pause")])
            _frames, live = await events_until(phone, last + 4)
            assert live[-1]["type"] == "step.changed" and live[-1]["data"]["state"] == "paused"


async def test_reconnect_from_an_unknown_seq_gets_a_snapshot(setup):
    async with connected(PATH, user=setup.facilitator) as control:
        await receive_json(control)
        await open_idea_step(control)
        async with connected(PATH + "?since=99", user=setup.residents[0]) as phone:
            frame = await receive_json(phone)
    assert frame["kind"] == "snapshot" and frame["seq"] == 2
    assert frame["data"]["step"]["title"] == "Tafelronde"


class Screen:
    """A local socket as the hub sees one: it records the frames written to it."""

    def __init__(self, audience="full"):
        self.hub_id = uuid.uuid4().hex
        self.live_audience = audience
        self.frames = asyncio.Queue()

    async def send(self, text_data=None, bytes_data=None):
        await self.frames.put(json.loads(text_data))


class NoViews:
    def view(self, event, audience):
        return "full"

    def shape(self, event, view):
        return event

    def observe(self, event, sockets):
        pass


def event(seq):
    return {
        "type": "hub.message",
        "group": "g",
        "text": dumps(
            {"kind": "event", "seq": seq, "type": "message.sent", "data": {"text": str(seq)}}
        ),
    }


async def test_events_that_arrive_out_of_order_are_sent_in_seq_order():
    hub = Hub()
    screen = Screen()
    await hub.join("g", screen, views=NoViews())
    hub.start("g", screen, after=0)
    try:
        await hub.deliver(event(1))
        first = await asyncio.wait_for(screen.frames.get(), 2)
        # 3 arrives before 2 (two processes committed at once): 3 waits for 2.
        await hub.deliver(event(3))
        await hub.deliver(event(2))
        second = await asyncio.wait_for(screen.frames.get(), 2)
    finally:
        await hub.leave("g", screen)
    assert first["seq"] == 1
    assert [e["seq"] for e in second["events"]] == [2, 3]


async def test_a_screen_gets_no_event_before_its_snapshot_and_then_each_one_after_it_once():
    hub = Hub()
    watching, joining = Screen(), Screen()
    await hub.join("g", watching, views=NoViews(), seq=0)
    hub.start("g", watching, after=0)
    try:
        await hub.join("g", joining, views=NoViews())
        # Events 1 and 2 go out while the joining screen's snapshot is being made.
        await hub.deliver(event(1))
        await hub.deliver(event(2))
        assert [e["seq"] for e in (await _frames_until(watching, 2))] == [1, 2]
        assert joining.frames.empty()
        # Its snapshot holds event 1 (seq 1); it is sent 2 and then live events.
        hub.start("g", joining, after=1)
        await hub.deliver(event(3))
        seen = await _frames_until(joining, 3)
    finally:
        await hub.leave("g", watching)
        await hub.leave("g", joining)
    assert [e["seq"] for e in seen] == [2, 3]


async def _frames_until(screen, last_seq):
    seen = []
    while not seen or seen[-1]["seq"] < last_seq:
        frame = await asyncio.wait_for(screen.frames.get(), 2)
        seen.extend(frame["events"] if frame["kind"] == "batch" else [frame])
    return seen


async def test_screens_that_close_right_after_their_command_do_not_take_events_with_them(
    setup, settings
):
    """With Redis, a closing socket's own receive could swallow a message for the hub."""
    # 24 messages from one person within a second: over the per-person limit, not this subject.
    settings.LIVE_COMMAND_BURST = 0
    async with connected(PATH, user=setup.facilitator) as control:
        await receive_json(control)
        for n in range(0, 24, 3):
            async with (
                connected(PATH, user=setup.facilitator) as tab,
                connected(PATH, user=setup.theme_team) as other,
            ):
                await receive_json(tab)
                await receive_json(other)
                texts = [f"Bericht {m}" for m in range(n, n + 3)]
                await acks(tab, [await command(tab, "message.send", {"text": t}) for t in texts])
        _frames, seen = await events_until(control, 24)
    assert [event["data"]["text"] for event in seen] == [f"Bericht {n}" for n in range(24)]


class TableViews:
    """Ideas as the summit shows them: in full to staff and the idea's own table, in brief
    (a count that moves) to every other table."""

    def view(self, event, audience):
        if audience == "full" or event["type"] != "idea.created":
            return "full"
        return "full" if event["data"]["table"] == audience else "brief"

    def shape(self, event, view):
        return {"kind": "event", "seq": event["seq"], "type": event["type"], "data": {}}

    def observe(self, event, sockets):
        pass


def idea(seq, table):
    return {
        "type": "hub.message",
        "group": "g",
        "text": dumps(
            {
                "kind": "event",
                "seq": seq,
                "type": "idea.created",
                "data": {"table": table, "text": f"Idee {seq}"},
            }
        ),
    }


async def test_other_tables_screens_get_a_burst_of_briefs_together_and_their_own_news_at_once(
    monkeypatch,
):
    """In a burst of ideas a phone at another table gets the ideas' briefs (its counts) in
    one frame after a wait instead of one frame per batch; an event it shows in full brings
    what it was held at once; and what is held comes after the wait without a next event."""
    monkeypatch.setattr("samenspel.live.batching.BRIEF_WAIT_SECONDS", 3.0)
    hub = Hub()
    own, other, staff = Screen(1), Screen(2), Screen("full")
    for screen in (own, other, staff):
        await hub.join("g", screen, views=TableViews(), seq=0)
        hub.start("g", screen, after=0)
    try:
        # After a quiet spell the first idea reaches every screen at once.
        await hub.deliver(idea(1, table=1))
        for screen in (own, other, staff):
            assert [e["seq"] for e in await _frames_until(screen, 1)] == [1]
        for seq in (2, 3, 4):
            await hub.deliver(idea(seq, table=1))
            await asyncio.sleep(0.05)
        assert [e["seq"] for e in await _frames_until(own, 4)] == [2, 3, 4]
        assert [e["seq"] for e in await _frames_until(staff, 4)] == [2, 3, 4]
        await asyncio.sleep(0.3)
        assert other.frames.empty()  # held: only other tables' counts moved
        # A message everyone reads in full: it comes at once, with the held briefs first.
        await hub.deliver(event(5))
        frame = await asyncio.wait_for(other.frames.get(), 2)
        assert [e["seq"] for e in frame["events"]] == [2, 3, 4, 5]
        assert frame["events"][0]["data"] == {}  # in brief: not table 1's text
        # The burst ends with two more ideas: they come after the wait, in one frame.
        await hub.deliver(idea(6, table=1))
        await hub.deliver(idea(7, table=1))
        await asyncio.sleep(0.5)
        assert other.frames.empty()
        frame = await asyncio.wait_for(other.frames.get(), 5)
        assert [e["seq"] for e in frame["events"]] == [6, 7]
        assert other.frames.empty()
    finally:
        for screen in (own, other, staff):
            await hub.leave("g", screen)
