"""The privacy scans read an export as a reader's program does (tests/council/readable.py)."""

import io
import zipfile

from tests.council.readable import readable
from tests.factories import UserFactory
from tests.privacy import as_a_word, personal_data


def test_a_name_inside_a_compressed_file_is_read_and_a_pictures_bytes_are_not():
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:t>Olga de Vries</w:t>" * 50)
        archive.writestr("media/chart.png", b"\x89PNG\r\n\x1a\n\xff oLGA \xfe")
    text = readable(packed.getvalue())
    assert "Olga de Vries" in text
    assert "oLGA" not in text, "a picture's bytes are not text"
    assert "Olga" not in packed.getvalue().decode("latin-1"), "compressed, the name is hidden"


def test_the_scan_finds_a_value_as_a_word_in_any_case_and_not_inside_another_word():
    text = "Verslag\nIngediend door OLGA DE VRIES uit 1111 AB.\nVolgadam en Olgastraat"
    folded = text.casefold()
    for value in ["Olga de Vries", "olga", "1111 ab"]:
        found = as_a_word(text, value, folded=folded)
        assert found is not None, value
        assert found.group().casefold() == value.casefold()
    assert as_a_word(text, "Olgas", folded=folded) is None
    assert as_a_word("Volgadam", "olga", folded="volgadam") is None, "inside a word"
    assert as_a_word(text, "Piet", folded=folded) is None


def test_a_residents_personal_data_leaves_out_what_is_blank():
    person = UserFactory.build(first_name="Olga", last_name="", email="olga@example.org")
    values = personal_data(person, code="K7QX-2M", token="")
    assert {"Olga", "olga@example.org", "K7QX-2M", person.username} <= set(values)
    assert "" not in values
