"""The poll workspace in the browser: an administrator sets up a poll for one wijk with the
keyboard only, opens it; a resident of that wijk votes, a resident of another is told why
not. Every workspace page passes axe at 1280 px and at 360 px."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import (
    DemoServer,
    assert_accessible,
    assert_fits_phone,
    login_code,
    login_staff,
    new_page,
)

SHOTS = os.environ.get("WORKSPACE_SCREENSHOTS", "")


def shot(page: Page, name: str) -> None:
    """Keep a screenshot to look at when WORKSPACE_SCREENSHOTS names a folder."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def tab_to(page: Page, target: Locator, limit: int = 80) -> None:
    """Press Tab until ``target`` has the focus: it is reachable by keyboard, in order."""
    handle = target.element_handle()
    for _ in range(limit):
        if page.evaluate("node => document.activeElement === node", handle):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


def wijk_of_residents(server: DemoServer) -> dict[str, str]:
    """username -> the name of the wijk the demo resident lives in."""
    out = server.manage(
        "shell",
        "-c",
        "import json; from samenspel.models import User; "
        "print(json.dumps({u.username: (u.neighbourhood.parent or u.neighbourhood).name "
        "for u in User.objects.filter(username__startswith='inwoner', neighbourhood__isnull=False)"
        ".select_related('neighbourhood__parent')}))",
    )
    return json.loads(out.strip().splitlines()[-1])


def test_a_poll_for_one_wijk_built_by_keyboard(
    page: Page, browser: Browser, demo_server: DemoServer
) -> None:
    wijken = wijk_of_residents(demo_server)
    inside = demo_server.next_resident()
    wijk = wijken[inside["username"]]
    outside = next(r for r in demo_server._residents if wijken.get(r["username"]) not in (wijk, None))
    demo_server._residents.remove(outside)
    title = f"Welke bank komt er op het plein in {wijk}?"

    login_staff(page, demo_server, "beheer")
    page.goto(demo_server.url + "/werkruimte/peiling/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Peilingen beheren")
    assert_accessible(page)
    shot(page, "list-1280")
    new = page.get_by_role("link", name="Nieuwe peiling")
    tab_to(page, new)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuwe peiling")
    assert_accessible(page)
    shot(page, "form-1280")

    # The form, with the keyboard only.
    tab_to(page, page.get_by_label("Titel", exact=True))
    page.keyboard.type(title)
    page.keyboard.press("Tab")
    page.keyboard.type("Kies de banken die u wilt; de gemeente plaatst de twee populairste.")
    # The frame of the report: who asked, and one rung up from consulting (advising).
    tab_to(page, page.get_by_label("Opdrachtgever"))
    page.keyboard.type("Wijkraad")
    tab_to(page, page.locator("#ladder-consult"))
    expect(page.locator("#ladder-consult")).to_be_checked()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#ladder-advise")).to_be_checked()
    tab_to(page, page.locator("#method-yes_no"))
    page.keyboard.press("ArrowDown")  # the next method: choose several (approval)
    expect(page.locator("#method-approval")).to_be_checked()
    for number, option in enumerate(["Houten bank", "Picknicktafel", "Bank met rugleuning"], 1):
        tab_to(page, page.get_by_label(f"Optie {number}: titel"))
        page.keyboard.type(option)
    tab_to(page, page.get_by_label("Aantal winnaars"))
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    tab_to(page, page.locator("#electorate-all"))
    page.keyboard.press("ArrowDown")
    expect(page.locator("#electorate-neighbourhood")).to_be_checked()
    tab_to(page, page.get_by_label("Wijk of buurt", exact=True))
    page.keyboard.type(wijk)
    expect(page.get_by_label("Wijk of buurt", exact=True).locator("option:checked")).to_have_text(f"{wijk} (wijk)")
    save = page.get_by_role("button", name="Peiling opslaan")
    tab_to(page, save)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_text(f"Inwoners van {wijk}")).to_be_visible()
    expect(page.locator("dd", has_text="Wijkraad")).to_be_visible()
    expect(page.locator("dd", has_text="Adviseren")).to_be_visible()
    assert_accessible(page)
    shot(page, "detail-1280")
    detail_url = page.url
    open_now = page.get_by_role("button", name="Nu openen")
    tab_to(page, open_now)
    page.keyboard.press("Enter")
    expect(page.get_by_text("De peiling is geopend.")).to_be_visible()
    expect(page.get_by_role("button", name="Nu sluiten en tellen")).to_be_visible()
    assert_accessible(page)
    edit = page.goto(detail_url + "bewerken/")
    assert edit is not None
    expect(page.get_by_text("al geopend en kan niet meer worden gewijzigd")).to_be_visible()
    poll_id = re.search(r"/peiling/(\d+)/", detail_url).group(1)  # type: ignore[union-attr]

    # A resident of the wijk votes.
    voter = new_page(browser)
    login_code(voter, demo_server, inside["code"])
    voter.goto(demo_server.url + f"/stemmen/{poll_id}/")
    expect(voter.get_by_role("heading", level=1)).to_have_text(title)
    voter.get_by_label("Picknicktafel").check()
    voter.get_by_role("button", name="Stem uitbrengen").click()
    expect(voter.get_by_text("Uw stem is opgeslagen.")).to_be_visible()
    voter.context.close()

    # A resident of another wijk is told why not, on the poll and in the list.
    other = new_page(browser)
    login_code(other, demo_server, outside["code"])
    other.goto(demo_server.url + f"/stemmen/{poll_id}/")
    expect(other.get_by_role("alert")).to_contain_text(f"alleen voor inwoners van {wijk}")
    expect(other.get_by_role("button", name="Stem uitbrengen")).to_have_count(0)
    assert_accessible(other)
    other.goto(demo_server.url + "/stemmen/")
    expect(other.get_by_text(f"{title}: Deze peiling is alleen voor inwoners van {wijk}")).to_be_visible()
    other.context.close()

    # Closing counts the one ballot.
    page.goto(detail_url)
    page.get_by_role("button", name="Nu sluiten en tellen").click()
    expect(page.get_by_text("Gesloten en geteld", exact=True)).to_be_visible()
    page.get_by_role("link", name="Uitslag bekijken").click()
    expect(page.get_by_text("Picknicktafel").first).to_be_visible()


def test_workspace_pages_on_a_phone(phone: Page, demo_server: DemoServer) -> None:
    login_staff(phone, demo_server, "beheer")
    phone.goto(demo_server.url + "/werkruimte/peiling/")
    assert_accessible(phone)
    assert_fits_phone(phone)
    shot(phone, "list-360")
    phone.get_by_role("link", name="Nieuwe peiling").click()
    assert_accessible(phone)
    assert_fits_phone(phone)
    shot(phone, "form-360")

    # Bad input: one option, a budget below the cheapest project; each said on its field.
    phone.get_by_label("Titel", exact=True).fill("Buurtbudget Centrum")
    phone.locator("#method-budget_mes").check()
    phone.get_by_label("Optie 1: titel").fill("Bankjes")
    phone.locator("#option-1-cost").fill("2000")
    phone.get_by_label("Budget in euro's").fill("1500")
    phone.get_by_label("Opdrachtgever").fill("R" * 201)
    phone.get_by_role("button", name="Peiling opslaan").click()
    expect(phone.get_by_text("Een peiling heeft ten minste twee opties.")).to_be_visible()
    expect(phone.get_by_text("De opdrachtgever is hoogstens 200 tekens lang.")).to_be_visible()
    expect(phone.get_by_text("kleiner dan het goedkoopste project (€ 2.000)")).to_be_visible()
    assert_accessible(phone)
    assert_fits_phone(phone)
    shot(phone, "form-errors-360")

    # A list poll: its voters page, with a preview that names each row's error.
    phone.get_by_label("Optie 2: titel").fill("Bomen")
    phone.locator("#option-2-cost").fill("3000")
    phone.get_by_label("Budget in euro's").fill("4000")
    phone.get_by_label("Opdrachtgever").fill("Gemeenteraad")
    phone.locator("#electorate-list").check()
    phone.get_by_role("button", name="Peiling opslaan").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Buurtbudget Centrum")
    assert_accessible(phone)
    assert_fits_phone(phone)
    shot(phone, "detail-360")
    phone.get_by_role("link", name="Kiezers laden").first.click()
    phone.get_by_label("Bestand met kiezers (CSV)").set_input_files(
        files=[
            {
                "name": "kiezers.csv",
                "mimeType": "text/csv",
                "buffer": b"naam;gebruikersnaam\nEen;inwoner0011\nTwee;niemand\n",
            }
        ]
    )
    phone.get_by_role("button", name="Bestand bekijken").click()
    expect(phone.get_by_text("Gelezen met puntkomma's als scheidingsteken.")).to_be_visible()
    expect(phone.get_by_text("Niemand gevonden met 'niemand'.")).to_be_visible()
    expect(phone.get_by_role("button", name=re.compile("opslaan"))).to_have_count(0)
    assert_accessible(phone)
    assert_fits_phone(phone)
    shot(phone, "voters-360")


def test_enter_in_a_field_saves_the_poll_instead_of_adding_option_rows(
    page: Page, demo_server: DemoServer
) -> None:
    login_staff(page, demo_server, "beheer")
    page.goto(demo_server.url + "/werkruimte/peiling/nieuw/")
    page.wait_for_load_state("load")
    page.get_by_label("Titel", exact=True).fill("Welke bank komt er bij de vijver?")
    page.get_by_label("Optie 1: titel").fill("Houten bank")
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_label("Optie 1: titel").press("Enter")
    # Enter saves: the unfinished poll is refused (400) with its errors. "Meer opties" would
    # have answered the same form with one more row (200) and saved nothing.
    assert "save=1" in (posted.value.request.post_data or "")
    assert posted.value.status == 400
    expect(page.get_by_role("alert")).to_contain_text("De peiling is niet opgeslagen")
    expect(page.get_by_label("Titel", exact=True)).to_have_value("Welke bank komt er bij de vijver?")
