"""Reporting from an idea's card, in a real browser. During the idea step a table host writes
an idea on the table screen; a participant at that table sees it appear on their phone with
a 'Melden' link (their own idea has none), reaches it with the keyboard, and lands on the
report form with that idea chosen. The host, on the table screen, gets the same link on the
participant's idea, and the report form lists the ideas of the table they host.
axe at 360 and 1280 px on every page touched."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import DemoServer, assert_accessible, login_code, login_staff, new_page
from tests.e2e.test_reports import both_widths, choose, tab_to
from tests.e2e.test_summit import SUMMIT
from tests.e2e.test_summit_staff import go_to_step

# A checked-in resident seated at the table of the host named, as "username<TAB>name".
NEIGHBOUR = """
from deliberation.models import Participant
seat = (
    Participant.objects.filter(
        summit__slug="burgertop-diemen-2026",
        table__host__username=%r,
        checked_in_at__isnull=False,
    )
    .exclude(user__username=%r)
    .select_related("user")
    .order_by("-pk")
    .first()
)
print(seat.user.username + "\\t" + seat.user.public_name)
"""


def write_idea(page: Page, text: str) -> None:
    page.get_by_label("Nieuw idee").fill(text)
    page.get_by_role("button", name="Idee toevoegen").click()
    expect(page.locator("[data-ideas]")).to_contain_text(text)


def test_a_participant_reports_a_table_mates_idea_from_its_card_and_so_does_the_host(
    page: Page, browser: Browser, demo_server: DemoServer
) -> None:
    login_staff(page, demo_server, "gespreksleider")
    page.goto(demo_server.url + SUMMIT + "regie/")
    go_to_step(page, "Ideeën verzamelen")

    # The host of a hall table, and a resident at that table (with a code of their own;
    # set aside, so no later test is handed the code this one replaced).
    host_row = demo_server.next_hall_host()
    found = demo_server.manage(
        "shell", "-c", NEIGHBOUR % (host_row["username"], host_row["username"])
    )
    username, name = found.strip().splitlines()[-1].split("\t")
    demo_server.set_aside(name)
    neighbour = demo_server.fresh_code({"username": username, "role": "resident", "name": name})

    rude = "De man van nummer 12 is een oplichter"
    own = "Meer bankjes in het Diemerbos"
    host = new_page(browser)
    login_code(host, demo_server, host_row["code"])
    host.goto(demo_server.url + SUMMIT + "tafel/")
    expect(host.locator("[data-connection]")).to_have_text("")
    write_idea(host, rude)

    phone = new_page(browser, width=360)
    login_code(phone, demo_server, neighbour["code"])
    phone.goto(demo_server.url + SUMMIT)
    expect(phone.locator("[data-connection]")).to_have_text("")
    write_idea(phone, own)
    ideas = phone.locator("[data-ideas]")
    report = ideas.locator("li", has_text=rude).get_by_role("link", name="Melden")
    expect(report).to_be_visible()
    expect(ideas.locator("li", has_text=own).get_by_role("link", name="Melden")).to_have_count(0)
    both_widths(phone, "card-report-link")
    phone.set_viewport_size({"width": 360, "height": 900})

    # By keyboard from the card to the form, with that idea already chosen.
    tab_to(phone, report)
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Een idee melden")
    expect(phone.get_by_label(rude)).to_be_checked()
    both_widths(phone, "card-report-form")
    phone.set_viewport_size({"width": 360, "height": 900})
    offensive = phone.get_by_label("Beledigend of kwetsend")
    choose(phone, phone.get_by_role("group", name="Waarom meldt u dit?"), offensive)
    tab_to(phone, phone.get_by_label("Toelichting (mag leeg blijven)"))
    phone.keyboard.type("Noemt een huisnummer")
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("status")).to_contain_text(
        "Dank u. Het themateam kijkt naar het idee dat u meldde."
    )
    expect(phone.get_by_text("(al door u gemeld)")).to_be_visible()
    assert_accessible(phone)
    phone.context.close()

    # The host: the participant's idea carries the link on the table screen, the host's own
    # does not, and the form lists the ideas of the table they host.
    cards = host.locator("[data-ideas]")
    host_report = cards.locator("li", has_text=own).get_by_role("link", name="Melden")
    expect(host_report).to_be_visible()
    expect(cards.locator("li", has_text=rude).get_by_role("link", name="Melden")).to_have_count(0)
    both_widths(host, "table-report-link")
    host.set_viewport_size({"width": 1280, "height": 900})
    tab_to(host, host_report)
    host.keyboard.press("Enter")
    expect(host.get_by_role("heading", level=1)).to_have_text("Een idee melden")
    expect(host.get_by_label(own)).to_be_checked()
    expect(host.get_by_text("Aan uw tafel staat nu geen idee")).to_have_count(0)
    both_widths(host, "table-report-form")
    host.context.close()
