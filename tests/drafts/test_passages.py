"""Finding a passage a reader selected on the page (rendered text) in the markdown source."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deliberation.drafts.passages import VersionText

SOURCE = """# Sportnota

## 1. Inleiding

De **grote zaal** van [Sportpark Diemen](https://www.diemen.nl/sport) gaat open. Sport & spel.

Tweede alinea met *nadruk*.

- zwemmen
- hardlopen

| Sport | Leden |
|---|---|
| Judo | 120 |
"""


def locate(quoted, near=None):
    return VersionText(SOURCE).locate(quoted, near=near)


@pytest.mark.parametrize(
    ("selected", "slice_"),
    [
        ("grote zaal", "grote zaal"),  # inside the bold text: the bold stays
        ("De grote zaal van", "De **grote zaal** van"),
        (
            "zaal van Sportpark Diemen gaat",
            "zaal** van [Sportpark Diemen](https://www.diemen.nl/sport) gaat",
        ),
        ("Sportpark Diemen", "Sportpark Diemen"),
        ("gaat open. Sport & spel.", "gaat open. Sport & spel."),
        ("1. Inleiding", "1. Inleiding"),
        ("spel.\n\nTweede alinea", "spel.\n\nTweede alinea"),
        ("Tweede alinea met nadruk.", "Tweede alinea met *nadruk*."),
        ("zwemmen\nhardlopen", "zwemmen\n- hardlopen"),
    ],
)
def test_a_selection_across_formatting_is_the_source_slice_it_came_from(selected, slice_):
    found = locate(selected)
    assert found is not None
    assert found.text == slice_
    assert SOURCE[found.start : found.end] == slice_


def test_a_selection_that_keeps_the_markup_whole_can_be_replaced():
    # Grown over the ** so an amendment does not leave half a bold marker behind.
    found = locate("spel.\n\nTweede alinea met nadruk")
    assert found is not None and found.whole
    found = locate("grote zaal van Sportpark Diemen gaat")
    assert found is not None and found.whole
    assert found.text == "**grote zaal** van [Sportpark Diemen](https://www.diemen.nl/sport) gaat"


@pytest.mark.parametrize(
    ("selected", "slice_"),
    [
        ("grote zaal van Sportpark", "grote zaal** van [Sportpark"),  # ends inside a link
        ("zaal van Sportpark Diemen", "zaal** van [Sportpark Diemen"),  # starts inside bold
    ],
)
def test_a_selection_that_cuts_markup_in_two_is_found_but_not_whole(selected, slice_):
    found = locate(selected)
    assert found is not None
    assert found.text == slice_
    assert not found.whole


def test_words_after_a_link_are_not_matched_inside_its_address():
    text = VersionText("Zie [a](http://tekst.nl/b) tekst b.\n")
    found = text.locate("a tekst b")
    assert found is not None and found.whole
    assert found.text == "[a](http://tekst.nl/b) tekst b"
    assert text.shown_text(found.start, found.end) == "a tekst b"


def test_pasted_markdown_is_found_as_it_is():
    found = locate("De **grote zaal**")
    assert found is not None
    assert (found.text, found.start, found.whole) == (
        "De **grote zaal**",
        SOURCE.index("De **"),
        True,
    )


def test_text_that_is_not_in_the_version_is_not_found():
    assert locate("Het zwembad sluit.") is None
    assert locate("   ") is None


def test_of_a_repeated_passage_the_one_near_the_selection_is_chosen():
    text = VersionText("Sport is goed.\n\nMeer over sport.\n\nSport is goed.\n")
    first = text.locate("Sport is goed.")
    second = text.locate("Sport is goed.", near=len("Sport is goed. Meer over sport. "))
    assert first is not None and second is not None
    assert first.start == 0
    assert second.start == len("Sport is goed.\n\nMeer over sport.\n\n")


def test_entities_in_the_source_map_to_their_characters():
    text = VersionText("Kosten &euro; 5 &amp; meer, R&D en 3 < 4.\n")
    found = text.locate("€ 5 & meer, R&D en 3 < 4")
    assert found is not None and found.whole
    assert found.text == "&euro; 5 &amp; meer, R&D en 3 < 4"


def test_shown_text_of_a_slice_has_no_markdown():
    text = VersionText(SOURCE)
    start = SOURCE.index("De **grote")
    end = SOURCE.index(" gaat open")
    assert text.shown_text(start, end) == "De grote zaal van Sportpark Diemen"


def test_marked_html_highlights_the_passage_and_anchors_its_start():
    text = VersionText(SOURCE)
    found = text.locate("grote zaal van Sportpark Diemen")
    assert found is not None
    html = text.marked_html([(found.start, found.end, "passage-reactie-7")])
    assert '<span id="passage-reactie-7"></span>' in html
    assert '<mark class="ss-passage-mark">grote zaal</mark></strong>' in html
    assert '<mark class="ss-passage-mark">Sportpark Diemen</mark></a>' in html
    assert "&amp; spel." in html  # the rest is unchanged, entities included


def test_marked_html_escapes_nothing_new_and_keeps_sanitised_output():
    text = VersionText("Tekst <script>alert(1)</script> en <b>vet</b>.\n")
    html = text.marked_html([(0, 5, "passage-reactie-1")])
    assert "<script" not in html
    assert html.count("<mark") == 1


words = st.lists(
    st.sampled_from(["sport", "Diemen", "**vet**", "*schuin*", "[link](https://x.nl)", "&amp;"]),
    min_size=3,
    max_size=12,
)


@given(paragraphs=st.lists(words, min_size=1, max_size=4), data=st.data())
def test_any_run_of_shown_words_is_found_and_shows_as_those_words(paragraphs, data):
    source = "\n\n".join(" ".join(words) for words in paragraphs) + "\n"
    text = VersionText(source)
    shown = text.normal.split(" ")
    first = data.draw(st.integers(0, len(shown) - 1))
    last = data.draw(st.integers(first, len(shown) - 1))
    selected = " ".join(shown[first : last + 1])
    found = text.locate(selected, near=len(" ".join(shown[:first])) + (1 if first else 0))
    assert found is not None
    assert text.shown_text(found.start, found.end) == selected
