"""The participation report (participatieverslag) of a finished summit, of a nota whose
reaction period is over, or of a closed poll of the workspace: ``content``, ``nota`` and
``poll`` read the database into the same plain data, ``formats`` writes every file from it.
``build`` does both."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from deliberation.drafts.models import Draft
from deliberation.models import Summit
from voting.models import Poll

from . import formats
from .content import Report, ReportRefused, refusal, summit_polls, summit_report
from .nota import nota_polls, nota_refusal, nota_report
from .poll import poll_refusal, poll_report_of

__all__ = [
    "Built",
    "Report",
    "ReportRefused",
    "build",
    "build_nota",
    "build_poll",
    "nota_refusal",
    "poll_refusal",
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


def build_poll(poll: Poll, *, generated_at: datetime) -> Built:
    """The report of a closed poll of the workspace and all its files; ReportRefused (with
    the reason) for a poll still open, without ballots, or of a summit or nota."""
    report = poll_report_of(poll, generated_at=generated_at)
    return _written(report, [Poll.objects.select_related("result").get(pk=poll.pk)])


def _written(report: Report, polls: list[Poll]) -> Built:
    """Every file of ``report``, the polls' published ballot files among them: one code
    path for a summit's report, a nota's and a poll's."""
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
