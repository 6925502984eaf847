"""The update log is read in id order by rooms that catch up; no row may appear after a
reader has already moved past its id."""

import contextlib
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from django.db import connection, transaction
from django.utils import timezone
from pycrdt import Doc

from deliberation.drafts import selectors, services
from deliberation.drafts.models import DraftUpdate
from tests.drafts.factories import Typist, make_draft

pytestmark = pytest.mark.django_db(transaction=True)


@contextlib.contextmanager
def another_process_at_query(
    marker: str, work: Callable[[], None], *, before: bool = False
) -> Iterator[None]:
    """Inside the block, right after (or ``before``) this connection's first query whose SQL
    contains ``marker``, run ``work`` to its end in a thread of its own (another process,
    with its own database connection)."""
    started = threading.Event()

    def run() -> None:
        try:
            work()
        finally:
            connection.close()

    def other_process() -> None:
        started.set()
        thread = threading.Thread(target=run)
        thread.start()
        thread.join(10)

    def hook(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        ours = marker in sql and not started.is_set()
        if ours and before:
            other_process()
        result = execute(sql, params, many, context)
        if ours and not before:
            other_process()
        return result

    with connection.execute_wrapper(hook):
        yield


def typed(after_text: bytes, words: str) -> bytes:
    """An update that appends ``words`` to the document given as an update."""
    doc: Doc = Doc()
    doc.apply_update(after_text)
    before = doc.get_state()
    text = selectors.live_text_of(doc)
    text.insert(len(str(text).encode()), words)
    return doc.get_update(before)


def test_a_room_catching_up_while_two_processes_store_reads_both_of_their_edits():
    # Process A has stored its batch but not committed yet when process B stores its own.
    # A room that reads the log in between must not skip A's edit for good: B's rows may
    # only become visible after A's, so the room's next reading still finds A's.
    draft = make_draft(text="Diemen sport samen.\n")
    base_doc, base_id = selectors.draft_document(draft.pk)
    base = base_doc.get_update()
    from_a, from_b = typed(base, " Ook in de winter."), typed(base, " Ook voor ouderen.")
    stored_a, release_a = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def process_a() -> None:
        try:
            with transaction.atomic():
                services.draft_updates_store(
                    draft_id=draft.pk, updates=[(from_a, None)], now=timezone.now()
                )
                stored_a.set()
                release_a.wait(10)
        except BaseException as error:  # reported by the test below
            failures.append(error)
        finally:
            stored_a.set()
            connection.close()

    def process_b() -> None:
        try:
            services.draft_updates_store(
                draft_id=draft.pk, updates=[(from_b, None)], now=timezone.now()
            )
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    first = threading.Thread(target=process_a)
    first.start()
    assert stored_a.wait(10)
    second = threading.Thread(target=process_b)
    second.start()
    time.sleep(0.5)  # B has stored, or waits for A
    chunks, last = selectors.draft_updates_since(draft.pk, base_id)
    release_a.set()
    first.join(10)
    second.join(10)
    assert not failures
    later, _last = selectors.draft_updates_since(draft.pk, last)

    room: Doc = Doc()
    room.apply_update(base)
    for chunk in chunks + later:
        room.apply_update(chunk)
    text = str(selectors.live_text_of(room))
    assert "Ook in de winter." in text and "Ook voor ouderen." in text
    assert DraftUpdate.objects.filter(draft=draft).count() == 3


def test_a_room_reading_while_another_process_compacts_twice_gets_the_whole_text():
    # The room read the log before "een" was written. As it reads again, another process
    # writes "drie" and compacts, emptying "een": the room then reads the newest snapshot
    # instead of the emptied update.
    draft = make_draft(text="")
    write = Typist(draft).write
    _chunks, first_read = selectors.draft_updates_since(draft.pk, 0)
    write("een\n")
    services.draft_compact(draft_id=draft.pk, now=timezone.now())
    write("twee\n")
    compacted = threading.Event()

    def other_process() -> None:
        write("drie\n")
        services.draft_compact(draft_id=draft.pk, now=timezone.now())
        compacted.set()

    # Right before the room reads the updates after its last read.
    with another_process_at_query('FROM "drafts_draftupdate"', other_process, before=True):
        chunks, last = selectors.draft_updates_since(draft.pk, first_read)
    assert compacted.is_set()
    assert DraftUpdate.objects.filter(draft=draft, data=b"").exists()  # "een" was emptied
    room: Doc = Doc()
    for chunk in chunks:
        room.apply_update(chunk)
    assert str(selectors.live_text_of(room)) == "een\ntwee\ndrie\n"
    assert last == DraftUpdate.objects.filter(draft=draft).latest("id").id


def test_an_edit_stored_before_the_edit_it_builds_on_survives_two_compactions():
    # Editor B built on A's edit and B's process stored it first; A's process stores A's
    # edit only after a compaction. The snapshot must keep B's edit (held back until A's
    # arrives), or it is folded away and emptied at the next compaction.
    draft = make_draft(text="Diemen sport samen.")
    doc, _last = selectors.draft_document(draft.pk)
    base = doc.get_update()
    from_a = typed(base, " Ook in de winter.")
    with_a: Doc = Doc()
    with_a.apply_update(base)
    with_a.apply_update(from_a)
    from_b = typed(with_a.get_update(), " En voor ouderen.")

    def store(update: bytes) -> None:
        services.draft_updates_store(
            draft_id=draft.pk, updates=[(update, None)], now=timezone.now()
        )

    store(from_b)
    services.draft_compact(draft_id=draft.pk, now=timezone.now())
    store(from_a)
    services.draft_compact(draft_id=draft.pk, now=timezone.now())
    services.draft_compact(draft_id=draft.pk, now=timezone.now())  # nothing new: unchanged
    assert DraftUpdate.objects.filter(draft=draft, data=b"").exists()  # B's bytes are gone
    expected = "Diemen sport samen. Ook in de winter. En voor ouderen."
    assert selectors.draft_live_text(draft) == expected
    chunks, _last = selectors.draft_updates_since(draft.pk, 0)
    room: Doc = Doc()
    for chunk in chunks:
        room.apply_update(chunk)
    assert str(selectors.live_text_of(room)) == expected


def test_a_page_read_while_another_process_compacts_twice_shows_the_whole_text():
    # A page reads the snapshot, then the updates after it, without the draft's lock. In
    # between, another process writes and compacts twice: the updates after the snapshot
    # the page read are folded and emptied, so the page reads the newest snapshot again.
    draft = make_draft(text="")
    write = Typist(draft).write
    write("een\n")
    services.draft_compact(draft_id=draft.pk, now=timezone.now())
    done = threading.Event()

    def other_process() -> None:
        write("twee\n")
        services.draft_compact(draft_id=draft.pk, now=timezone.now())
        write("drie\n")
        services.draft_compact(draft_id=draft.pk, now=timezone.now())
        done.set()

    with another_process_at_query('FROM "drafts_draftsnapshot"', other_process):
        page = selectors.draft_live_text(draft)
    assert done.is_set()
    assert page == "een\ntwee\ndrie\n"
