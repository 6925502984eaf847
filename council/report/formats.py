"""Every file of a participation report, written from the one ``Report`` tree: Markdown,
JSON (with its schema), the figures as CSV (UTF-8 with commas, and for Dutch Excel with
semicolons, decimal commas and a byte-order mark), the filing metadata, a README naming
every file and column, and one ZIP with all of them and the polls' published ballot files.
A summit's report and a nota's are the same tree and go through the same functions; the
parts one of them lacks (a nota's amendments, a summit's proposals) are left out.

Same report in, same bytes out: no clock is read here, and the ZIP's entries carry a fixed
time, so two reports of the same data differ only in their generation date.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .content import (
    NOTA_KIND,
    SUMMIT_KIND,
    AmendmentReport,
    CouncilAnswer,
    MinorityView,
    PollReport,
    Report,
)
from .dutch import dutch_number

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "report.schema.json"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a ZIP entry can hold: no clock in the file

MARKDOWN = "participatieverslag.md"
JSON = "participatieverslag.json"
SCHEMA = "participatieverslag.schema.json"
FIGURES = "cijfers.csv"
FIGURES_EXCEL = "cijfers-excel.csv"
METADATA_JSON = "metadata.json"
METADATA_CSV = "metadata.csv"
README = "LEESMIJ.txt"
PDF = "participatieverslag.pdf"
PDF_ARCHIVE = "participatieverslag-pdfa.pdf"
DOCX = "participatieverslag.docx"
ODT = "participatieverslag.odt"
ARCHIVE = "participatieverslag.zip"
BALLOTS_FOLDER = "stembiljetten"

FIGURE_COLUMNS = ("onderdeel", "stemming", "onderwerp", "aantal", "gekozen")
FIGURE_COLUMNS_EXPLAINED = {
    "onderdeel": "deelname, demografie (wijk of leeftijd), stemming of amendement",
    "stemming": "de titel van de stemming (alleen bij onderdeel 'stemming')",
    "onderwerp": "wat er geteld is: een kanaal, een groep, een voorstel of de steun voor "
    "een amendement",
    "aantal": "het getal; bij een groep kleiner dan 5 staat er '<5', bij een groep die "
    "verborgen is zodat een kleine groep niet uit het totaal te berekenen is 'verborgen'",
    "gekozen": "'ja' als het voorstel gekozen of het amendement aangenomen of overgenomen is, "
    "'nee' als niet (alleen bij stemmingen en amendementen)",
}
METADATA_COLUMNS = {
    "name": "titel van het document (ORI/Popolo: name)",
    "date": "datum van het verslag, JJJJ-MM-DD (ORI: date)",
    "classification": "documentsoort (ORI: classification)",
    "subject": "onderwerp: de vraag van de burgertop, of waar de nota over gaat",
    "organization": "opdrachtgever (Popolo: organization)",
    "event": "de bijeenkomst of de reactieperiode waar het verslag over gaat (ORI: Meeting / "
    "Event)",
    "agenda_item": "het agendapunt van de raad; leeg tot de griffie het invult",
    "identifier": "vaste naam van het document",
}


SMALL_GROUPS_TEXT = (
    "Groepen kleiner dan 5 staan er als '<5'. Zou een kleine groep uit het totaal en de "
    "andere groepen te berekenen zijn, dan is ook de kleinste andere groep verborgen "
    "('verborgen')."
)

# The readable formats list this many of the other voices (a council member reads the
# report in ten minutes); the JSON holds them all.
VOICES_SHOWN = 50


def shown_voices(report: Report) -> tuple[tuple[str, ...], int]:
    """The other voices the readable formats list, and how many more the JSON holds."""
    voices = report.other_voices
    return voices[:VOICES_SHOWN], max(0, len(voices) - VOICES_SHOWN)


def more_voices_text(more: int, kind: str = SUMMIT_KIND) -> str:
    what = "ideeën" if kind == SUMMIT_KIND else "opmerkingen"
    return f"En nog {dutch_number(more)} {what}; alle staan in {JSON}." if more else ""


HEADING = re.compile(r"<(/?)h([1-6])\b")


def demoted(html: str, levels: int = 3) -> str:
    """A text's headings moved ``levels`` down (at most h6), so that a nota's own
    headings sit under the report's in the document outline."""
    return HEADING.sub(lambda m: f"<{m[1]}h{min(6, int(m[2]) + levels)}", html)


def option_word(report: Report) -> str:
    return option_word_of(report.kind)


def option_word_of(kind: str) -> str:
    """What a poll's options are: a summit votes on proposals, a nota on amendments, a
    poll of the workspace on its own options."""
    return {SUMMIT_KIND: "Voorstel", NOTA_KIND: "Amendement"}.get(kind, "Optie")


def made_line(report: Report) -> str:
    return f"{report.about} Verslag gemaakt op {report.generated_text}."


def amendment_lines(a: AmendmentReport) -> list[str]:
    """An amendment's trail in sentences (every readable format writes these)."""
    lines = [
        f"Ingediend op {a.proposed_on} bij versie {a.version}; "
        f"{a.supporters} {'inwoner steunde' if a.supporters == 1 else 'inwoners steunden'} het."
    ]
    if a.vote:
        lines.append(f"Stemming: {a.vote} ({'aangenomen' if a.vote_passed else 'verworpen'}).")
    decided = f" op {a.decided_on}" if a.decided_on else ""
    reason = f" Reden: {a.decision_reason}" if a.decision_reason else ""
    lines.append(f"Besluit van de redactie: {a.status}{decided}.{reason}")
    return lines


def answer_lines(a: CouncilAnswer) -> list[str]:
    """The council's answer's status and decision in sentences (its reasons are Markdown)."""
    decided = f" Besluit {a.decision_date_text}." if a.decision_date_text else ""
    reference = f" {a.decision_reference}." if a.decision_reference else ""
    return [f"Status: {a.status} ({a.progress}%).{decided}{reference}"]


def as_data(report: Report) -> dict[str, Any]:
    return asdict(report)


def readable_data(report: Report) -> dict[str, Any]:
    """The report as data for the readable formats (the page, the PDF): the other voices
    cut to VOICES_SHOWN, with ``more_voices`` saying how many more there are."""
    data = as_data(report)
    voices, more = shown_voices(report)
    data["other_voices"] = list(voices)
    data["more_voices"] = more_voices_text(more, report.kind)
    data["option_word"] = option_word(report)
    for amendment, made in zip(data["amendments"], report.amendments, strict=True):
        amendment["lines"] = amendment_lines(made)
    return data


def json_text(report: Report) -> bytes:
    data = as_data(report)
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def schema_text() -> bytes:
    return SCHEMA_PATH.read_bytes()


def _count(value: int | str) -> str:
    return value if isinstance(value, str) else dutch_number(value)


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def _poll_markdown(poll: PollReport, option: str) -> list[str]:
    lines = [
        f"### {poll.title}",
        "",
        f"Methode: {poll.method}. Gesloten op {poll.closed_on}. Mochten stemmen: "
        f"{dutch_number(poll.eligible)}; gestemd: {dutch_number(poll.voted)}, waarvan "
        f"{dutch_number(poll.paper)} op papier.",
        "",
    ]
    top = max((row.value for row in poll.rows), default=0) or 1
    lines += [
        f"{row.option}: {'█' * round(20 * row.value / top)} {row.value_text}" + "  "
        for row in poll.rows
    ]
    lines.append("")
    lines += _table(
        [option, poll.value_label, "Gekozen"],
        [[row.option, row.value_text, "ja" if row.chosen else "nee"] for row in poll.rows],
    )
    for step in poll.rounds:
        lines += ["", f"**{step.title}**", ""] + [f"- {line}" for line in step.lines]
    lines += [
        "",
        f"Stembiljetten (geanonimiseerd): `{BALLOTS_FOLDER}/{poll.ballot_file}`, "
        f"SHA-256 `{poll.ballot_file_sha256}`.",
        "",
    ]
    return lines


def _quoted(markdown: str) -> list[str]:
    return [f"> {line}" if line else ">" for line in markdown.splitlines()]


def _answer_markdown(a: CouncilAnswer | None) -> list[str]:
    lines = ["#### Antwoord van de raad", ""]
    if a is None:
        return [*lines, "De raad heeft nog niet geantwoord.", ""]
    lines += answer_lines(a)
    lines += ["", a.reasons, ""] if a.reasons else [""]
    lines += [f"- {m.date_text}: {m.description} ({m.progress}%)" for m in a.milestones]
    lines += [""] if a.milestones else []
    return lines


def _amendments_markdown(report: Report) -> list[str]:
    lines = ["## De amendementen en het antwoord van de raad", ""]
    for a in report.amendments:
        lines += [f"### Amendement {a.number}", "", "Passage:", "", *_quoted(a.passage), ""]
        lines += (
            ["Wordt:", "", *_quoted(a.replacement), ""]
            if a.replacement
            else [
                "Voorstel: deze passage schrappen.",
                "",
            ]
        )
        lines += [f"Toelichting: {a.rationale}", ""]
        lines += [*amendment_lines(a), ""]
        lines += _answer_markdown(a.answer)
    if not report.amendments:
        lines += ["Er zijn geen amendementen ingediend.", ""]
    lines += ["## De versies", ""]
    lines += _table(
        ["Versie", "Gepubliceerd", "Toelichting", "Definitief"],
        [
            [str(v.number), v.published_text, v.note, "ja" if v.final else "nee"]
            for v in report.versions
        ],
    )
    if report.versions:
        lines += ["", f"### De tekst van versie {report.versions[-1].number}", ""]
        lines += _quoted(report.final_text)
    lines.append("")
    return lines


def markdown_text(report: Report) -> bytes:
    s = report.summary
    lines = [
        f"# {report.title}",
        "",
        made_line(report),
        "",
        "## Samenvatting",
        "",
        f"**De vraag.** {s.question}",
        "",
        f"**Wat niet kon.** {s.limits}",
        "",
        f"**Opdrachtgever.** {s.commissioned_by}",
        "",
        f"**Hoeveel inspraak.** {s.say}: {s.say_explained}",
        "",
        "**Wat eruit kwam.** " + " ".join(s.outcome),
        "",
        f"**Hoe verder.** {s.next_steps}",
        "",
        "## Wie deden mee",
        "",
        f"{report.participation.session}.",
        "",
    ]
    lines += _table(
        ["Wat", "Aantal"], [[c.label, dutch_number(c.count)] for c in report.participation.channels]
    )
    lines += ["", SMALL_GROUPS_TEXT, ""]
    lines += _table(
        ["Soort", "Groep", "Aantal"],
        [[g.category, g.label, _count(g.count)] for g in report.participation.groups],
    )
    lines += ["", "## Stemmingen", ""]
    for poll in report.polls:
        lines += _poll_markdown(poll, option_word(report))
    if not report.polls:
        lines += ["Er is niet gestemd.", ""]
    if report.kind == NOTA_KIND:
        lines += _amendments_markdown(report)
    elif report.kind == SUMMIT_KIND:
        lines += ["## De voorstellen", ""]
    for p in report.proposals:
        lines += [
            f"### Voorstel {p.number}: {p.title}",
            "",
            f"Thema: {p.theme}. Geschreven aan tafel {p.table}.",
            "",
        ]
        if p.ideas:
            lines += ["Gebouwd op de ideeën:", ""] + [f"- {idea}" for idea in p.ideas] + [""]
        lines += ["Tekst:", ""] + [f"> {line}" if line else ">" for line in p.text.splitlines()]
        lines.append("")
        if p.result:
            lines += [f"Stemming: {p.result}{' (gekozen)' if p.chosen else ''}.", ""]
        lines += _answer_markdown(p.answer)
    lines += minority_markdown(report)
    lines += ["## Andere stemmen", "", report.voices_intro, ""]
    voices, more = shown_voices(report)
    lines += [f"- {text}" for text in voices] or ["- (geen)"]
    lines += ["", more_voices_text(more, report.kind), ""] if more else [""]
    return "\n".join(lines).encode()


MINORITY_HEADING = "Minderheidsstandpunten en open vragen"


def minority_lines(view: MinorityView) -> tuple[str, list[str]]:
    """A marked view as a line ("Thema: ...") and the lines under it (every readable format
    writes these)."""
    return f"{view.label}: {view.text}", list(view.details)


def minority_markdown(report: Report) -> list[str]:
    lines = [f"## {MINORITY_HEADING}", "", report.minority_intro, ""]
    for view in report.minority_views:
        line, details = minority_lines(view)
        lines.append(f"- {line}")
        lines += [f"  - {detail}" for detail in details]
    return [*lines, ""] if report.minority_views else lines


def figure_rows(report: Report) -> list[tuple[str, str, str, int | float | str, str]]:
    rows: list[tuple[str, str, str, int | float | str, str]] = []
    rows += [("deelname", "", c.label, c.count, "") for c in report.participation.channels]
    rows += [
        (f"demografie: {g.category}", "", g.label, g.count, "") for g in report.participation.groups
    ]
    for poll in report.polls:
        rows += [
            ("stemming", poll.title, "mochten stemmen", poll.eligible, ""),
            ("stemming", poll.title, "gestemd", poll.voted, ""),
            ("stemming", poll.title, "op papier", poll.paper, ""),
        ]
        rows += [
            ("stemming", poll.title, row.option, row.value, "ja" if row.chosen else "nee")
            for row in poll.rows
        ]
    rows += [
        (
            "amendement",
            "",
            f"amendement {a.number}: steunbetuigingen",
            a.supporters,
            "ja" if a.taken_over else "nee",
        )
        for a in report.amendments
    ]
    return rows


def figures_csv(report: Report, *, excel: bool) -> bytes:
    """UTF-8 with commas and decimal points, or for Dutch Excel semicolons, decimal commas
    and a byte-order mark (without it Excel reads UTF-8 as Windows-1252)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";" if excel else ",", lineterminator="\r\n")
    writer.writerow(FIGURE_COLUMNS)
    for part, poll, subject, value, chosen in figure_rows(report):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value)
        if excel and isinstance(value, float):
            text = text.replace(".", ",")
        writer.writerow([part, poll, subject, text, chosen])
    text = buffer.getvalue()
    return ("\ufeff" + text).encode() if excel else text.encode()


def metadata_json(report: Report) -> bytes:
    return (json.dumps(asdict(report.filing), ensure_ascii=False, indent=2) + "\n").encode()


def metadata_csv(report: Report) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    filing = asdict(report.filing)
    writer.writerow(list(METADATA_COLUMNS))
    writer.writerow([filing[name] for name in METADATA_COLUMNS])
    return buffer.getvalue().encode()


DESCRIPTIONS = {
    ARCHIVE: "alle bestanden van het verslag in één ZIP, met een LEESMIJ",
    README: "deze uitleg: elk bestand en elke kolom",
    PDF: "het verslag als PDF om te lezen: getagd en toegankelijk (PDF/UA-1)",
    PDF_ARCHIVE: "hetzelfde verslag als PDF/A-3a, voor het archief",
    DOCX: "het verslag om te bewerken in Word (DOCX)",
    ODT: "het verslag om te bewerken in LibreOffice of OpenOffice (ODT)",
    MARKDOWN: "het verslag als Markdown-tekst, om te lezen of verder te bewerken",
    JSON: "het hele verslag als JSON; de opbouw staat in " + SCHEMA,
    SCHEMA: "JSON Schema (draft 2020-12) van " + JSON,
    FIGURES: "alle cijfers als CSV: UTF-8, komma's, punt als decimaalteken",
    FIGURES_EXCEL: "dezelfde cijfers voor Excel in het Nederlands: puntkomma's, komma als "
    "decimaalteken, UTF-8 met byte-order mark",
    METADATA_JSON: "gegevens om het verslag te archiveren in het raadsinformatiesysteem",
    METADATA_CSV: "dezelfde archiefgegevens als CSV (UTF-8, komma's)",
}
BALLOTS_DESCRIPTION = (
    "de geanonimiseerde stembiljetten zoals de stemming ze publiceerde (PrefLib of Pabulib); "
    "na te tellen met python -m voting.recount"
)


def describe(name: str) -> str:
    """What a file of the report is, in a sentence (the README's words)."""
    if name.startswith(BALLOTS_FOLDER + "/"):
        return BALLOTS_DESCRIPTION
    return DESCRIPTIONS.get(name, "")


def readme_text(report: Report, files: dict[str, bytes]) -> bytes:
    lines = [
        report.title,
        "=" * len(report.title),
        "",
        "Dit archief bevat deze bestanden (met hun SHA-256):",
        "",
        README,
        f"    {describe(README)}",
    ]
    for name in sorted(files):
        what = describe(name)
        lines += [
            f"{name}",
            f"    {what}",
            f"    SHA-256 {hashlib.sha256(files[name]).hexdigest()}",
        ]
    lines += ["", f"Kolommen van {FIGURES} en {FIGURES_EXCEL}:", ""]
    lines += [f"  {name}: {what}" for name, what in FIGURE_COLUMNS_EXPLAINED.items()]
    lines += ["", f"Kolommen van {METADATA_CSV} (en velden van {METADATA_JSON}):", ""]
    lines += [f"  {name}: {what}" for name, what in METADATA_COLUMNS.items()]
    lines += [
        "",
        "Het verslag bevat geen namen, e-mailadressen, codes of tokens van inwoners.",
        SMALL_GROUPS_TEXT,
        "",
    ]
    return "\n".join(lines).encode()


def report_files(
    report: Report, ballot_files: dict[str, str], documents: dict[str, bytes] | None = None
) -> dict[str, bytes]:
    """Every file of the report by its name in the ZIP, README included; ``documents`` are
    the PDF, DOCX and ODT files (made by ``pdf`` and ``office``)."""
    files = {
        **(documents or {}),
        MARKDOWN: markdown_text(report),
        JSON: json_text(report),
        SCHEMA: schema_text(),
        FIGURES: figures_csv(report, excel=False),
        FIGURES_EXCEL: figures_csv(report, excel=True),
        METADATA_JSON: metadata_json(report),
        METADATA_CSV: metadata_csv(report),
    }
    for name, text in sorted(ballot_files.items()):
        files[f"{BALLOTS_FOLDER}/{name}"] = text.encode()
    files[README] = readme_text(report, files)
    return files


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in [README, *sorted(n for n in files if n != README)]:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()
