"""The participation report (participatieverslag) of a finished summit or of a nota whose
reaction period is over: ``content`` and ``nota`` read the database into the same plain
data, ``formats`` writes every file from it. ``build`` does both."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from deliberation.drafts.models import Draft
from deliberation.models import Summit
from voting.models import Poll

from . import formats
from .content import Report, ReportRefused, refusal, summit_polls, summit_report
from .nota import nota_polls, nota_refusal, nota_report

__all__ = [
    "Built",
    "Report",
    "ReportRefused",
    "build",
    "build_nota",
    "nota_refusal",
    "refusal",
    "summit_report",
]


@dataclass(frozen=True)
class Built:
    report: Report
    files: dict[str, bytes]  # name in the ZIP -> bytes, README included
    archive: bytes  # the ZIP


def build(summit: Summit, *, generated_at: datetime) -> Built:
    """The report of ``summit`` and all its files; ReportRefused for an unfinished one."""
    report = summit_report(summit, generated_at=generated_at)
    return _written(report, summit_polls(summit))


def build_nota(draft: Draft, *, generated_at: datetime, now: datetime) -> Built:
    """The report of the nota ``draft`` and all its files; ReportRefused (with the reason)
    while its reaction period or a vote on its amendments is still open at ``now``."""
    report = nota_report(draft, generated_at=generated_at, now=now)
    return _written(report, nota_polls(draft))


def _written(report: Report, polls: list[Poll]) -> Built:
    """Every file of ``report``, the polls' published ballot files among them: one code
    path for a summit's report and a nota's."""
    # WeasyPrint (Pango), python-docx and odfpy take about a second to load: only when a
    # report is made, not in every server process's first request (the URLs reach this).
    from . import office, pdf

    ballots = {poll.result.file_name: poll.result.file_text for poll in polls}
    readable, archived = pdf.pdf_bytes(report)
    documents = {
        formats.PDF: readable,
        formats.PDF_ARCHIVE: archived,
        formats.DOCX: office.docx_bytes(report),
        formats.ODT: office.odt_bytes(report),
    }
    files = formats.report_files(report, ballots, documents)
    return Built(report=report, files=files, archive=formats.zip_bytes(files))
