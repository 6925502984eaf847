"""The update check on documents a room opens with (no server needed)."""

import pytest
from pycrdt import Doc, Text

from deliberation.drafts.yupdates import UpdateRefused, check_update
from tests.drafts.malformed import STRING, item, string, update, yjs_read

NAME = "codemirror"


def document(words: str) -> Doc:
    doc: Doc = Doc(client_id=1001)
    doc.get(NAME, type=Text).insert(0, words)
    return doc


def test_a_room_opened_on_a_text_with_an_emoji_refuses_an_insert_inside_it():
    doc = document("Sport 😀 samen")  # the emoji's halves are clocks 6 and 7
    inside = update([(4242, 0, [item(STRING, string("X"), origin=(1001, 6))])])
    with pytest.raises(UpdateRefused, match="cuts a character"):
        check_update(doc, inside, text_name=NAME)
    # What the check spares the server: pycrdt and yjs read it differently.
    server: Doc = Doc()
    server.apply_update(doc.get_update())
    server.apply_update(inside)
    assert yjs_read([doc.get_update(), inside])["text"] != str(server.get(NAME, type=Text))


def test_an_insert_next_to_an_emoji_passes():
    doc = document("Sport 😀 samen")
    after = update([(4242, 0, [item(STRING, string("X"), origin=(1001, 7), right=(1001, 8))])])
    check_update(doc, after, text_name=NAME)
    doc.apply_update(after)
    assert (
        str(doc.get(NAME, type=Text)) == "Sport 😀X samen" == yjs_read([doc.get_update()])["text"]
    )
