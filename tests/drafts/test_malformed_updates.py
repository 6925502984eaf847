"""An editor's malformed updates never make the stored nota differ from what editors see."""

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone
from pycrdt import (
    Doc,
    Text,
    YMessageType,
    YSyncMessageType,
    create_update_message,
    merge_updates,
)

from deliberation.drafts import selectors, services
from deliberation.drafts.models import DraftUpdate
from samenspel.models import Role
from tests.drafts.factories import make_draft
from tests.drafts.malformed import EMOJI_WORDS, WRITER_EDITS, WRITTEN, Case, cases, yjs_read
from tests.drafts.yclient import YClient
from tests.factories import UserFactory
from tests.live import CONNECT_TIMEOUT, communicator, connected

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_memory_layer")]

TEXT = "# Sportnota\n\nDiemen sport samen.\n"
ATTACKER = 31337
CASES = cases(writer=1001, attacker=ATTACKER)


@pytest.fixture
async def setup():
    draft = await sync_to_async(make_draft)(text=TEXT)
    editor = await sync_to_async(UserFactory)(roles=[Role.EDITOR])
    resident = await sync_to_async(UserFactory)(roles=[Role.RESIDENT])
    # An invited resident is enough to send updates.
    await sync_to_async(services.draft_editor_invite)(draft=draft, user=resident, by=editor)
    return draft, editor, resident


def stored_log(draft) -> list[bytes]:  # type: ignore[no-untyped-def]
    return [bytes(data) for data in DraftUpdate.objects.filter(draft=draft).order_by("id").values_list("data", flat=True)]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
async def test_a_malformed_update_is_neither_stored_nor_relayed_and_the_nota_stays_what_yjs_reads(
    setup, case: Case, caplog
):
    draft, editor, resident = setup
    path = f"/ws/drafts/{draft.slug}"
    rows_before = len(await sync_to_async(stored_log)(draft))
    async with (
        connected(path, user=editor) as writer_socket,
        connected(path, user=editor) as watcher_socket,
    ):
        writer, watcher = YClient(writer_socket), YClient(watcher_socket)
        writer.doc = Doc(client_id=1001)
        writer.text = writer.doc.get(selectors.TEXT_NAME, type=Text)
        await writer.sync()
        await watcher.sync()
        await writer.edit(len(TEXT), EMOJI_WORDS)
        for at, words in WRITER_EDITS:
            await writer.edit(len(TEXT) + at, words)
        expected = TEXT + WRITTEN
        await watcher.wait_for_text(expected)

        attacker = await communicator(path, user=resident)
        assert (await attacker.connect(CONNECT_TIMEOUT))[0]
        first = await attacker.receive_from(3)  # the server's step 1
        assert first[:2] == bytes([YMessageType.SYNC, YSyncMessageType.SYNC_STEP1])
        await attacker.send_to(bytes_data=create_update_message(case.data))
        answer = await attacker.receive_output(3)
        if case.incomplete:
            # Not applied; the server asks for what it lacks instead of closing.
            assert answer["type"] == "websocket.send", answer
            assert answer["bytes"][:2] == bytes([YMessageType.SYNC, YSyncMessageType.SYNC_STEP1])
        else:
            assert answer["type"] == "websocket.close", answer
            assert answer["code"] == 4400
            # The operator's log says who sent it.
            assert f"refused an update from user {resident.pk}" in caplog.text
        await attacker.disconnect()
        # Nothing reached the other editors, and a newcomer (who gets the whole document at
        # once) reads what they read.
        assert await watcher_socket.receive_nothing(0.2)
        assert str(watcher.text) == str(writer.text) == expected
        async with connected(path, user=editor) as newcomer_socket:
            newcomer = YClient(newcomer_socket)
            await newcomer.sync()
            assert str(newcomer.text) == expected

    # Every socket is closed: the room wrote its log, and the text is read back from it.
    log = await sync_to_async(stored_log)(draft)
    assert len(log) == rows_before + 1 + len(WRITER_EDITS)  # the writer's edits only
    stored = await sync_to_async(selectors.draft_live_text)(draft)
    browser = yjs_read(log)
    assert stored == browser["text"] == expected
    assert not browser["pending"]
    # The log folded into one snapshot reads the same, in pycrdt and in yjs.
    assert yjs_read([merge_updates(*log)])["text"] == expected
    await sync_to_async(services.draft_compact)(draft_id=draft.pk, now=timezone.now())
    assert await sync_to_async(selectors.draft_live_text)(draft) == expected


async def test_an_edit_built_on_one_the_server_has_not_seen_arrives_with_it(setup):
    # Two tabs of one browser pass edits to each other directly: the second tab's edit can
    # reach the server before the first tab's. The server asks, and gets both at once.
    draft, editor, resident = setup
    path = f"/ws/drafts/{draft.slug}"
    async with (
        connected(path, user=editor) as watcher_socket,
        connected(path, user=resident) as tab_socket,
    ):
        watcher, tab = YClient(watcher_socket), YClient(tab_socket)
        await watcher.sync()
        await tab.sync()
        other_tab = Doc()
        other_tab.apply_update(tab.doc.get_update())
        before = other_tab.get_state()
        other_tab.get(selectors.TEXT_NAME, type=Text).insert(0, "Eerst. ")
        tab.doc.apply_update(other_tab.get_update(before))  # passed on, never sent by its tab
        await tab.edit(len("Eerst. "), "Daarna. ")
        expected = "Eerst. Daarna. " + TEXT
        frame = await tab.next_frame()  # the server's step 1; the client answers with step 2
        assert (frame.kind, frame.sync_type) == (YMessageType.SYNC, YSyncMessageType.SYNC_STEP1)
        await watcher.wait_for_text(expected)
        await tab.sync()
    log = await sync_to_async(stored_log)(draft)
    assert await sync_to_async(selectors.draft_live_text)(draft) == expected
    assert yjs_read(log)["text"] == expected
