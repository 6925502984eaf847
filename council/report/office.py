"""The report for editing: DOCX (python-docx) and ODT (odfpy), both written from one list of
blocks (headings, paragraphs, list items, tables) made from the report. The files are
ZIPs; their entries are written again with a fixed time and the documents carry the
generation date, so the same report gives the same bytes."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime

from docx import Document
from odf import dc, meta, teletype
from odf.opendocument import OpenDocumentText
from odf.style import Style, TableColumnProperties, TextProperties
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import H, List, ListItem, P

from .content import NOTA_KIND, SUMMIT_KIND, CouncilAnswer, Report
from .dutch import dutch_number
from .formats import (
    MINORITY_HEADING,
    SMALL_GROUPS_TEXT,
    ZIP_TIME,
    amendment_lines,
    answer_lines,
    made_line,
    minority_lines,
    more_voices_text,
    option_word,
    shown_voices,
)


@dataclass(frozen=True)
class Block:
    kind: str  # "h1", "h2", "h3", "p", "li" or "table"
    text: str = ""
    head: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


def _plain(markdown: str) -> list[Block]:
    """Markdown as plain paragraphs and list items (an editor restyles them)."""
    blocks = []
    for line in markdown.splitlines():
        line = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", r"\1\2", line).strip()
        line = re.sub(r"^#+\s*", "", line)  # a nota's headings, as paragraphs
        if not line:
            continue
        if line[:2] in {"- ", "* "}:
            blocks.append(Block("li", line[2:]))
        else:
            blocks.append(Block("p", line))
    return blocks


def _answer_blocks(a: CouncilAnswer | None) -> list[Block]:
    made = [Block("p", "Antwoord van de raad:")]
    if a is None:
        return [*made, Block("p", "De raad heeft nog niet geantwoord.")]
    made += [Block("p", line) for line in answer_lines(a)]
    made += _plain(a.reasons)
    made += [Block("li", f"{m.date_text}: {m.description} ({m.progress}%)") for m in a.milestones]
    return made


def _amendment_blocks(report: Report) -> list[Block]:
    made = [Block("h2", "De amendementen en het antwoord van de raad")]
    for a in report.amendments:
        made += [Block("h3", f"Amendement {a.number}"), Block("p", "Passage:")]
        made += _plain(a.passage)
        if a.replacement:
            made += [Block("p", "Wordt:"), *_plain(a.replacement)]
        else:
            made.append(Block("p", "Voorstel: deze passage schrappen."))
        made.append(Block("p", f"Toelichting: {a.rationale}"))
        made += [Block("p", line) for line in amendment_lines(a)]
        made += _answer_blocks(a.answer)
    if not report.amendments:
        made.append(Block("p", "Er zijn geen amendementen ingediend."))
    made += [
        Block("h2", "De versies"),
        Block(
            "table",
            "Gepubliceerde versies",
            ("Versie", "Gepubliceerd", "Toelichting", "Definitief"),
            tuple(
                (str(v.number), v.published_text, v.note, "ja" if v.final else "nee")
                for v in report.versions
            ),
        ),
    ]
    if report.versions:
        made.append(Block("h3", f"De tekst van versie {report.versions[-1].number}"))
        made += _plain(report.final_text)
    return made


def blocks(report: Report) -> list[Block]:
    s = report.summary
    made = [
        Block("h1", report.title),
        Block("p", made_line(report)),
        Block("h2", "Samenvatting"),
        Block("p", f"De vraag: {s.question}"),
        Block("p", f"Wat niet kon: {s.limits}"),
        Block("p", f"Opdrachtgever: {s.commissioned_by}"),
        Block("p", f"Hoeveel inspraak: {s.say}. {s.say_explained}"),
        Block("p", "Wat eruit kwam: " + " ".join(s.outcome)),
        Block("p", f"Hoe verder: {s.next_steps}"),
        Block("h2", "Wie deden mee"),
        Block("p", f"{report.participation.session}. {SMALL_GROUPS_TEXT}"),
        Block(
            "table",
            "Deelname",
            ("Wat", "Aantal"),
            tuple((c.label, dutch_number(c.count)) for c in report.participation.channels),
        ),
        Block(
            "table",
            "Wijk en leeftijd van wie er was",
            ("Soort", "Groep", "Aantal"),
            tuple(
                (
                    g.category,
                    g.label,
                    g.count if isinstance(g.count, str) else dutch_number(g.count),
                )
                for g in report.participation.groups
            ),
        ),
        Block("h2", "Stemmingen"),
    ]
    for poll in report.polls:
        made += [
            Block("h3", poll.title),
            Block(
                "p",
                f"Methode: {poll.method}. Gesloten op {poll.closed_on}. Mochten stemmen: "
                f"{dutch_number(poll.eligible)}; gestemd: {dutch_number(poll.voted)}, waarvan "
                f"{dutch_number(poll.paper)} op papier.",
            ),
            Block(
                "table",
                f"Uitslag: {poll.title}",
                (option_word(report), poll.value_label, "Gekozen"),
                tuple((r.option, r.value_text, "ja" if r.chosen else "nee") for r in poll.rows),
            ),
        ]
        for step in poll.rounds:
            made.append(Block("p", step.title))
            made += [Block("li", line) for line in step.lines]
    if not report.polls:
        made.append(Block("p", "Er is niet gestemd."))
    if report.kind == SUMMIT_KIND:
        made.append(Block("h2", "De voorstellen en het antwoord van de raad"))
    elif report.kind == NOTA_KIND:
        made += _amendment_blocks(report)
    for p in report.proposals:
        vote = f" Stemming: {p.result}{' (gekozen)' if p.chosen else ''}." if p.result else ""
        made += [
            Block("h3", f"Voorstel {p.number}: {p.title}"),
            Block("p", f"Thema: {p.theme}. Geschreven aan tafel {p.table}.{vote}"),
        ]
        if p.ideas:
            made.append(Block("p", "Gebouwd op de ideeën:"))
            made += [Block("li", idea) for idea in p.ideas]
        made += _plain(p.text)
        made += _answer_blocks(p.answer)
    made += [Block("h2", MINORITY_HEADING), Block("p", report.minority_intro)]
    for view in report.minority_views:
        line, details = minority_lines(view)
        made.append(Block("p", line))
        made += [Block("li", detail) for detail in details]
    made += [Block("h2", "Andere stemmen"), Block("p", report.voices_intro)]
    voices, more = shown_voices(report)
    made += [Block("li", text) for text in voices] or [Block("p", "(geen)")]
    if more:
        made.append(Block("p", more_voices_text(more, report.kind)))
    return made


NAMESPACE = re.compile(rb' xmlns:[\w-]+="[^"]*"')


def _sorted_namespaces(xml: bytes) -> bytes:
    """odfpy declares the namespaces of the root element in set order, which changes from
    one process to the next, and the first document a process writes declares fewer of
    them than the ones after it: declare every namespace odfpy knows, in one order."""
    from odf.namespaces import nsdict

    start = xml.find(b"<", xml.find(b"?>") + 1)
    end = xml.find(b">", start)
    tag = xml[start:end]
    known = {f' xmlns:{prefix}="{uri}"'.encode() for uri, prefix in nsdict.items()}
    names = sorted(set(NAMESPACE.findall(tag)) | known)
    rest = NAMESPACE.sub(b"", tag)
    head, _space, attributes = rest.partition(b" ")
    rebuilt = head + b"".join(names) + (b" " + attributes if attributes else b"")
    return xml[:start] + rebuilt + xml[end:]


def _fixed_times(data: bytes, *, sort_namespaces: bool = False) -> bytes:
    """The same ZIP with every entry dated ZIP_TIME, in the same order and compression."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=ZIP_TIME)
            info.compress_type = item.compress_type
            info.external_attr = 0o644 << 16
            body = source.read(item.filename)
            if sort_namespaces and item.filename.endswith(".xml"):
                body = _sorted_namespaces(body)
            target.writestr(info, body)
    return out.getvalue()


def _made_at(report: Report) -> datetime:
    return datetime.fromisoformat(report.generated_at)


def docx_bytes(report: Report) -> bytes:
    document = Document()
    properties = document.core_properties
    properties.title = report.title
    properties.subject = report.filing.subject
    properties.author = report.filing.organization
    properties.language = "nl-NL"
    properties.created = properties.modified = _made_at(report)
    properties.last_modified_by = ""
    properties.revision = 1
    # Styles looked up once: python-docx finds a style by name on every call otherwise.
    bullet, caption = document.styles["List Bullet"], document.styles["Caption"]
    for block in blocks(report):
        if block.kind in {"h1", "h2", "h3"}:
            document.add_heading(block.text, level=int(block.kind[1]))
        elif block.kind == "li":
            document.add_paragraph(block.text, style=bullet)
        elif block.kind == "table":
            document.add_paragraph(block.text, style=caption)
            table = document.add_table(rows=1, cols=len(block.head))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, block.head, strict=True):
                cell.text = text
            for row in block.rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    cell.text = text
        else:
            document.add_paragraph(block.text)
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_times(buffer.getvalue())


def odt_bytes(report: Report) -> bytes:
    document = OpenDocumentText()
    made = report.generated_at + "T00:00:00"
    document.meta.addElement(meta.CreationDate(text=made))
    document.meta.addElement(meta.Generator(text="Samenspel"))
    document.meta.addElement(meta.InitialCreator(text=report.filing.organization))
    document.meta.addElement(dc.Title(text=report.title))
    document.meta.addElement(dc.Language(text="nl-NL"))
    document.meta.addElement(dc.Date(text=made))
    headings = {}
    for level, size in ((1, "20pt"), (2, "15pt"), (3, "12.5pt")):
        style = Style(
            name=f"Heading_20_{level}", displayname=f"Heading {level}", family="paragraph"
        )
        style.addElement(TextProperties(fontsize=size, fontweight="bold"))
        document.styles.addElement(style)
        headings[level] = style
    caption = Style(name="Caption", family="paragraph")
    caption.addElement(TextProperties(fontweight="bold"))
    document.styles.addElement(caption)
    column = Style(name="column", family="table-column")
    column.addElement(TableColumnProperties(columnwidth="5cm"))
    document.automaticstyles.addElement(column)
    body = document.text
    for number, block in enumerate(blocks(report)):
        if block.kind in {"h1", "h2", "h3"}:
            level = int(block.kind[1])
            heading = H(outlinelevel=level, stylename=headings[level])
            teletype.addTextToElement(heading, block.text)
            body.addElement(heading)
        elif block.kind == "li":
            items = List()
            item = ListItem()
            paragraph = P()
            teletype.addTextToElement(paragraph, block.text)
            item.addElement(paragraph)
            items.addElement(item)
            body.addElement(items)
        elif block.kind == "table":
            title = P(stylename=caption)
            teletype.addTextToElement(title, block.text)
            body.addElement(title)
            table = Table(name=f"Tabel{number}")
            table.addElement(TableColumn(numbercolumnsrepeated=len(block.head), stylename=column))
            for row in (block.head, *block.rows):
                line = TableRow()
                for text in row:
                    cell = TableCell(valuetype="string")
                    paragraph = P()
                    teletype.addTextToElement(paragraph, text)
                    cell.addElement(paragraph)
                    line.addElement(cell)
                table.addElement(line)
            body.addElement(table)
        else:
            paragraph = P()
            teletype.addTextToElement(paragraph, block.text)
            body.addElement(paragraph)
    buffer = io.BytesIO()
    document.write(buffer)
    return _fixed_times(buffer.getvalue(), sort_namespaces=True)
