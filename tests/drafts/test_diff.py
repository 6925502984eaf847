from hypothesis import given
from hypothesis import strategies as st

from deliberation.drafts.diff import Segment, tokens, word_diff


def rebuild(segments: list[Segment], side: str) -> str:
    keep = {"old": {"equal", "delete"}, "new": {"equal", "insert"}}[side]
    return "".join(s.text for s in segments if s.op in keep)


def test_changed_word_shows_as_delete_then_insert():
    assert word_diff("Diemen sport veel", "Diemen sport samen") == [
        Segment("equal", "Diemen sport "),
        Segment("delete", "veel"),
        Segment("insert", "samen"),
    ]


def test_identical_texts_are_one_equal_segment_and_empty_texts_none():
    assert word_diff("een twee", "een twee") == [Segment("equal", "een twee")]
    assert word_diff("", "") == []


def test_added_sentence_is_one_insert():
    segments = word_diff("Sport is gezond.", "Sport is gezond. En leuk.")
    assert segments[-1] == Segment("insert", " En leuk.")


def test_words_are_not_split_into_letters():
    segments = word_diff("zwembad", "zwemles")
    assert segments == [Segment("delete", "zwembad"), Segment("insert", "zwemles")]


@given(st.text(), st.text())
def test_diff_rebuilds_both_texts(old, new):
    segments = word_diff(old, new)
    assert rebuild(segments, "old") == old
    assert rebuild(segments, "new") == new
    assert all(a.op != b.op for a, b in zip(segments, segments[1:], strict=False))


@given(st.text())
def test_tokens_join_to_the_text(text):
    assert "".join(tokens(text)) == text


def test_rewriting_a_few_words_reads_as_one_deletion_and_one_insertion():
    old = "Het bad gaat open. Op zondag is het dicht. Kinderen zwemmen gratis."
    new = "Het bad gaat open. Zondags vanaf tien uur. Kinderen zwemmen gratis."
    assert word_diff(old, new) == [
        Segment("equal", "Het bad gaat open. "),
        Segment("delete", "Op zondag is het dicht."),
        Segment("insert", "Zondags vanaf tien uur."),
        Segment("equal", " Kinderen zwemmen gratis."),
    ]
