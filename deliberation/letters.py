"""Letters with a login code: a CSV for a mail merge and printable letters (PDF), each with a
QR code that opens the code login with the code filled in.

The code travels in the link's fragment (``#code=...``), which the browser never sends to a
server: it does not end up in a proxy's access log."""

from __future__ import annotations

import base64
import csv
import io
import zipfile

import qrcode
import qrcode.image.svg
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Summit
from .services.invitees import LetterBatch


def code_link(login_url: str, code: str) -> str:
    """The address a letter's QR code opens: the code login with this code filled in."""
    return f"{login_url}#code={code}"


def qr_svg(data: str) -> str:
    """A QR code as an SVG element (no XML declaration), to put inline in a page."""
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    )
    text: str = image.to_string(encoding="unicode")
    # No id: a page or a PDF with several codes would define the same anchor many times.
    return text[text.index("<svg") :].replace(' id="qr-path"', "")


def letters_csv(batch: LetterBatch, login_url: str) -> str:
    """One row per person for a mail merge, with a heading row; semicolons and a BOM, so
    Excel and Word in Dutch open it as it is."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        [
            _("naam"),
            _("straat en huisnummer"),
            _("postcode"),
            _("woonplaats"),
            _("e-mailadres"),
            _("code"),
            _("inlogadres"),
            _("inloglink met code"),
        ]
    )
    for item in batch.issued:
        user = item.user
        writer.writerow(
            [
                user.get_full_name() or user.display_name,
                user.street_address,
                user.postcode,
                user.place,
                user.email,
                item.code,
                login_url,
                code_link(login_url, item.code),
            ]
        )
    return buffer.getvalue()


LETTERS_PER_RENDER = 100  # WeasyPrint lays out a long document in more than linear time


def qr_png_data_uri(data: str) -> str:
    """A QR code as a PNG data: URI, for the PDF. WeasyPrint draws a raster image about four
    times as fast as the same code as an SVG path (bench/invitees.py)."""
    image = qrcode.make(
        data, error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, box_size=8
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def letters_pdf(batch: LetterBatch, summit: Summit, login_url: str) -> bytes:
    """One A4 page per person: their address for a window envelope, the invitation, the code
    in large type and a QR code. In Dutch: the letter goes to residents. Laid out in parts
    of LETTERS_PER_RENDER letters whose pages are joined into one PDF."""
    import weasyprint  # loads the Pango libraries: only when letters are made

    pages = []
    first = None
    with translation.override("nl"):
        for start in range(0, len(batch.issued), LETTERS_PER_RENDER):
            letters = [
                {
                    "name": item.user.get_full_name() or item.user.display_name,
                    "user": item.user,
                    "code": item.code,
                    "link": code_link(login_url, item.code),
                    "qr": qr_png_data_uri(code_link(login_url, item.code)),
                }
                for item in batch.issued[start : start + LETTERS_PER_RENDER]
            ]
            html = render_to_string(
                "deliberation/workspace/participants_letters_pdf.html",
                {"summit": summit, "letters": letters, "login_url": login_url},
            )
            document = weasyprint.HTML(string=html).render(pdf_tags=True)
            first = first or document
            pages.extend(document.pages)
    if first is None:
        return b""
    written: bytes = first.copy(pages).write_pdf(pdf_tags=True)
    return written


def letters_zip(batch: LetterBatch, summit: Summit, login_url: str) -> bytes:
    """The letters (PDF) and the mail-merge file (CSV) of one issue in one ZIP: the same codes
    in both, for a mailing that sends some people a letter and others an e-mail."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"brieven-{summit.slug}.pdf", letters_pdf(batch, summit, login_url))
        archive.writestr(
            f"inlogcodes-{summit.slug}.csv", letters_csv(batch, login_url).encode("utf-8")
        )
    return buffer.getvalue()
