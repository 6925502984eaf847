import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone
from pycrdt import YMessageType, YSyncMessageType, create_sync_message, create_update_message

from deliberation.drafts import selectors, services
from deliberation.drafts.models import DraftSnapshot, DraftUpdate
from deliberation.drafts.protocol import sync_frame
from samenspel import services as core_services
from samenspel.models import Role
from tests.drafts.factories import make_draft, publish
from tests.drafts.yclient import YClient
from tests.factories import UserFactory
from tests.live import CONNECT_TIMEOUT, closed_with, communicator, connected

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_memory_layer")]

TEXT = "# Sportnota\n\nDiemen sport samen.\n"


async def live_text(draft):
    return await sync_to_async(selectors.draft_live_text)(draft)


@pytest.fixture
async def setup():
    draft = await sync_to_async(make_draft)(text=TEXT)
    editor = await sync_to_async(UserFactory)(roles=[Role.EDITOR])
    reader = await sync_to_async(UserFactory)(roles=[Role.RESIDENT])
    return draft, editor, reader


async def test_newcomer_gets_the_stored_text_when_nobody_else_is_connected(setup):
    draft, editor, _reader = setup
    async with connected(f"/ws/drafts/{draft.slug}", user=editor) as socket:
        client = YClient(socket)
        await client.sync()
        assert str(client.text) == TEXT


async def test_an_edit_reaches_the_other_editor_and_the_log(setup):
    draft, editor, reader = setup
    async with (
        connected(f"/ws/drafts/{draft.slug}", user=editor) as first_socket,
        connected(f"/ws/drafts/{draft.slug}", user=reader) as second_socket,
    ):
        first, second = YClient(first_socket), YClient(second_socket)
        await first.sync()
        await second.sync()
        await first.edit(len(TEXT), "\nHet zwembad blijft open.\n")
        expected = TEXT + "\nHet zwembad blijft open.\n"
        await second.wait_for_text(expected)
        # The sender does not get its own update back.
        assert await first_socket.receive_nothing(0.1)
    assert await live_text(draft) == expected


async def test_token_client_takes_part_without_a_browser(setup):
    draft, editor, _reader = setup
    token = await sync_to_async(core_services.api_token_for)(user=editor)
    async with connected(f"/ws/drafts/{draft.slug}", token=token, origin=None) as socket:
        client = YClient(socket)
        await client.sync()
        await client.edit(0, "Concept: ")
        await client.sync()
    assert await live_text(draft) == "Concept: " + TEXT


async def test_offline_edits_merge_on_reconnect(setup):
    draft, editor, _reader = setup
    async with connected(f"/ws/drafts/{draft.slug}", user=editor) as socket:
        client = YClient(socket)
        await client.sync()
    # Offline: someone else edits meanwhile, and so do we.
    other = YClient(None)  # type: ignore[arg-type]
    async with connected(f"/ws/drafts/{draft.slug}", user=editor) as socket:
        other.socket = socket
        await other.sync()
        await other.edit(0, "Versie 2. ")
        await other.sync()
    before = client.doc.get_state()
    client.text.insert(len(str(client.text)), "Offline geschreven.\n")
    offline = client.doc.get_update(before)
    assert offline
    async with connected(f"/ws/drafts/{draft.slug}", user=editor) as socket:
        client.socket = socket
        await client.sync()  # answers the server's step 1 with the offline edit
        await client.sync()
        merged = "Versie 2. " + TEXT + "Offline geschreven.\n"
        assert str(client.text) == merged
    assert await live_text(draft) == merged


async def test_reader_receives_but_its_updates_are_refused_and_never_applied(setup):
    draft, editor, reader = setup
    async with connected(f"/ws/drafts/{draft.slug}", user=editor) as editor_socket:
        writer = YClient(editor_socket)
        await writer.sync()
        socket = await communicator(f"/ws/drafts/{draft.slug}", user=reader)
        ok, _ = await socket.connect(CONNECT_TIMEOUT)
        assert ok
        client = YClient(socket)
        await client.sync()
        assert str(client.text) == TEXT
        await client.edit(0, "GEHACKT ")
        message = await socket.receive_output(3)
        assert message == {"type": "websocket.close", "code": 4403}
        assert await editor_socket.receive_nothing(0.1)
    assert await live_text(draft) == TEXT


async def test_invited_resident_may_write(setup):
    draft, editor, reader = setup
    await sync_to_async(services.draft_editor_invite)(draft=draft, user=reader, by=editor)
    async with connected(f"/ws/drafts/{draft.slug}", user=reader) as socket:
        client = YClient(socket)
        await client.sync()
        await client.edit(0, "Mede geschreven. ")
        await client.sync()
    assert (await live_text(draft)).startswith("Mede geschreven. ")


@pytest.mark.parametrize(
    "frame",
    [
        b"\x80",  # a number cut short
        b"\x07",
        b"\x00\x09\x01\x02",
        b"\x00\x02\x05ab",  # length beyond the frame
        b"\x00\x02\x03abc",  # not a Yjs update
        b"\x01\x03\x01\x01",  # awareness cut short
        sync_frame(2, b"\x00\x00") + b"extra",
    ],
)
async def test_malformed_frames_close_with_4400_and_leave_the_text(setup, frame):
    draft, editor, _reader = setup
    socket = await communicator(f"/ws/drafts/{draft.slug}", user=editor)
    assert (await socket.connect(CONNECT_TIMEOUT))[0]
    await socket.send_to(bytes_data=frame)
    while True:
        message = await socket.receive_output(3)
        if message["type"] == "websocket.close":
            break
    assert message["code"] == 4400
    assert await live_text(draft) == TEXT


async def test_text_frames_are_refused(setup):
    draft, editor, _reader = setup
    socket = await communicator(f"/ws/drafts/{draft.slug}", user=editor)
    assert (await socket.connect(CONNECT_TIMEOUT))[0]
    await socket.send_to(text_data="hallo")
    await socket.receive_output(3)  # step 1
    assert (await socket.receive_output(3))["code"] == 4400


async def test_oversized_update_closes_with_4413(setup, settings):
    draft, editor, _reader = setup
    socket = await communicator(f"/ws/drafts/{draft.slug}", user=editor)
    assert (await socket.connect(CONNECT_TIMEOUT))[0]
    client = YClient(socket)
    await client.sync()
    client.text.insert(0, "x" * 600_000)
    await socket.send_to(bytes_data=create_update_message(client.doc.get_update()))
    assert (await socket.receive_output(3))["code"] == 4413
    assert await live_text(draft) == TEXT


async def test_refusals_at_connect(setup):
    draft, editor, _reader = setup
    assert await closed_with(await communicator(f"/ws/drafts/{draft.slug}")) == 4401
    assert await closed_with(await communicator("/ws/drafts/bestaat-niet", user=editor)) == 4404
    foreign = await communicator(
        f"/ws/drafts/{draft.slug}", user=editor, origin="https://x.example"
    )
    assert await closed_with(foreign) == 4403


async def test_presence_reaches_others_once_and_newcomers_get_it_in_one_frame(setup):
    draft, editor, reader = setup
    path = f"/ws/drafts/{draft.slug}"
    async with connected(path, user=editor) as a_socket, connected(path, user=reader) as b_socket:
        a, b = YClient(a_socket), YClient(b_socket)
        await a.sync()
        await b.sync()
        await a.announce({"user": {"name": "Ellen", "color": "#0b6e4f"}, "cursor": None})
        frame = await b.next_frame()
        assert frame.kind == YMessageType.AWARENESS
        assert b.presence[a.doc.client_id]["user"]["name"] == "Ellen"
        # A burst of cursor moves is throttled: the last state arrives, not every one.
        for position in range(10):
            await a.announce({"user": {"name": "Ellen"}, "cursor": position})
        received = 0
        while b.presence[a.doc.client_id]["cursor"] != 9:
            await b.next_frame()
            received += 1
        assert received < 10
        async with connected(path, user=reader) as c_socket:
            c = YClient(c_socket)
            first = await c.next_frame()  # step 1
            presence = await c.next_frame()
            assert (first.kind, presence.kind) == (YMessageType.SYNC, YMessageType.AWARENESS)
            assert c.presence[a.doc.client_id]["cursor"] == 9
    # When a leaves, the others hear it is gone (state null).


async def test_leaving_editor_presence_is_removed(setup):
    draft, editor, reader = setup
    path = f"/ws/drafts/{draft.slug}"
    async with connected(path, user=reader) as b_socket:
        b = YClient(b_socket)
        await b.sync()
        async with connected(path, user=editor) as a_socket:
            a = YClient(a_socket)
            await a.sync()
            await a.announce({"user": {"name": "Ellen"}})
            await b.next_frame()
            assert b.presence[a.doc.client_id] == {"user": {"name": "Ellen"}}
        await b.next_frame()
        assert b.presence[a.doc.client_id] is None


async def test_accepted_amendment_reaches_open_editors_live(setup):
    draft, editor, reader = setup
    version = await sync_to_async(publish)(draft, editor)
    amendment = await sync_to_async(services.amendment_propose)(
        version=version,
        by=reader,
        passage="samen",
        start=TEXT.index("samen"),
        replacement="graag samen",
        rationale="Vriendelijker.",
        now=timezone.now(),
    )
    async with connected(f"/ws/drafts/{draft.slug}", user=editor) as socket:
        client = YClient(socket)
        await client.sync()
        await sync_to_async(services.amendment_accept)(
            amendment=amendment, by=editor, now=timezone.now()
        )
        await client.wait_for_text(TEXT.replace("samen", "graag samen"))


async def test_text_survives_a_restart_and_compaction(setup, settings):
    draft, editor, _reader = setup
    path = f"/ws/drafts/{draft.slug}"
    async with connected(path, user=editor) as socket:
        client = YClient(socket)
        await client.sync()
        for index in range(25):
            await client.edit(len(str(client.text)), f"Regel {index}.\n")
        await client.sync()
        expected = str(client.text)
    await sync_to_async(services.draft_compact)(draft_id=draft.pk, now=timezone.now())
    # No socket is open: the process dropped its document; a newcomer reads the database.
    async with connected(path, user=editor) as socket:
        fresh = YClient(socket)
        await fresh.sync()
        assert str(fresh.text) == expected
    assert await live_text(draft) == expected


async def test_twenty_peer_join_costs_one_sync_exchange_for_the_joiner(setup):
    draft, editor, _reader = setup
    path = f"/ws/drafts/{draft.slug}"
    step1 = (YMessageType.SYNC, YSyncMessageType.SYNC_STEP1)
    step2 = (YMessageType.SYNC, YSyncMessageType.SYNC_STEP2)
    presence = (YMessageType.AWARENESS, None)
    peers: list[YClient] = []
    try:
        for number in range(20):
            socket = await communicator(path, user=editor)
            assert (await socket.connect(CONNECT_TIMEOUT))[0]
            joiner = YClient(socket)
            await socket.send_to(bytes_data=create_sync_message(joiner.doc))
            received = []
            while not received or received[-1] != step2:
                frame = await joiner.next_frame()
                received.append((frame.kind, frame.sync_type))
            # The server's state, everyone's presence in one frame, the answer to our state.
            assert received == ([step1, presence, step2] if peers else [step1, step2])
            assert len(joiner.presence) == number
            assert str(joiner.text) == TEXT
            assert await socket.receive_nothing(0.01)
            # The peers already present get only the joiner's presence, nothing of the sync.
            await joiner.announce({"user": {"name": f"Deelnemer {number}"}})
            for peer in peers:
                frame = await peer.next_frame()
                assert (frame.kind, frame.sync_type) == presence
                assert await peer.socket.receive_nothing(0.01)
            peers.append(joiner)
    finally:
        for peer in peers:
            await peer.socket.disconnect()


async def test_the_last_editor_to_leave_leaves_every_edit_in_the_log(setup, settings):
    draft, editor, _reader = setup
    settings.DRAFT_SAVE_INTERVAL = 3600  # only the room's close writes the log
    async with connected(f"/ws/drafts/{draft.slug}", user=editor) as socket:
        client = YClient(socket)
        await client.sync()
        await client.edit(len(TEXT), "Net voor het weggaan.\n")
        # No sync after it (that would write the log first): this editor just closes the tab.
    assert await live_text(draft) == TEXT + "Net voor het weggaan.\n"


async def logged_by_another_server(draft, editor, client: YClient, words: str) -> None:  # type: ignore[no-untyped-def]
    """Another server's editor put ``words`` at the start of the text (as the client has it)
    and that server logged it; no message about it reaches this server."""
    elsewhere = YClient(None)  # type: ignore[arg-type]
    elsewhere.doc.apply_update(client.doc.get_update())
    before = elsewhere.doc.get_state()
    elsewhere.text.insert(0, words)
    await sync_to_async(services.draft_update_store)(
        draft_id=draft.pk,
        data=elsewhere.doc.get_update(before),
        author_id=editor.pk,
        now=timezone.now(),
    )


async def test_a_resync_brings_what_another_server_logged_when_its_message_was_lost(
    setup, settings
):
    # Another server stored an edit, but its message to this one never came: the room reads
    # the log again for a sync answer once its last reading is older than the interval.
    settings.DRAFT_CATCH_UP_INTERVAL = 0.2
    draft, editor, _reader = setup
    async with connected(f"/ws/drafts/{draft.slug}", user=editor) as socket:
        client = YClient(socket)
        await client.sync()
        await logged_by_another_server(draft, editor, client, "Van elders. ")
        await asyncio.sleep(0.25)
        await client.sync()
        assert str(client.text) == "Van elders. " + TEXT


async def type_lines(client: YClient, count: int, *, sync_every: int) -> None:
    """Type "regel 0" ... at the end of the text, asking to sync after every ``sync_every``."""
    for index in range(count):
        await client.edit(len(str(client.text)), f"regel {index}\n")
        if index % sync_every == sync_every - 1:
            await client.sync()


async def test_a_long_editing_session_compacts_the_log_and_keeps_the_text(setup, monkeypatch):
    monkeypatch.setattr(services, "COMPACT_AFTER", 40)  # a room asks every 8 updates
    draft, editor, _reader = setup
    async with connected(f"/ws/drafts/{draft.slug}", user=editor) as socket:
        client = YClient(socket)
        await client.sync()
        await type_lines(client, 60, sync_every=10)  # answered once the log has them
    expected = TEXT + "".join(f"regel {index}\n" for index in range(60))
    assert await live_text(draft) == expected
    pending = await sync_to_async(
        lambda: DraftUpdate.objects.filter(draft=draft, compacted=False).count()
    )()
    assert await sync_to_async(DraftSnapshot.objects.filter(draft=draft).exists)()
    assert pending < 40


async def test_while_editors_type_the_room_compacts_only_in_a_quiet_moment(
    setup, settings, monkeypatch
):
    monkeypatch.setattr(services, "COMPACT_AFTER", 20)  # a room asks every 4 updates
    settings.DRAFT_COMPACT_QUIET = 1.5
    draft, editor, _reader = setup
    snapshots = sync_to_async(DraftSnapshot.objects.filter(draft=draft).count)
    async with connected(f"/ws/drafts/{draft.slug}", user=editor) as socket:
        client = YClient(socket)
        await client.sync()
        await type_lines(client, 30, sync_every=30)  # answered once the log has them
        assert await snapshots() == 0  # typing just stopped: not compacted yet
        async with asyncio.timeout(10):
            while await snapshots() == 0:
                await asyncio.sleep(0.1)
        expected = TEXT + "".join(f"regel {index}\n" for index in range(30))
        assert await live_text(draft) == expected == str(client.text)


async def test_a_room_that_is_never_quiet_compacts_when_the_log_is_far_too_long(
    setup, settings, monkeypatch
):
    monkeypatch.setattr(services, "COMPACT_AFTER", 10)  # and at 40 while people type
    settings.DRAFT_COMPACT_QUIET = 3600
    draft, editor, _reader = setup
    async with connected(f"/ws/drafts/{draft.slug}", user=editor) as socket:
        client = YClient(socket)
        await client.sync()
        await type_lines(client, 60, sync_every=10)
        assert await sync_to_async(DraftSnapshot.objects.filter(draft=draft).exists)()
        pending = await sync_to_async(
            DraftUpdate.objects.filter(draft=draft, compacted=False).count
        )()
        assert pending < 40
        assert await live_text(draft) == str(client.text)


async def test_a_room_compacts_without_folding_away_an_edit_it_never_heard_of(
    setup, settings, monkeypatch
):
    # Another server logged an edit whose message never came, and this room does not read
    # the log for its sync answers (a long catch-up interval). Its compaction folds the log,
    # not its own document: the snapshot holds that edit too.
    monkeypatch.setattr(services, "COMPACT_AFTER", 20)  # a room asks every 4 updates
    settings.DRAFT_COMPACT_QUIET = 0.3
    settings.DRAFT_CATCH_UP_INTERVAL = 3600
    draft, editor, _reader = setup
    async with connected(f"/ws/drafts/{draft.slug}", user=editor) as socket:
        client = YClient(socket)
        await client.sync()
        await logged_by_another_server(draft, editor, client, "Van elders. ")
        await type_lines(client, 30, sync_every=30)
        assert "Van elders." not in str(client.text)  # the room had not read it
        async with asyncio.timeout(10):
            while not await sync_to_async(DraftSnapshot.objects.filter(draft=draft).exists)():
                await asyncio.sleep(0.1)
        expected = "Van elders. " + TEXT + "".join(f"regel {index}\n" for index in range(30))
        folded = await sync_to_async(
            lambda: DraftUpdate.objects.filter(draft=draft, compacted=True).count()
        )()
        assert folded == 32  # the draft's first text, the edit from elsewhere, 30 lines
        assert await live_text(draft) == expected
