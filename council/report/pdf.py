"""The report as PDF with WeasyPrint: a tagged PDF (PDF/UA-1) to read, and a PDF/A-3a copy
for the archive, both from one HTML document written from the report's data. Its
dates are the generation date (``dcterms.created``) and its file identifier a hash of its
content, so the same report gives the same bytes."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from weasyprint import HTML

from deliberation.drafts.markdown import render_markdown

from .content import Report
from .formats import demoted, readable_data

READING = "pdf/ua-1"
ARCHIVE = "pdf/a-3a"


def _with_answer_html(item: dict[str, Any]) -> None:
    answer = item["answer"]
    if answer:
        answer["html"] = render_markdown(answer["reasons"]) if answer["reasons"] else ""


def document_html(report: Report) -> str:
    data: dict[str, Any] = readable_data(report)
    for poll in data["polls"]:
        top = max((row["value"] for row in poll["rows"]), default=0) or 1
        for row in poll["rows"]:
            row["percent"] = round(100 * row["value"] / top, 1)
    for proposal in data["proposals"]:
        proposal["html"] = render_markdown(proposal["text"])
        _with_answer_html(proposal)
    for amendment in data["amendments"]:
        _with_answer_html(amendment)
    data["final_html"] = demoted(render_markdown(report.final_text)) if report.final_text else ""
    return render_to_string("council/report_document.html", {"report": data})


def pdf_bytes(report: Report) -> tuple[bytes, bytes]:
    """(the tagged PDF, the PDF/A copy)."""
    document = HTML(string=document_html(report)).render()
    return (
        document.write_pdf(pdf_variant=READING),
        document.write_pdf(pdf_variant=ARCHIVE),
    )
