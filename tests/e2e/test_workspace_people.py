"""A facilitator invites people to a summit from Excel's Dutch CSV export, prints their
letters, and a letter's code logs its reader in."""

from __future__ import annotations

import os
import re
import zlib
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import (
    DemoServer,
    assert_accessible,
    assert_fits_phone,
    login_staff,
    new_page,
)

LETTERS_TIMEOUT = 60_000  # ms

SLUG = "burgertop-brieven"
SCREENSHOTS = os.environ.get("WORKSPACE_SCREENSHOTS", "")  # a folder: keep screenshots there
NAMES = [
    "André Bakker",
    "Renée de Vries",
    "José Kok",
    "Hélène Smit",
    "Noé Jansen",
    "Zoë Visser",
    "Chloé Mulder",
    "Désirée Bos",
    "Gérard Peters",
    "Inès Hendriks",
    "Mehmet Yılmaz",  # not in Windows-1252: typed as Yilmaz below
    "Amélie de Boer",
]


def invitee_file(folder: Path) -> Path:
    """Twelve invitees and one row with a wrong postcode, as Excel in Dutch saves a CSV:
    Windows-1252, semicolons."""
    rows = ["Naam;Adres;Postcode;Woonplaats;Wijk"]
    for index, name in enumerate(NAMES):
        name = name.replace("ı", "i")
        rows.append(f"{name};Kerkstraat {index + 1};1111 AB;Diemen;Centrum")
    rows.append("Fout Postcode;Dorpsweg 1;11;Diemen;")
    path = folder / "genodigden.csv"
    path.write_bytes("\r\n".join(rows).encode("cp1252"))
    return path


def pdf_pages_and_links(document: bytes) -> tuple[int, list[str]]:
    text = document
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", document, re.DOTALL):
        try:
            text += zlib.decompress(stream)
        except zlib.error:
            continue
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", text))
    links = [link.decode() for link in re.findall(rb"/URI\s*\((.*?)\)", text)]
    return pages, links


def check_page(page: Page) -> None:
    """axe at 1280 px and at 360 px on the page as it is (a form's answer cannot be opened
    again by its address), and nothing scrolls sideways on the phone."""
    assert_accessible(page)
    page.set_viewport_size({"width": 360, "height": 740})
    assert_accessible(page)
    assert_fits_phone(page)
    keep_screenshot(page, "360")
    page.set_viewport_size({"width": 1280, "height": 900})
    keep_screenshot(page, "1280")


def keep_screenshot(page: Page, width: str) -> None:
    if SCREENSHOTS:
        name = re.sub(r"\W+", "-", page.title().split(" – ")[0]).strip("-").lower()
        page.screenshot(path=str(Path(SCREENSHOTS) / f"people-{name}-{width}.png"), full_page=True)


def test_facilitator_imports_invitees_prints_letters_and_a_code_logs_in(
    demo_server: DemoServer, browser: Browser, page: Page, tmp_path: Path
) -> None:
    demo_server.manage(
        "shell",
        "-c",
        "from deliberation.models import Summit; "
        f"Summit.objects.create(slug={SLUG!r}, title='Burgertop Brieven')",
    )
    login_staff(page, demo_server, "gespreksleider")
    expect(page.get_by_role("link", name="Naar de werkruimte")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Werkruimte").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Werkruimte")
    check_page(page)

    participants = f"{demo_server.url}/werkruimte/burgertop/{SLUG}/deelnemers/"
    page.goto(participants)
    expect(page.get_by_text("Er is nog niemand uitgenodigd.")).to_be_visible()
    expect(page.get_by_role("img", name="QR-code met het adres van het zaalscherm")).to_be_visible()
    check_page(page)

    # One person by keyboard only: no address, so no letter for them.
    page.get_by_label("Naam", exact=True).focus()
    page.keyboard.type("Kees Zonderadres")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Kees Zonderadres is uitgenodigd.")).to_be_visible()

    page.get_by_label("Bestand met genodigden (CSV)").set_input_files(invitee_file(tmp_path))
    page.get_by_role("button", name="Bestand bekijken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Genodigden inlezen")
    expect(page.get_by_text("tekenset Windows-1252")).to_be_visible()
    expect(page.get_by_label("Naam", exact=True)).to_have_value("0")
    expect(page.get_by_label("E-mailadres")).to_have_value("")
    expect(page.get_by_role("cell", name="André Bakker")).to_be_visible()
    expect(page.get_by_text("De postcode '11' klopt niet; schrijf hem als 1111 AB.")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="12 mensen inlezen").click()

    expect(
        page.get_by_text("12 mensen uitgenodigd. 1 rij met een fout is niet ingelezen.")
    ).to_be_visible()
    expect(page.get_by_role("cell", name="Désirée Bos")).to_be_visible()
    expect(page.get_by_text("Van deze persoon weten we het adres niet.")).to_be_visible()
    check_page(page)

    # A PDF of letters takes seconds to make, longer on a loaded machine.
    with page.expect_download(timeout=LETTERS_TIMEOUT) as download:
        page.get_by_role("button", name="Codes maken en downloaden").click(timeout=LETTERS_TIMEOUT)
    letters = Path(download.value.path()).read_bytes()
    assert letters.startswith(b"%PDF")
    pages, links = pdf_pages_and_links(letters)
    assert pages == 12
    assert len(links) == 12 and all("/inloggen/code/#code=" in link for link in links)

    # The letter's link (its QR code) opens the code login with the code filled in.
    resident = new_page(browser, width=360)
    resident.goto(links[0])
    code = links[0].split("#code=")[1]
    expect(resident.get_by_label("Uw code")).to_have_value(code)
    assert "#code" not in resident.url
    assert_accessible(resident)
    resident.get_by_role("button", name="Inloggen met code").click()
    resident.wait_for_url(demo_server.url + "/")
    expect(resident.get_by_text("U bent ingelogd.")).to_be_visible()
    resident.context.close()

    page.reload()
    expect(page.get_by_role("cell", name="Ingelogd")).to_have_count(1)
    expect(page.get_by_role("cell", name="Heeft een code")).to_have_count(11)
