"""The participation report (participatieverslag) of a finished summit: ``content`` reads
the database into plain data, ``formats`` writes every file from it. ``build`` does both."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from deliberation.models import Summit

from . import formats
from .content import Report, ReportRefused, refusal, summit_polls, summit_report

__all__ = ["Built", "Report", "ReportRefused", "build", "refusal", "summit_report"]


@dataclass(frozen=True)
class Built:
    report: Report
    files: dict[str, bytes]  # name in the ZIP -> bytes, README included
    archive: bytes  # the ZIP


def build(summit: Summit, *, generated_at: datetime) -> Built:
    """The report of ``summit`` and all its files; ReportRefused for an unfinished one."""
    # WeasyPrint (Pango), python-docx and odfpy take about a second to load: only when a
    # report is made, not in every server process's first request (the URLs reach this).
    from . import office, pdf

    report = summit_report(summit, generated_at=generated_at)
    ballots = {poll.result.file_name: poll.result.file_text for poll in summit_polls(summit)}
    readable, archived = pdf.pdf_bytes(report)
    documents = {
        formats.PDF: readable,
        formats.PDF_ARCHIVE: archived,
        formats.DOCX: office.docx_bytes(report),
        formats.ODT: office.odt_bytes(report),
    }
    files = formats.report_files(report, ballots, documents)
    return Built(report=report, files=files, archive=formats.zip_bytes(files))
