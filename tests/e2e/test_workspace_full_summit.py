"""A whole small burgertop, built and run through the pages, as a municipality does it.

The administrator creates it from the G1000-day template (the new-summit form and the
tables by keyboard only), changes a step of the agenda and chooses how the hall votes (for or
against each proposal), gives a volunteer the table-host role in this summit, adds three
hall tables and one online table with its video link, makes the volunteer table 1's host,
imports twelve invitees from a file after its preview, prints their letters (a PDF of twelve
pages) and makes the mail-merge file with their codes, and opens it. Then it runs: invitees log in with a code
from that file on their phones, two are checked in at the desk and seated at a hall table,
one joins the online table from home, they write ideas at their tables, the theme team
groups the ideas into a theme, puts it on the hall screen and spreads it over the tables,
table 1's host writes the theme's proposal, the facilitator opens the vote, an invitee votes
on the phone and gets a receipt, and the facilitator closes the vote and shows its result
on the phones. The summit is on the home page and in the workspace's list. axe checks every
page the test opens, at the width it uses.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import (
    DemoServer,
    assert_accessible,
    assert_fits_phone,
    login_code,
    login_staff,
    new_page,
)
from tests.e2e.test_summit_staff import go_to_step
from tests.e2e.test_workspace_people import pdf_pages_and_links

LETTERS_TIMEOUT = 60_000  # ms

TITLE = "Burgertop Samen Verder"
SLUG = "burgertop-samen-verder"
WORKSPACE = f"/werkruimte/burgertop/{SLUG}/"
SUMMIT = f"/burgertop/{SLUG}/"
WELCOME = "Welkom in Het Huis van Diemen"
THEME = "Groen in de buurt"
PROPOSAL = "Een boom voor elke straat"
INVITEES = [
    "Anna Bakker",
    "Bilal Chaouch",
    "Carla Dekker",
    "Dirk Evers",
    "Eline Fontein",
    "Fenna Groot",
    "Gerrit Hof",
    "Hatice Inan",
    "Ivo Jacobs",
    "Jamila Kaddouri",
    "Karel Linden",
    "Lieke Maas",
]


def invitee_file(folder: Path) -> Path:
    """Twelve invitees in a plain UTF-8 file with commas, one street each."""
    rows = ["Naam,E-mailadres,Adres,Postcode,Woonplaats,Wijk"]
    for index, name in enumerate(INVITEES):
        email = name.lower().replace(" ", ".") + "@samen-verder.example"
        rows.append(f"{name},{email},Wilgenlaan {index + 1},1111 CD,Diemen,Centrum")
    path = folder / "uitnodigen.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def seen(page: Page, *, phone: bool = False) -> None:
    """axe on the page as it is now; on a phone, nothing scrolls sideways either."""
    assert_accessible(page)
    if phone:
        assert_fits_phone(page)


def type_into(page: Page, label: str, text: str) -> None:
    page.get_by_label(label, exact=True).focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def resident_phone(browser: Browser, server: DemoServer, code: str) -> Page:
    phone = new_page(browser, width=360)
    login_code(phone, server, code)
    seen(phone, phone=True)
    phone.goto(server.url + SUMMIT)
    # Not checked in yet: the desk first, or online.
    expect(phone.get_by_text("Meld u eerst aan bij de balie")).to_be_visible()
    seen(phone, phone=True)
    return phone


def write_idea(phone: Page, text: str) -> None:
    phone.get_by_label("Nieuw idee").fill(text)
    phone.get_by_role("button", name="Idee toevoegen").click()
    expect(phone.locator("[data-ideas]")).to_contain_text(text)


def build(browser: Browser, server: DemoServer, folder: Path, host: str) -> list[dict[str, str]]:
    """The administrator builds and opens the summit, with ``host`` (a username) as table
    1's host; the mail-merge file's rows."""
    page = new_page(browser)
    login_staff(page, server, "beheer")
    page.goto(server.url + "/werkruimte/burgertop/")
    seen(page)
    page.get_by_role("link", name="Nieuwe burgertop").click()
    expect(page.get_by_role("radio", name=re.compile("^G1000-dag"))).to_be_checked()
    seen(page)
    # Keyboard only: the title, and Enter sends the form with the G1000 day chosen.
    type_into(page, "Titel", TITLE)
    page.keyboard.press("Enter")
    page.wait_for_url(server.url + WORKSPACE)
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    seen(page)

    # The template's eight steps, the welcome renamed.
    page.goto(server.url + WORKSPACE + "agenda/")
    steps = page.locator(".ss-agenda-edit > li strong")
    expect(steps).to_have_count(8)
    expect(steps.nth(6)).to_have_text("Stemmen op de voorstellen")
    seen(page)
    page.get_by_role("link", name=re.compile("Wijzigen.*Welkom")).click()
    seen(page)
    page.get_by_label("Titel", exact=True).fill(WELCOME)
    page.get_by_role("button", name="Stap opslaan").click()
    expect(steps.first).to_have_text(WELCOME)
    # The vote: for, against or abstain per proposal (one proposal is enough for it).
    page.get_by_role("link", name=re.compile("Wijzigen.*Stemmen op de voorstellen")).click()
    page.get_by_label("Stemmethode (alleen bij een stemstap)").select_option(
        label="Voor / tegen / onthouding"
    )
    page.get_by_role("button", name="Stap opslaan").click()
    expect(steps.nth(6)).to_have_text("Stemmen op de voorstellen")

    # A volunteer becomes a table host in this summit (and nowhere else).
    page.get_by_role("link", name="Rollen", exact=True).click()
    seen(page)
    page.get_by_label("Gebruikersnaam").fill(host)
    page.get_by_label("Rol", exact=True).select_option("table_host")
    page.get_by_role("button", name="Rol geven").click()
    expect(page.get_by_text(re.compile("heeft nu de rol Tafelgastheer of -vrouw"))).to_be_visible()

    # Three hall tables and one online table, keyboard only; then the online table's link.
    page.goto(server.url + WORKSPACE + "tafels/")
    seen(page)
    type_into(page, "Tafels in de zaal", "3")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("1")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("8")
    page.keyboard.press("Enter")
    expect(page.get_by_text("4 tafels toegevoegd.")).to_be_visible()
    page.get_by_role("link", name="Tafel 4").click()
    seen(page)
    page.get_by_label("Videolink").fill("https://video.diemen.example/samen-verder-4")
    page.get_by_role("button", name="Tafel opslaan").click()
    expect(page.get_by_text("Tafel 4 is opgeslagen.")).to_be_visible()
    expect(page.locator("main li").filter(has_text="Tafel 4")).to_contain_text("met videolink")
    seen(page)
    # Table 1's host: the volunteer is one of the table hosts to choose from now.
    page.get_by_role("link", name="Tafel 1").click()
    chosen = page.locator("option", has_text=f"({host})").inner_text()
    page.get_by_label("Tafelgastheer of -vrouw").select_option(label=chosen)
    page.get_by_role("button", name="Tafel opslaan").click()
    host_name = chosen.removesuffix(f" ({host})")
    expect(page.locator("main li").filter(has_text="Tafel 1")).to_contain_text(
        f"gastheer of -vrouw: {host_name}"
    )

    # Twelve invitees from a file, after its preview.
    page.goto(server.url + WORKSPACE + "deelnemers/")
    expect(page.get_by_text("Er is nog niemand uitgenodigd.")).to_be_visible()
    seen(page)
    page.get_by_label("Bestand met genodigden (CSV)").set_input_files(invitee_file(folder))
    page.get_by_role("button", name="Bestand bekijken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Genodigden inlezen")
    expect(page.get_by_role("cell", name="Jamila Kaddouri")).to_be_visible()
    seen(page)
    page.get_by_role("button", name="12 mensen inlezen").click()
    expect(page.get_by_text("12 mensen uitgenodigd.")).to_be_visible()
    expect(page.get_by_role("cell", name="Nog geen code")).to_have_count(12)
    seen(page)

    # The letters to print, then the file for a mail merge with new codes for everyone:
    # only the codes of the last download work (a code is kept only as a hash).
    # A PDF of letters takes seconds to make, longer on a loaded machine.
    with page.expect_download(timeout=LETTERS_TIMEOUT) as download:
        page.get_by_role("button", name="Codes maken en downloaden").click(timeout=LETTERS_TIMEOUT)
    letters = Path(download.value.path()).read_bytes()
    pages, links = pdf_pages_and_links(letters)
    assert letters.startswith(b"%PDF") and pages == 12
    assert len(links) == 12
    page.reload()
    expect(page.get_by_role("cell", name="Heeft een code")).to_have_count(12)
    page.get_by_role("radio", name=re.compile("Een bestand voor een mailing")).check()
    page.get_by_role("checkbox", name=re.compile("^Nieuwe codes voor iedereen")).check()
    # A PDF of letters takes seconds to make, longer on a loaded machine.
    with page.expect_download(timeout=LETTERS_TIMEOUT) as download:
        page.get_by_role("button", name="Codes maken en downloaden").click(timeout=LETTERS_TIMEOUT)
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert sorted(row["naam"] for row in rows) == sorted(INVITEES)
    assert all(row["code"] and row["postcode"] == "1111 CD" for row in rows)

    page.goto(server.url + WORKSPACE)
    page.get_by_role("button", name="Burgertop openen").click()
    expect(page.get_by_text("De burgertop is open.")).to_be_visible()
    seen(page)
    page.context.close()
    return rows


def test_an_administrator_builds_a_whole_summit_that_then_runs_to_its_vote(
    browser: Browser, demo_server: DemoServer, tmp_path: Path
) -> None:
    # A demo resident with an unused code (taken off the shared list) volunteers as host.
    volunteer = demo_server.next_resident()
    rows = build(browser, demo_server, tmp_path, volunteer["username"])
    code = {row["naam"]: row["code"] for row in rows}

    # The facilitator's control room and the desk, on a laptop.
    control = new_page(browser)
    login_staff(control, demo_server, "gespreksleider")
    control.goto(demo_server.url + SUMMIT + "regie/")
    expect(control.locator("[data-connection]")).to_have_text("")
    expect(control.locator("[data-agenda] li").first).to_have_text(WELCOME)
    seen(control)
    desk = control.context.new_page()
    desk.goto(demo_server.url + SUMMIT + "balie/")
    expect(desk.locator("[data-connection]")).to_have_text("")
    seen(desk)

    # Two invitees come to the hall: their letter's code logs them in on their phone, and
    # the desk checks them in with the same code; then everyone checked in gets a table.
    anna = resident_phone(browser, demo_server, code["Anna Bakker"])
    bilal = resident_phone(browser, demo_server, code["Bilal Chaouch"])
    for name in ["Anna Bakker", "Bilal Chaouch"]:
        desk.get_by_label("Code van de deelnemer").fill(code[name])
        desk.get_by_role("button", name="Aanmelden", exact=True).click()
        expect(desk.locator("[data-desk-result]")).to_contain_text(name.split()[0])
    expect(desk.locator("[data-count=checked_in]")).to_have_text("2")
    desk.get_by_role("button", name="Tafels indelen").click()
    for phone in [anna, bilal]:
        phone.reload()
        expect(phone.locator("[data-connection]")).to_have_text("")
        expect(phone.locator("[data-my-table]")).to_have_text(
            re.compile(r"^U zit aan tafel [123]\.$")
        )
        seen(phone, phone=True)

    # A third joins from home, at the online table with its video link.
    carla = resident_phone(browser, demo_server, code["Carla Dekker"])
    carla.get_by_role("button", name="Online meedoen").click()
    expect(carla.get_by_text("U doet online mee aan tafel 4")).to_be_visible()
    carla.reload()
    expect(carla.locator("[data-connection]")).to_have_text("")
    expect(carla.locator("[data-video-link]")).to_have_attribute(
        "href", "https://video.diemen.example/samen-verder-4"
    )
    seen(carla, phone=True)
    expect(control.locator("[data-count=checked_in]")).to_have_text("3")

    # Ideas at the tables, on the phones.
    go_to_step(control, "Ideeën verzamelen")
    ideas = {
        anna: "Meer bomen langs de Wilgenlaan",
        bilal: "Een speeltuin met schaduw van bomen",
        carla: "Een buurtbus voor ouderen",
    }
    for phone, idea in ideas.items():
        expect(phone.locator("[data-step-title]")).to_have_text("Ideeën verzamelen")
        write_idea(phone, idea)
        seen(phone, phone=True)
    expect(control.locator("[data-count=ideas]")).to_have_text("3")
    seen(control)

    # The theme team groups two of them into a theme.
    go_to_step(control, "Het themateam ordent de ideeën")
    team = new_page(browser)
    login_staff(team, demo_server, "themateam")
    team.goto(demo_server.url + SUMMIT + "themateam/")
    expect(team.locator("[data-connection]")).to_have_text("")
    team_ideas = team.locator("[data-ideas]")
    for idea in ideas.values():
        expect(team_ideas).to_contain_text(idea)
    team.get_by_label("Nieuw thema").fill(THEME)
    team.get_by_role("button", name="Thema maken").click()
    # On the hall screen for the afternoon; sent before the ideas go in, so the server has
    # it once the groups below show them.
    team.locator("[data-themes] li", has_text=THEME).get_by_label("Op het zaalscherm").check()
    for idea in [ideas[anna], ideas[bilal]]:
        team_ideas.locator("li", has_text=idea).get_by_label("Thema").select_option(label=THEME)
    group = team.locator("[data-theme-groups] li[data-group]").filter(has_text=THEME)
    expect(group.locator("summary")).to_have_text(f"{THEME}: 2 ideeën")
    # The afternoon's theme tables: the one theme goes on every table.
    team.get_by_role("button", name="Thema's over de tafels verdelen").click()
    expect(team.locator("[data-theme-tables]")).to_contain_text(f"Tafel 1: {THEME}")
    expect(control.locator('[data-table-theme="1"]')).to_have_text(THEME)
    seen(team)
    team.context.close()

    # The facilitator takes the agenda on to the proposals; every phone follows.
    for title in ["Thema's kiezen", "Voorstellen per thema"]:
        go_to_step(control, title)
        for phone in ideas:
            expect(phone.locator("[data-step-title]")).to_have_text(title)

    # Table 1's host writes the theme's proposal, building on an idea of the theme.
    host = new_page(browser)
    login_code(host, demo_server, volunteer["code"])
    host.goto(demo_server.url + SUMMIT + "tafel/")
    expect(host.locator("[data-own-theme]")).to_have_text(f"Thema van deze tafel: {THEME}")
    host.get_by_label("Titel van het voorstel").fill(PROPOSAL)
    host.get_by_label("Tekst van het voorstel").fill("Diemen plant in elke straat een boom.")
    host.get_by_label(ideas[anna], exact=True).check()
    host.locator("[data-proposal-form]").get_by_role("button", name="Voorstel opslaan").click()
    expect(host.locator("[data-proposal-state]")).to_contain_text("Opgeslagen (versie 1)")
    seen(host)
    seen(anna, phone=True)
    host.context.close()

    # The vote opens for everyone checked in: the ballot appears on the phones in place.
    go_to_step(control, "Stemmen op de voorstellen")
    expect(control.locator("[data-vote-turnout]")).to_have_text("Gestemd: 0 van 3.")
    ballot = anna.locator("[data-vote-ballot]")
    expect(ballot.locator("legend")).to_have_text(f"1. {PROPOSAL}")
    seen(anna, phone=True)
    ballot.get_by_label("Voor", exact=True).check()
    ballot.get_by_role("button", name="Stem uitbrengen").click()
    done = anna.locator("[data-vote-done]")
    expect(done).to_contain_text("U hebt gestemd.")
    expect(done.locator("[data-vote-receipt]")).to_contain_text("Uw bewijscode:")
    seen(anna, phone=True)
    expect(control.locator("[data-vote-turnout]")).to_have_text("Gestemd: 1 van 3.")
    seen(control)

    # The facilitator closes the vote and shows the result on every phone.
    control.get_by_role("button", name="Stemming sluiten").click()
    control.get_by_role("button", name="Ja, sluit de stemming").click()
    control.get_by_role("button", name="Uitslag tonen op alle schermen").click()
    for phone in ideas:
        result = phone.locator("[data-vote-result]")
        expect(result.locator("[data-vote-winners]")).to_have_text(f"Gekozen: {PROPOSAL}.")
    expect(anna.locator("[data-vote-rows] tr")).to_have_text(
        [f"{PROPOSAL}1 voor, 0 tegen, 0 onthoudingJa"]
    )
    seen(anna, phone=True)
    for phone in ideas:
        phone.context.close()
    control.context.close()

    # Found on the home page and in the workspace's list.
    page = new_page(browser)
    login_staff(page, demo_server, "beheer")
    expect(page.get_by_role("link", name=TITLE, exact=True)).to_have_attribute("href", SUMMIT)
    seen(page)
    page.goto(demo_server.url + "/werkruimte/burgertop/")
    expect(page.locator("main li").filter(has_text=TITLE)).to_contain_text("open")
    seen(page)
    page.context.close()
