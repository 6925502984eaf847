"""Reading a file of invitees: its encoding, its separator, its columns, and each row's checks.

Plain data in and out, no database: the caller hands in the known neighbourhoods and the
people already invited (``deliberation/services/invitees.py``).
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_BYTES = 1_000_000  # a few thousand rows; the limit of one upload
MAX_ROWS = 5_000
NAME_MAX_LENGTH = 100
ADDRESS_MAX_LENGTH = 200
PLACE_MAX_LENGTH = 100

# The columns a file can fill, in the order the mapping form shows them.
FIELDS: dict[str, str] = {
    "name": gettext_lazy("Naam"),
    "email": gettext_lazy("E-mailadres"),
    "address": gettext_lazy("Straat en huisnummer"),
    "postcode": gettext_lazy("Postcode"),
    "place": gettext_lazy("Woonplaats"),
    "neighbourhood": gettext_lazy("Wijk of buurt"),
}
# Column headings people use for each field, compared without case, spaces or dashes.
HEADINGS: dict[str, tuple[str, ...]] = {
    "name": ("naam", "volledigenaam", "name", "fullname"),
    "email": ("email", "emailadres", "mail", "emailaddress"),
    "address": ("adres", "straatenhuisnummer", "straat", "address", "street"),
    "postcode": ("postcode", "zip", "postalcode", "zipcode"),
    "place": ("woonplaats", "plaats", "place", "city", "town"),
    "neighbourhood": ("wijk", "buurt", "wijkofbuurt", "neighbourhood", "district"),
}
POSTCODE = re.compile(r"([1-9][0-9]{3})\s*([A-Za-z]{2})")


class FileRefused(Exception):
    """A file that cannot be read as a list of invitees; ``str(error)`` says why (translated)."""


@dataclass(frozen=True)
class InviteeTable:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line number in the file, cells)
    encoding: str
    delimiter: str
    empty_rows: int


@dataclass(frozen=True)
class Invitee:
    name: str
    email: str = ""
    address: str = ""
    postcode: str = ""
    place: str = ""
    neighbourhood: str = ""  # a CBS code, or empty

    @property
    def has_address(self) -> bool:
        return bool(self.address and self.postcode and self.place)


@dataclass
class RowCheck:
    line: int
    cells: dict[str, str]
    invitee: Invitee | None = None
    errors: list[str] = field(default_factory=list)
    skip_reason: str = ""  # a row that is fine but not imported (already invited)

    @property
    def importable(self) -> bool:
        return self.invitee is not None and not self.errors and not self.skip_reason


def _decode(content: bytes) -> tuple[str, str]:
    """The text of the file and the encoding it was in: UTF-8 (with or without BOM), UTF-16
    with a BOM (Excel's "Unicode text"), or else Windows-1252 (Excel's Dutch CSV)."""
    if content.startswith(b"PK\x03\x04"):
        raise FileRefused(
            _(
                "Dit is een Excel-bestand, geen CSV-bestand. Kies in Excel 'Opslaan als' "
                "en dan 'CSV UTF-8 (met scheidingstekens)'."
            )
        )
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    else:
        try:
            return content.decode("utf-8-sig"), "UTF-8"
        except UnicodeDecodeError:
            try:
                text = content.decode("cp1252")
            except UnicodeDecodeError:
                pass
            else:
                if "\x00" not in text:
                    return text, "Windows-1252"
    raise FileRefused(
        _(
            "Dit bestand kunnen we niet lezen. Sla het op als 'CSV UTF-8' en probeer het "
            "opnieuw."
        )
    )


def _delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        first = sample.split("\n", 1)[0]
        return max(";,\t", key=first.count)


def read_table(content: bytes) -> InviteeTable:
    """The file's heading row and its other rows; FileRefused when it cannot be read."""
    if len(content) > MAX_BYTES:
        raise FileRefused(
            _(
                "Dit bestand is te groot: hoogstens 1 MB, ongeveer %(rows)s rijen. Verdeel de "
                "mensen over een paar bestanden en lees ze na elkaar in."
            )
            % {"rows": f"{MAX_ROWS:,}".replace(",", ".")}
        )
    text, encoding = _decode(content)
    if not text.strip():
        raise FileRefused(_("Dit bestand is leeg."))
    delimiter = _delimiter(text)
    lines = csv.reader(text.splitlines(), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    empty = 0
    try:
        for number, cells in enumerate(lines, start=1):
            cells = [cell.strip() for cell in cells]
            if not any(cells):
                if header is not None:
                    empty += 1
                continue
            if header is None:
                header = cells
                continue
            rows.append((number, cells))
            if len(rows) > MAX_ROWS:
                raise FileRefused(
                    _(
                        "Dit bestand heeft meer dan %(rows)s rijen. Verdeel de mensen over een "
                        "paar bestanden en lees ze na elkaar in."
                    )
                    % {"rows": f"{MAX_ROWS:,}".replace(",", ".")}
                )
    except csv.Error as error:
        raise FileRefused(
            _("Dit bestand kunnen we niet lezen als CSV (%(error)s).") % {"error": error}
        ) from error
    if header is None:
        raise FileRefused(_("Dit bestand is leeg."))
    if not rows:
        raise FileRefused(
            _("Dit bestand heeft alleen een kopregel. Zet onder de kopregel één persoon per rij.")
        )
    return InviteeTable(
        header=header, rows=rows, encoding=encoding, delimiter=delimiter, empty_rows=empty
    )


def _plain(heading: str) -> str:
    return re.sub(r"[\s_\-.]", "", heading.casefold())


def guess_mapping(header: list[str]) -> dict[str, int | None]:
    """Which column holds which field, from the headings; None where none fits."""
    mapping: dict[str, int | None] = {}
    plain = [_plain(heading) for heading in header]
    for name, known in HEADINGS.items():
        mapping[name] = next((i for i, heading in enumerate(plain) if heading in known), None)
    return mapping


def check_mapping(header: list[str], mapping: Mapping[str, int | None]) -> dict[str, str]:
    """Errors per field of the chosen column mapping (empty when it can be used)."""
    errors: dict[str, str] = {}
    if mapping.get("name") is None:
        errors["name"] = _("Kies de kolom met de naam. Zonder naam kunnen we niemand uitnodigen.")
    chosen: dict[int, str] = {}
    for name in FIELDS:
        column = mapping.get(name)
        if column is None:
            continue
        if not 0 <= column < len(header):
            errors[name] = _("Deze kolom staat niet in het bestand.")
        elif column in chosen:
            errors[name] = _("Deze kolom is al gekozen voor '%(field)s'.") % {
                "field": FIELDS[chosen[column]]
            }
        else:
            chosen[column] = name
    return errors


def normalise_postcode(raw: str) -> str | None:
    """'1111ab' and '1111 AB' become '1111 AB'; None when it is no Dutch postcode."""
    match = POSTCODE.fullmatch(raw.strip())
    return f"{match.group(1)} {match.group(2).upper()}" if match else None


def person_keys(invitee: Invitee) -> set[tuple[str, ...]]:
    """What makes two rows the same person: the e-mail address, or the name at one address,
    or the name alone when there is neither."""
    keys: set[tuple[str, ...]] = set()
    name = " ".join(invitee.name.casefold().split())
    if invitee.email:
        keys.add(("email", invitee.email.casefold()))
    if invitee.address:
        keys.add(("address", name, invitee.postcode, " ".join(invitee.address.casefold().split())))
    if not keys:
        keys.add(("name", name))
    return keys


def check_invitee(
    cells: Mapping[str, str], neighbourhoods: Mapping[str, str]
) -> tuple[Invitee | None, dict[str, str]]:
    """One person's data, cleaned, with an error per field; ``neighbourhoods`` maps each
    known name and CBS code (folded to lower case) to its code."""
    errors: dict[str, str] = {}
    name = " ".join(cells.get("name", "").split())
    if not name:
        errors["name"] = _("De naam ontbreekt.")
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = _("De naam is langer dan 100 tekens.")
    email = cells.get("email", "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Het e-mailadres '%(email)s' klopt niet.") % {"email": email}
    address = " ".join(cells.get("address", "").split())
    place = " ".join(cells.get("place", "").split())
    raw_postcode = cells.get("postcode", "").strip()
    postcode = normalise_postcode(raw_postcode) if raw_postcode else ""
    if postcode is None:
        errors["postcode"] = _("De postcode '%(postcode)s' klopt niet; schrijf hem als 1111 AB.") % {
            "postcode": raw_postcode
        }
        postcode = ""
    if len(address) > ADDRESS_MAX_LENGTH:
        errors["address"] = _("Het adres is langer dan 200 tekens.")
    if len(place) > PLACE_MAX_LENGTH:
        errors["place"] = _("De woonplaats is langer dan 100 tekens.")
    given = {"address": address, "postcode": raw_postcode, "place": place}
    if any(given.values()) and not all(given.values()):
        missing = [str(FIELDS[key]).lower() for key, value in given.items() if not value]
        errors.setdefault(
            "address" if not address else "postcode" if not raw_postcode else "place",
            _("Het adres is niet compleet: %(missing)s ontbreekt.") % {"missing": ", ".join(missing)},
        )
    raw_neighbourhood = " ".join(cells.get("neighbourhood", "").split())
    neighbourhood = ""
    if raw_neighbourhood:
        neighbourhood = neighbourhoods.get(raw_neighbourhood.casefold(), "")
        if not neighbourhood:
            errors["neighbourhood"] = _("De wijk of buurt '%(name)s' kennen we niet.") % {
                "name": raw_neighbourhood
            }
    if errors:
        return None, errors
    return (
        Invitee(
            name=name,
            email=email,
            address=address,
            postcode=postcode or "",
            place=place,
            neighbourhood=neighbourhood,
        ),
        {},
    )


def check_rows(
    table: InviteeTable,
    mapping: Mapping[str, int | None],
    *,
    neighbourhoods: Mapping[str, str],
    invited: set[tuple[str, ...]],
) -> list[RowCheck]:
    """Every row of the file with its errors: a field that does not fit, the same person as
    an earlier row, or someone already invited (``invited``: their ``person_keys``)."""
    checks: list[RowCheck] = []
    seen: dict[tuple[str, ...], int] = {}
    for line, cells in table.rows:
        values = {
            name: (cells[column] if column is not None and column < len(cells) else "")
            for name, column in mapping.items()
        }
        check = RowCheck(line=line, cells=values)
        invitee, errors = check_invitee(values, neighbourhoods)
        check.errors.extend(errors.values())
        if invitee is not None:
            keys = person_keys(invitee)
            earlier = next((seen[key] for key in keys if key in seen), None)
            if earlier is not None:
                check.errors.append(
                    _("Dezelfde persoon staat al in regel %(line)s.") % {"line": earlier}
                )
            elif keys & invited:
                check.skip_reason = _("Is al uitgenodigd.")
            for key in keys:
                seen.setdefault(key, line)
            check.invitee = invitee
        checks.append(check)
    return checks
