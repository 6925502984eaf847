"""An export file as the text a reader's program gets out of it, for the privacy scans: a name
hidden in a compressed file is found, and compressed bytes that happen to spell a name are not."""

from __future__ import annotations

import hashlib
import io
import zipfile

from pypdf import PdfReader

_read: dict[bytes, str] = {}


def readable(data: bytes) -> str:
    """As :func:`_readable`, once per distinct file: a scan meets each document several times
    (downloaded alone, inside the report's ZIP), and reading a PDF's text is slow."""
    key = hashlib.sha256(data).digest()
    if key not in _read:
        _read[key] = _readable(data)
    return _read[key]


def _readable(data: bytes) -> str:
    """The text of a PDF's pages, its document information and its XMP metadata; every file
    inside a ZIP (a DOCX, an ODT, the report's archive) in turn; a text file as it is. A
    file that is none of these and not UTF-8 (a chart's PNG) holds no text to read."""
    if data.startswith(b"%PDF"):
        reader = PdfReader(io.BytesIO(data))
        parts = [page.extract_text() for page in reader.pages]
        parts += [str(value) for value in (reader.metadata or {}).values()]
        metadata = reader.trailer["/Root"].get("/Metadata")
        if metadata is not None:
            parts.append(metadata.get_object().get_data().decode("utf-8", errors="replace"))
        return "\n".join(parts)
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(readable(archive.read(name)) for name in archive.namelist())
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return ""
