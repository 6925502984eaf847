"""The council's answers as a CSV file: the columns, reading a file as a spreadsheet saves
it, and the text forms of a date and of milestones (the answer form uses the same).

A row is about a summit's proposal (``burgertop`` + ``voorstel``) or a nota's amendment
(``nota`` + ``amendement``, numbered as the nota's report numbers them); ``soort`` says
which. A file from before amendments had rows (no ``soort``, ``nota`` or ``amendement``
column) is read as it always was: every row is a proposal.

Plain data in and out, no database: ``council/services.py`` checks each row against the
proposals, amendments and statuses that exist. A file is read as it comes: UTF-8 (with or without the
byte-order mark Excel writes) or else Windows-1252 (Excel's CSV on a Dutch Windows), with
commas, semicolons (Excel in Dutch) or tabs.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

MAX_BYTES = 2_000_000
MAX_ROWS = 5_000
# The file's columns, in this order, in the export and the import alike.
COLUMNS = (
    "burgertop",
    "voorstel",
    "titel",
    "status",
    "toelichting",
    "besluitdatum",
    "raadsbesluit",
    "mijlpalen",
)
REQUIRED = ("burgertop", "voorstel", "status")
# What a row is about, in the column ``soort``.
KIND_PROPOSAL = "voorstel"
KIND_AMENDMENT = "amendement"
# The columns a file is written with since amendments have rows: what the row is about
# first, then the answer in the same columns as a proposal's file.
FILE_COLUMNS = ("soort", "burgertop", "voorstel", "nota", "amendement", *COLUMNS[2:])
ANSWER_COLUMNS = COLUMNS[3:]
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
DUTCH_DATE = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})")
MILESTONE_SEPARATOR = "|"


class UnreadableFile(ValueError):
    """The file as a whole cannot be read; ``str(error)`` says why, in the user's language."""


@dataclass(frozen=True)
class MilestoneSpec:
    date: date
    progress: int
    description: str


@dataclass(frozen=True)
class AnswerFile:
    rows: list[tuple[int, dict[str, str]]]  # (line in the file, column -> cell)
    encoding: str
    delimiter: str


def parse_date(text: str) -> date | None:
    """'2026-03-12' or '12-03-2026' (also '12-3-2026'); None when empty; ValueError with a
    message for anything else."""
    text = text.strip()
    if not text:
        return None
    iso, dutch = ISO_DATE.fullmatch(text), DUTCH_DATE.fullmatch(text)
    try:
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        if dutch:
            return date(int(dutch.group(3)), int(dutch.group(2)), int(dutch.group(1)))
    except ValueError:
        pass
    raise ValueError(
        _("De datum '%(text)s' klopt niet; schrijf haar als 2026-03-12 of 12-03-2026.")
        % {"text": text}
    )


def parse_milestones(text: str) -> list[MilestoneSpec]:
    """One milestone per line: 'date | progress | what happened', e.g.
    '2026-05-01 | 40 | De eerste bomen staan'. ValueError naming the line otherwise."""
    milestones: list[MilestoneSpec] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split(MILESTONE_SEPARATOR, 2)]
        if len(parts) != 3 or not parts[2]:
            raise ValueError(
                _(
                    "Mijlpaal %(number)s: schrijf 'datum | voortgang | wat er is gebeurd', "
                    "bijvoorbeeld '2026-05-01 | 40 | De eerste bomen staan'."
                )
                % {"number": number}
            )
        try:
            when = parse_date(parts[0])
        except ValueError as error:
            raise ValueError(
                _("Mijlpaal %(number)s: %(error)s") % {"number": number, "error": error}
            ) from None
        if when is None:
            raise ValueError(_("Mijlpaal %(number)s: de datum ontbreekt.") % {"number": number})
        progress = parts[1].removesuffix("%").strip()
        if not progress.isdigit() or int(progress) > 100:
            raise ValueError(
                _("Mijlpaal %(number)s: de voortgang is een getal van 0 tot 100.")
                % {"number": number}
            )
        milestones.append(MilestoneSpec(date=when, progress=int(progress), description=parts[2]))
    return milestones


def format_milestones(milestones: list[MilestoneSpec]) -> str:
    return "\n".join(
        f"{m.date.isoformat()} {MILESTONE_SEPARATOR} {m.progress} {MILESTONE_SEPARATOR} "
        f"{m.description}"
        for m in milestones
    )


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"PK\x03\x04"):
        raise UnreadableFile(
            _(
                "Dit is een Excel-bestand, geen CSV-bestand. Kies in Excel 'Opslaan als' en "
                "dan 'CSV UTF-8 (met scheidingstekens)'."
            )
        )
    if b"\x00" in data:
        raise UnreadableFile(
            _(
                "Dit is geen tekstbestand (of het is opgeslagen als UTF-16). Sla het op als "
                "'CSV UTF-8' en probeer het opnieuw."
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
            _("De tekens in dit bestand zijn niet te lezen. Sla het op als 'CSV UTF-8'.")
        ) from None


def read(data: bytes) -> AnswerFile:
    """The rows of an answers file by column name, or UnreadableFile saying what is wrong."""
    if len(data) > MAX_BYTES:
        raise UnreadableFile(_("Het bestand is groter dan 2 MB. Verdeel de antwoorden."))
    text, encoding = _decode(data)
    header_line = next((line for line in text.splitlines() if line.strip()), "")
    if not header_line:
        raise UnreadableFile(_("Het bestand is leeg."))
    delimiter = max(";,\t", key=header_line.count)
    if header_line.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    first_line = 1  # a cell with line breaks spans lines: a row is named by its first
    try:
        for record in reader:
            start, first_line = first_line, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = [cell.strip().casefold() for cell in record]
                missing = [name for name in REQUIRED if name not in header]
                if {"nota", "amendement", "status"} <= set(header):
                    missing = []  # a file of amendments only
                if missing:
                    raise UnreadableFile(
                        _(
                            "De kolom(men) %(missing)s ontbreken in de kopregel. De kopregel is: "
                            "%(columns)s."
                        )
                        % {"missing": ", ".join(missing), "columns": ", ".join(FILE_COLUMNS)}
                    )
                continue
            cells = {
                name: (record[index].strip() if index < len(record) else "")
                for index, name in enumerate(header)
                if name in FILE_COLUMNS
            }
            rows.append((start, cells))
            if len(rows) > MAX_ROWS:
                raise UnreadableFile(
                    _("Het bestand heeft meer dan 5.000 rijen. Verdeel de antwoorden.")
                )
    except csv.Error as error:
        raise UnreadableFile(
            _("Dit bestand kunnen we niet lezen als CSV (%(error)s).") % {"error": error}
        ) from error
    if not rows:
        raise UnreadableFile(_("Het bestand heeft een kopregel maar geen antwoorden."))
    return AnswerFile(rows=rows, encoding=encoding, delimiter=delimiter)


def row_kind(cells: dict[str, str]) -> str:
    """What a row is about as its ``soort`` cell says (folded), or, where that is empty or
    the file has no such column, as its cells show: a nota or amendement named makes it an
    amendment's row, anything else a proposal's (as in files from before)."""
    kind = cells.get("soort", "").strip().casefold()
    if kind:
        return kind
    if cells.get("nota", "") or cells.get("amendement", ""):
        return KIND_AMENDMENT
    return KIND_PROPOSAL


def write(rows: list[dict[str, str]], *, excel: bool) -> bytes:
    """The rows as CSV: UTF-8 with commas, or for Dutch Excel semicolons and a byte-order
    mark (without it Excel reads UTF-8 as Windows-1252)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";" if excel else ",", lineterminator="\r\n")
    writer.writerow(FILE_COLUMNS)
    for row in rows:
        writer.writerow([row.get(name, "") for name in FILE_COLUMNS])
    text = buffer.getvalue()
    return ("\ufeff" + text).encode("utf-8") if excel else text.encode("utf-8")
