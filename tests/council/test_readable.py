"""The privacy scans read an export as a reader's program does (tests/council/readable.py)."""

import io
import zipfile

from tests.council.readable import readable


def test_a_name_inside_a_compressed_file_is_read_and_a_pictures_bytes_are_not():
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:t>Olga de Vries</w:t>" * 50)
        archive.writestr("media/chart.png", b"\x89PNG\r\n\x1a\n\xff oLGA \xfe")
    text = readable(packed.getvalue())
    assert "Olga de Vries" in text
    assert "oLGA" not in text, "a picture's bytes are not text"
    assert "Olga" not in packed.getvalue().decode("latin-1"), "compressed, the name is hidden"
