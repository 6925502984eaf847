"""The council's answers on nota amendments in a real browser: the griffie answers an
amendment by keyboard, previews a CSV file with an amendment row, and a resident follows the
nota's link to its council page and reads the answer; axe-clean at 360 and 1280 px, nothing
scrolls sideways."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import (
    DemoServer,
    assert_accessible,
    assert_fits_phone,
    login_staff,
    new_page,
)

SLUG = "nota-amendementen-e2e"
SCREENSHOTS = os.environ.get("COUNCIL_SCREENSHOTS", "")  # a folder: keep screenshots there
TEXT = "# Speeltuinen\n\nDe speeltuin aan de Ouddiemerlaan gaat om acht uur open.\n"
PASSAGE = "om acht uur open"


def make_nota(slug: str = SLUG) -> None:
    """A nota of these tests' own (the demo's finished nota is read by other browser tests
    as the demo made it): one published version with one amendment by a resident, taken
    over by its editor."""
    from datetime import timedelta

    from django.utils import timezone

    from deliberation.drafts import services, setup
    from deliberation.drafts.models import Draft
    from samenspel import services as core_services
    from samenspel.models import Role, User

    if Draft.objects.filter(slug=slug).exists():
        return  # made already for another test of this file on the same demo server
    now = timezone.now()
    admin, editor = User.objects.get(username="beheer"), User.objects.get(username="ambtenaar")
    draft = setup.draft_start(
        by=admin, slug=slug, title="Speeltuinnota", kind="jeugdnota", now=now, text=TEXT
    )
    setup.draft_editor_name(draft=draft, by=admin, username=editor.username)
    setup.draft_period_set(
        draft=draft,
        by=editor,
        opens=now - timedelta(days=1),
        closes=now + timedelta(days=14),
        now=now,
    )
    version = services.version_publish(draft=draft, by=editor, now=now)
    # A resident of its own, by name: the factories' numbered names would meet the next
    # shell's (another test file's) on this demo server.
    resident = User.objects.create_user(f"indiener-{slug}", display_name="Ruben")
    core_services.role_grant(user=resident, role=str(Role.RESIDENT))
    amendment = services.amendment_propose(
        version=version,
        by=resident,
        passage=PASSAGE,
        start=version.text.index(PASSAGE),
        replacement="om zeven uur open",
        rationale="Ouders met jonge kinderen zijn vroeg op.",
        now=now,
    )
    services.amendment_accept(amendment=amendment, by=editor, now=now)  # decided: answerable


def check_page(page: Page, name: str) -> None:
    """axe at 1280 px and at 360 px, and nothing scrolls sideways on the phone."""
    for width, height in ((1280, 900), (360, 740)):
        page.set_viewport_size({"width": width, "height": height})
        assert_accessible(page)
        if width == 360:
            assert_fits_phone(page)
        if SCREENSHOTS:
            shot = Path(SCREENSHOTS) / f"council-{name}-{width}.png"
            page.screenshot(path=str(shot), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def focused_id(page: Page) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


@pytest.fixture(scope="module")
def nota(demo_server: DemoServer) -> str:
    demo_server.manage(
        "shell",
        "-c",
        f"from tests.e2e.test_council_amendments import make_nota; make_nota({SLUG!r})",
    )
    return SLUG


def test_the_griffie_answers_an_amendment_by_keyboard_and_a_resident_reads_it(
    browser: Browser, demo_server: DemoServer, nota: str
):
    page = new_page(browser)
    login_staff(page, demo_server, "griffie")
    page.goto(demo_server.url + "/werkruimte/raad/")
    expect(page.get_by_role("heading", name="Amendementen op nota's", level=2)).to_be_visible()
    check_page(page, "amendments")
    section = page.locator("section", has=page.get_by_role("heading", name="Speeltuinnota"))
    expect(section).to_contain_text("Nog geen antwoord")
    link = section.get_by_role("link", name=f"Amendement 1: {PASSAGE}")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Amendement 1", level=1)).to_be_visible()
    expect(page.get_by_text("om zeven uur open")).to_be_visible()
    check_page(page, "amendment-form")

    page.get_by_label("Status").focus()
    page.keyboard.type("aangenomen")  # a closed select follows what is typed
    assert page.get_by_label("Status").input_value() == "adopted"
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_reasons"
    page.keyboard.type("De raad wil de speeltuin om **zeven uur** open.")
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_decision_date"
    page.keyboard.type("12-03-2026")
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_decision_reference"
    page.keyboard.type("RB 2026-040")
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_milestones"
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Antwoord opslaan")).to_be_focused()
    page.keyboard.press("Enter")
    expect(
        page.get_by_text("Het antwoord op amendement 1 van Speeltuinnota is opgeslagen.")
    ).to_be_visible()
    expect(section).to_contain_text("aangenomen")

    # A wrong link is refused at its field, in words, and the answer stays as it was.
    section.get_by_role("link", name=f"Amendement 1: {PASSAGE}").click()
    page.get_by_label("Raadsbesluit: kenmerk of link").fill("http://raad.example/besluit")
    page.get_by_role("button", name="Antwoord opslaan").click()
    expect(page.get_by_text("Er is niets opgeslagen.")).to_be_visible()
    expect(page.get_by_text("Een link naar het raadsbesluit begint met https://")).to_be_visible()
    check_page(page, "amendment-form-error")
    expect(page.get_by_role("heading", name="Eerdere wijzigingen")).to_be_visible()

    # A resident reads the nota, follows its link to the council page and reads the answer.
    resident = new_page(browser)
    resident.goto(demo_server.url + f"/nota/{nota}/")
    council_link = resident.get_by_role("link", name="Wat is er met de amendementen gedaan?")
    expect(council_link).to_be_visible()
    check_page(resident, "nota-read-page")
    council_link.focus()
    resident.keyboard.press("Enter")
    expect(
        resident.get_by_role("heading", name="Wat is er met onze amendementen gedaan?")
    ).to_be_visible()
    first = resident.locator("section", has=resident.get_by_role("heading", name="Amendement 1"))
    expect(first).to_contain_text("aangenomen")
    expect(first).to_contain_text("De raad wil de speeltuin om zeven uur open.")
    check_page(resident, "nota-council-page")
    resident.context.close()
    page.context.close()


def test_the_griffie_previews_a_csv_file_with_an_amendment_row(
    browser: Browser, demo_server: DemoServer, nota: str, tmp_path: Path
):
    page = new_page(browser)
    login_staff(page, demo_server, "griffie")
    page.goto(demo_server.url + "/werkruimte/raad/import/")
    upload = tmp_path / "antwoorden.csv"
    upload.write_bytes(
        (
            "soort;burgertop;voorstel;nota;amendement;titel;status;toelichting\r\n"
            f"amendement;;;{nota};1;;in_progress;Het college werkt het uit.\r\n"
            f"amendement;;;{nota};7;;adopted;\r\n"
        ).encode("cp1252")
    )
    page.get_by_label("CSV-bestand met antwoorden").set_input_files(str(upload))
    page.get_by_role("button", name="Bestand bekijken").click()
    table = page.get_by_role("table", name="Wat in het bestand staat")
    expect(table).to_contain_text(f"{nota}, amendement 1")
    expect(table).to_contain_text(f"Amendement 7 van de nota '{nota}' bestaat niet.")
    expect(page.get_by_text("1 regel heeft een fout.")).to_be_visible()
    expect(page.get_by_role("button", name="1 antwoord opslaan")).to_have_count(0)
    check_page(page, "import-amendments")
    page.context.close()
