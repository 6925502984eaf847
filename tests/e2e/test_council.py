"""The council's answers in a real browser: the griffie answers a proposal by keyboard and
imports Dutch Excel's CSV, a council member reads the reading room, and anyone reads the
summit's public page of answers; axe-clean at 360 and 1280 px, nothing scrolls sideways."""

from __future__ import annotations

import os
import re
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

SLUG = "burgertop-raad-e2e"
SCREENSHOTS = os.environ.get("COUNCIL_SCREENSHOTS", "")  # a folder: keep screenshots there


@pytest.fixture(scope="module")
def council_summit(demo_server: DemoServer) -> str:
    """A summit of the browser tests' own with three frozen proposals (the demo's afternoon
    summit is still writing its proposals, and other tests need it so)."""
    demo_server.manage(
        "shell",
        "-c",
        f"from tests.council.factories import council_setup; council_setup({SLUG!r}, proposals=3)",
    )
    return SLUG


def check_page(page: Page, name: str) -> None:
    """axe at 1280 px and at 360 px, and nothing scrolls sideways on the phone."""
    page.set_viewport_size({"width": 1280, "height": 900})
    assert_accessible(page)
    keep_screenshot(page, name, "1280")
    page.set_viewport_size({"width": 360, "height": 740})
    assert_accessible(page)
    assert_fits_phone(page)
    keep_screenshot(page, name, "360")
    page.set_viewport_size({"width": 1280, "height": 900})


def keep_screenshot(page: Page, name: str, width: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / f"council-{name}-{width}.png"), full_page=True)


def focused_id(page: Page) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def test_the_griffie_answers_a_proposal_by_keyboard_and_residents_read_it(
    browser: Browser, demo_server: DemoServer, council_summit: str
):
    page = new_page(browser)
    login_staff(page, demo_server, "griffie")
    page.goto(demo_server.url + "/werkruimte/raad/")
    expect(page.get_by_role("heading", name="Antwoorden van de raad", level=1)).to_be_visible()
    check_page(page, "answers")
    page.get_by_role("link", name="Voorstel 2: Voorstel over bomen 2").click()
    expect(page.get_by_role("heading", name="Voorstel over bomen 2", level=1)).to_be_visible()
    check_page(page, "answer-form")

    page.get_by_label("Status").focus()
    page.keyboard.type("deels")  # a closed select follows what is typed
    assert page.get_by_label("Status").input_value() == "partly_adopted"
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_reasons"
    page.keyboard.type("Drempels bij elke school wel; licht in het park nog niet.")
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_decision_date"
    page.keyboard.type("12-03-2026")
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_decision_reference"
    page.keyboard.type("RB 2026-021")
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_milestones"
    page.keyboard.type("2026-05-01 | 20 | Het ontwerp ligt ter inzage")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Antwoord opslaan")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Het antwoord op voorstel 2 is opgeslagen.")).to_be_visible()

    # A wrong milestone is refused in words, at its field, and nothing is saved.
    page.get_by_role("link", name="Voorstel 3: Voorstel over bomen 3").click()
    page.get_by_label("Status").select_option("adopted")
    page.get_by_label("Mijlpalen").fill("begonnen")
    page.get_by_role("button", name="Antwoord opslaan").click()
    expect(page.get_by_text("Er is niets opgeslagen.")).to_be_visible()
    expect(page.get_by_text("Mijlpaal 1: schrijf 'datum | voortgang")).to_be_visible()
    check_page(page, "answer-form-error")

    # The list of statuses: a new one is added, and one in use cannot be deleted.
    page.goto(demo_server.url + "/werkruimte/raad/statussen/")
    check_page(page, "statuses")
    page.get_by_label("Naam").fill("aangehouden")
    page.get_by_label("Sleutel").fill("aangehouden")
    page.get_by_label("Voortgang in procenten").fill("5")
    page.get_by_role("button", name="Status toevoegen").click()
    expect(page.get_by_text("De status is toegevoegd.")).to_be_visible()
    expect(page.get_by_role("button", name="Verwijderen aangehouden")).to_be_visible()
    expect(page.get_by_role("button", name="Verwijderen deels aangenomen")).to_have_count(0)
    page.get_by_role("button", name="Verwijderen aangehouden").click()
    expect(page.get_by_text("De status 'aangehouden' is verwijderd.")).to_be_visible()

    resident = new_page(browser)
    resident.goto(demo_server.url + f"/raad/burgertop/{council_summit}/")
    heading = resident.get_by_role("heading", name="Wat is er met onze voorstellen gedaan?")
    expect(heading).to_be_visible()
    second = resident.locator(
        "section", has=resident.get_by_role("heading", name=re.compile("Voorstel 2"))
    )
    expect(second).to_contain_text("deels aangenomen")
    expect(second).to_contain_text("Besloten op 12 maart 2026.")
    expect(second).to_contain_text("Het ontwerp ligt ter inzage (20% klaar)")
    third = resident.locator(
        "section", has=resident.get_by_role("heading", name=re.compile("Voorstel 3"))
    )
    expect(third).to_contain_text("De raad heeft nog niet geantwoord.")
    check_page(resident, "public")
    resident.context.close()
    page.context.close()


def test_the_griffie_imports_dutch_excels_csv_after_a_preview(
    browser: Browser, demo_server: DemoServer, council_summit: str, tmp_path: Path
):
    page = new_page(browser)
    login_staff(page, demo_server, "griffie")
    page.goto(demo_server.url + "/werkruimte/raad/import/")
    check_page(page, "import")
    wrong = tmp_path / "antwoorden-fout.csv"
    wrong.write_bytes(
        "\r\n".join(
            [
                "burgertop;voorstel;titel;status;toelichting;besluitdatum;raadsbesluit;mijlpalen",
                f"{council_summit};1;;aangenomen;Overgenomen, één op één;12-03-2026;;",
                f"{council_summit};7;;aangenomen;;;;",
            ]
        ).encode("cp1252")
    )
    page.get_by_label("CSV-bestand met antwoorden").set_input_files(str(wrong))
    page.get_by_role("button", name="Bestand bekijken").click()
    expect(page.get_by_text("1 regel heeft een fout. Er is niets opgeslagen")).to_be_visible()
    expect(
        page.get_by_text(f"Voorstel 7 van de burgertop '{council_summit}' bestaat niet.")
    ).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("opslaan"))).to_have_count(0)
    check_page(page, "import-errors")

    right = tmp_path / "antwoorden.csv"
    right.write_bytes(wrong.read_bytes().rsplit(b"\r\n", 1)[0])
    page.get_by_label("CSV-bestand met antwoorden").set_input_files(str(right))
    page.get_by_role("button", name="Bestand bekijken").click()
    expect(
        page.get_by_text("Gelezen als Windows-1252, met ';' als scheidingsteken.")
    ).to_be_visible()
    check_page(page, "import-preview")
    page.get_by_role("button", name="1 antwoord opslaan").click()
    expect(page.get_by_text("1 antwoord(en) opgeslagen.")).to_be_visible()
    page.goto(demo_server.url + f"/raad/burgertop/{council_summit}/")
    first = page.locator("section", has=page.get_by_role("heading", name=re.compile("Voorstel 1")))
    expect(first).to_contain_text("Overgenomen, één op één")
    page.context.close()


def test_a_council_member_reads_the_reading_room_and_may_not_write(
    browser: Browser, demo_server: DemoServer, council_summit: str
):
    page = new_page(browser)
    login_staff(page, demo_server, "raadslid")
    page.get_by_role("link", name="Leeskamer voor de raad").click()
    expect(page.get_by_role("heading", name="Leeskamer voor de raad", level=1)).to_be_visible()
    expect(page.locator(".ss-badge", has_text="uitgevoerd").first).to_be_visible()  # the demo
    check_page(page, "reading-room")
    page.get_by_label("Status").select_option("partly_adopted")
    page.get_by_role("button", name="Toon").click()
    expect(page.get_by_role("status")).to_contain_text("gevonden")
    expect(page.get_by_role("link", name=re.compile("Veilig naar school"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Elke straat een boom"))).to_have_count(0)
    page.get_by_role("link", name=re.compile("Veilig naar school")).click()
    expect(page.get_by_role("heading", name="Waar dit voorstel vandaan komt")).to_be_visible()
    check_page(page, "trail")
    page.goto(demo_server.url + "/werkruimte/raad/")
    expect(
        page.get_by_text("Alleen de griffie kan de antwoorden van de raad vastleggen.")
    ).to_be_visible()
    assert_accessible(page)
    page.context.close()
