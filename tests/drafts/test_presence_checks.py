"""Presence that an editor page cannot read is never passed on; readers have none."""

import json

import pytest
from asgiref.sync import sync_to_async
from pycrdt import YMessageType

from deliberation.drafts import protocol
from samenspel.models import Role
from tests.drafts.factories import make_draft
from tests.drafts.yclient import YClient
from tests.factories import UserFactory
from tests.live import connected

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_memory_layer")]

CURSOR = {
    "anchor": {"type": None, "tname": None, "item": {"client": 7, "clock": 3}, "assoc": 0},
    "head": {"type": None, "tname": "codemirror", "item": None, "assoc": -1},
}
GOOD = json.dumps({"user": {"name": "Ellen", "color": "#0b6e4f", "colorLight": "#0b6e4f33"}, "cursor": CURSOR})  # fmt: skip
UNREADABLE = {
    "not JSON": "{user: Ellen",
    "NaN": '{"user": {"name": "Ellen"}, "x": NaN}',
    "not an object": "[1, 2, 3]",
    "a colour that is CSS": json.dumps(
        {"user": {"name": "E", "color": "red; background-image: url(https://x.example/t)"}}
    ),  # fmt: skip
    "cursor ends that are numbers": json.dumps(
        {"user": {"name": "E"}, "cursor": {"anchor": 5, "head": 5}}
    ),  # fmt: skip
    "a cursor in another text": json.dumps(
        {"cursor": {"anchor": {"tname": "x"}, "head": {"tname": "x"}}}
    ),  # fmt: skip
    "a name of a book": json.dumps({"user": {"name": "x" * 5000}}),
    "a thousand nested lists": "[" * 1000 + "]" * 1000,
}


@pytest.fixture
async def setup():
    draft = await sync_to_async(make_draft)()
    editor = await sync_to_async(UserFactory)(roles=[Role.EDITOR])
    reader = await sync_to_async(UserFactory)(roles=[Role.RESIDENT])
    return draft, editor, reader


def presence(*states: tuple[int, str]) -> bytes:
    return protocol.awareness_frame(
        [protocol.AwarenessEntry(client_id, 1, state) for client_id, state in states]
    )


async def presence_received(socket) -> list[protocol.AwarenessEntry]:  # type: ignore[no-untyped-def]
    data = await socket.receive_from(3)
    frame = protocol.parse_frame(data)
    assert frame.kind == YMessageType.AWARENESS
    return protocol.parse_awareness(frame.payload)


@pytest.mark.parametrize("state", list(UNREADABLE.values()), ids=list(UNREADABLE))
async def test_an_editors_unreadable_presence_is_dropped_and_the_rest_passed_on(setup, state):
    draft, editor, _reader = setup
    path = f"/ws/drafts/{draft.slug}"
    async with connected(path, user=editor) as a_socket, connected(path, user=editor) as b_socket:
        a, b = YClient(a_socket), YClient(b_socket)
        await a.sync()
        await b.sync()
        await a_socket.send_to(bytes_data=presence((11, state)))
        assert await b_socket.receive_nothing(0.3)
        await a_socket.send_to(bytes_data=presence((11, state), (12, GOOD)))
        assert await presence_received(b_socket) == [protocol.AwarenessEntry(12, 1, GOOD)]
        # A newcomer hears only of the readable one.
        async with connected(path, user=editor) as c_socket:
            c = YClient(c_socket)
            await c.next_frame()  # step 1
            await c.next_frame()
            assert c.presence == {12: json.loads(GOOD)}


async def test_a_readers_presence_reaches_nobody(setup):
    draft, editor, reader = setup
    path = f"/ws/drafts/{draft.slug}"
    async with connected(path, user=editor) as editor_socket:
        writer = YClient(editor_socket)
        await writer.sync()
        async with connected(path, user=reader) as reader_socket:
            watcher = YClient(reader_socket)
            await watcher.sync()
            await watcher.announce({"user": {"name": "Lezer", "color": "#00586c"}})
            assert await editor_socket.receive_nothing(0.3)
            async with connected(path, user=editor) as late_socket:
                late = YClient(late_socket)
                await late.sync()
                assert late.presence == {}
        # Leaving says nothing either: there was nothing to take back.
        assert await editor_socket.receive_nothing(0.3)
