"""Read a list of voters from a CSV file: one person per row, by username or e-mail address.

Pure: bytes in, plain data out, no Django. Messages are Dutch message ids (marked with
``gettext_noop``); the caller translates them. What a spreadsheet saves is read as it comes:
UTF-8 (with or without the byte-order mark Excel writes) or, failing that, Windows-1252
(Excel's "CSV" on a Dutch Windows), with commas, semicolons (Excel in Dutch) or tabs.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field


def gettext_noop(message: str) -> str:
    return message


MAX_BYTES = 1_000_000
USERNAME_COLUMNS = ("gebruikersnaam", "username", "gebruiker")
EMAIL_COLUMNS = ("e-mail", "email", "e-mailadres", "emailadres", "mail")
SEPARATORS = {
    ",": gettext_noop("komma's"),
    ";": gettext_noop("puntkomma's"),
    "\t": gettext_noop("tabs"),
}


class UnreadableFile(ValueError):
    """The file as a whole cannot be read: ``message`` is a Dutch message id, ``params``
    fill it."""

    def __init__(self, message: str, params: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.params = params or {}


@dataclass(frozen=True)
class VoterFile:
    """The rows of a readable file: (line number in the file, username or e-mail)."""

    rows: list[tuple[int, str]]
    column: str
    separator: str
    encoding: str
    # (Dutch message id, params): how the file was read, for the preview.
    notes: list[tuple[str, dict[str, str]]] = field(default_factory=list)


def decode(data: bytes) -> tuple[str, str]:
    if len(data) > MAX_BYTES:
        raise UnreadableFile(gettext_noop("Het bestand is groter dan 1 MB. Splits de lijst."))
    if b"\x00" in data:
        raise UnreadableFile(
            gettext_noop(
                "Dit is geen tekstbestand (of het is opgeslagen als UTF-16). Sla de lijst op "
                "als 'CSV UTF-8' en probeer het opnieuw."
            )
        )
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise UnreadableFile(
            gettext_noop(
                "De tekens in dit bestand zijn niet te lezen. Sla de lijst op als 'CSV UTF-8' "
                "en probeer het opnieuw."
            )
        ) from None


def read(data: bytes) -> VoterFile:
    """The rows of a voter list, or ``UnreadableFile`` saying what is wrong with it."""
    text, encoding = decode(data)
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise UnreadableFile(gettext_noop("Het bestand is leeg."))
    header_line = next(line for line in lines if line.strip())
    separator = max(SEPARATORS, key=header_line.count)
    if header_line.count(separator) == 0:
        separator = ","
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    header: list[str] | None = None
    rows: list[tuple[int, str]] = []
    index = -1
    for record in reader:
        line = reader.line_num
        if header is None:
            if not any(cell.strip() for cell in record):
                continue
            header = [cell.strip().lower() for cell in record]
            index = _column(header)
            continue
        if not any(cell.strip() for cell in record):
            continue
        value = record[index].strip() if index < len(record) else ""
        rows.append((line, value))
    assert header is not None
    notes: list[tuple[str, dict[str, str]]] = []
    if encoding != "UTF-8":
        notes.append(
            (gettext_noop("Gelezen als Windows-1252 (Excel); kijk de namen met accenten na."), {})
        )
    if separator != ",":
        notes.append(
            (
                gettext_noop("Gelezen met %(separator)s als scheidingsteken."),
                {"separator": SEPARATORS[separator]},
            )
        )
    if not rows:
        raise UnreadableFile(gettext_noop("Het bestand heeft een kopregel maar geen namen."))
    return VoterFile(
        rows=rows, column=header[index], separator=separator, encoding=encoding, notes=notes
    )


def _column(header: list[str]) -> int:
    for names in (USERNAME_COLUMNS, EMAIL_COLUMNS):
        for position, name in enumerate(header):
            if name in names:
                return position
    raise UnreadableFile(
        gettext_noop(
            "De kolom 'gebruikersnaam' of 'e-mail' ontbreekt. De eerste regel moet de "
            "kolomnamen geven; dit bestand heeft: %(found)s."
        ),
        {"found": ", ".join(f"'{name}'" for name in header if name) or "-"},
    )


def is_email(value: str) -> bool:
    return "@" in value
