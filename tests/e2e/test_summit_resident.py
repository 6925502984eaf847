"""A resident's summit screen on a phone: refusals that go away, merged ideas that stay in
view, and choosing an afternoon theme instead of a table."""

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    DemoServer,
    assert_accessible,
    assert_fits_phone,
    login_code,
    login_staff,
    new_page,
)
from tests.e2e.test_summit import SUMMIT

# A command sent over the summit's live channel from the theme team's own browser, as its
# screen would send it (docs/live-protocol.md); resolves with the server's answer.
SEND_COMMAND = """async ([path, type, data]) => {
  const socket = new WebSocket(`ws://${location.host}${path}`);
  const id = crypto.randomUUID();
  return await new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error("no answer")), 8000);
    socket.onmessage = (message) => {
      const frame = JSON.parse(message.data);
      if (frame.kind === "snapshot") {
        socket.send(JSON.stringify({ kind: "command", id, type, data }));
      } else if ((frame.kind === "ack" || frame.kind === "error") && frame.id === id) {
        socket.close();
        resolve(frame);
      }
    };
  });
}"""


def go_to_step(control: Page, title: str) -> None:
    """The facilitator moves the shared demo summit's agenda, back or on, to ``title``,
    confirming each move in the dialog."""
    agenda = control.locator("[data-step-id]").all_inner_texts()
    current = control.locator("[data-step-title]")
    for _ in range(len(agenda)):
        now = current.inner_text()
        if now == title:
            return
        back = now in agenda and agenda.index(now) > agenda.index(title)
        control.get_by_role("button", name="Vorige stap" if back else "Volgende stap").click()
        control.get_by_role("dialog").get_by_role("button", name="Ja, naar deze stap").click()
        expect(current).not_to_have_text(now)
    expect(current).to_have_text(title)


def resident_at_idea_step(page: Page, phone: Page, demo_server: DemoServer) -> None:
    login_staff(page, demo_server, "gespreksleider")
    page.goto(demo_server.url + SUMMIT + "regie/")
    go_to_step(page, "Ideeën verzamelen")
    login_code(phone, demo_server, demo_server.next_resident()["code"])
    phone.goto(demo_server.url + SUMMIT)
    expect(phone.locator("[data-connection]")).to_have_text("")


def refuse_an_empty_idea(phone: Page) -> None:
    phone.get_by_label("Nieuw idee").fill("   ")
    phone.get_by_label("Nieuw idee").evaluate("node => node.removeAttribute('required')")
    phone.get_by_role("button", name="Idee toevoegen").click()
    expect(phone.get_by_role("alert")).to_have_text("Een idee mag niet leeg zijn.")


def test_a_refusal_goes_when_the_step_changes_and_after_a_short_while(
    page: Page, phone: Page, demo_server: DemoServer
):
    phone.clock.install()
    resident_at_idea_step(page, phone, demo_server)
    refuse_an_empty_idea(phone)
    assert_accessible(phone)
    assert_fits_phone(phone)
    phone.clock.fast_forward(5_000)
    expect(phone.get_by_role("alert")).to_have_text("Een idee mag niet leeg zijn.")
    phone.clock.fast_forward(6_000)
    expect(phone.locator("[data-error]")).to_be_hidden()

    refuse_an_empty_idea(phone)
    go_to_step(page, "Tafelronde: kennismaken")
    expect(phone.locator("[data-step-title]")).to_have_text("Tafelronde: kennismaken")
    expect(phone.locator("[data-error]")).to_be_hidden()
    assert_accessible(phone)


def test_an_idea_merged_by_the_theme_team_stays_on_its_authors_screen(
    page: Page, phone: Page, demo_server: DemoServer, browser
):
    resident_at_idea_step(page, phone, demo_server)
    ideas = phone.locator("[data-ideas]")
    for text in ["Meer bankjes langs de Diem", "Zitplekken langs het water"]:
        phone.get_by_label("Nieuw idee").fill(text)
        phone.get_by_role("button", name="Idee toevoegen").click()
        expect(ideas).to_contain_text(text)
    # The table may already hold a demo idea about benches: the whole text picks ours.
    merged = ideas.locator("li", has_text="Meer bankjes langs de Diem").get_attribute("data-idea")
    into = ideas.locator("li", has_text="Zitplekken langs het water").get_attribute("data-idea")
    team = new_page(browser)
    login_staff(team, demo_server, "themateam")
    team.goto(demo_server.url + SUMMIT + "themateam/")
    path = team.locator("[data-summit]").get_attribute("data-ws-path")
    answer = team.evaluate(
        SEND_COMMAND, [path, "idea.merge", {"idea": int(merged), "into": int(into)}]
    )
    assert answer["kind"] == "ack", answer

    note = phone.locator("[data-my-merged] li", has_text="Meer bankjes langs de Diem")
    expect(note).to_contain_text("Samengevoegd met: Zitplekken langs het water")
    expect(ideas).not_to_contain_text("Meer bankjes langs de Diem")
    assert_accessible(phone)
    assert_fits_phone(phone)
    phone.reload()  # from the snapshot too, not only from the live event
    expect(note).to_contain_text("Samengevoegd met: Zitplekken langs het water")

    answer = team.evaluate(SEND_COMMAND, [path, "idea.restore", {"idea": int(merged)}])
    assert answer["kind"] == "ack", answer
    expect(phone.locator("[data-my-merged]")).to_be_hidden()
    expect(ideas).to_contain_text("Meer bankjes langs de Diem")


def test_participants_choose_an_afternoon_theme_with_free_seats_not_a_table(
    page: Page, phone: Page, demo_server: DemoServer, browser
):
    login_staff(page, demo_server, "gespreksleider")
    page.goto(demo_server.url + SUMMIT + "regie/")
    go_to_step(page, "Het themateam ordent de ideeën")
    team = new_page(browser)
    login_staff(team, demo_server, "themateam")
    team.goto(demo_server.url + SUMMIT + "themateam/")
    for name in ["Groen en water", "Sport en spel"]:
        team.get_by_label("Nieuw thema").fill(name)
        team.get_by_role("button", name="Thema maken").click()
        theme = team.locator("[data-themes] li", has_text=name).first
        theme.get_by_label("Op het zaalscherm").check()
        expect(theme.get_by_label("Op het zaalscherm")).to_be_checked()
    team.get_by_role("button", name="Thema's over de tafels verdelen").click()
    expect(team.locator("[data-theme-tables]")).to_contain_text("Sport en spel")
    # Every hall table of "Groen en water" is full for the afternoon.
    demo_server.manage(
        "shell",
        "-c",
        "from django.db.models import F, Count\n"
        "from deliberation.models import SummitTable\n"
        "for t in SummitTable.objects.filter(theme__name='Groen en water', online=False)"
        ".annotate(n=Count('members')):\n"
        "    t.capacity = t.n; t.save(update_fields=['capacity'])",
    )
    go_to_step(page, "Thema's kiezen voor de middag")
    login_code(phone, demo_server, demo_server.next_resident()["code"])
    phone.goto(demo_server.url + SUMMIT)
    phone.get_by_role("link", name="Kies een thematafel").click()
    expect(phone.get_by_role("heading", name="Kies een thematafel")).to_be_visible()
    assert_accessible(phone)
    assert_fits_phone(phone)
    choices = phone.get_by_role("radio")
    names = [
        re.split(r" –", label)[0].strip()
        for label in phone.locator("label.ss-choice").all_inner_texts()
    ]
    assert len(names) == len(set(names)) == choices.count(), "one choice per theme"
    full = phone.locator("label.ss-choice", has_text="Groen en water")
    if (
        phone.locator("input[name=theme]:checked").count()
        and "hier zit u nu al" in full.inner_text()
    ):
        pass  # the resident sits at a Groen en water table already
    else:
        expect(full).to_contain_text("vol")
        expect(full.get_by_role("radio")).to_be_disabled()
    sport = phone.locator("label.ss-choice", has_text="Sport en spel")
    expect(sport).to_contain_text(re.compile(r"nog \d+ plek(ken)? vrij|hier zit u nu al"))
    sport.get_by_role("radio").focus()
    phone.keyboard.press("Space")
    expect(sport.get_by_role("radio")).to_be_checked()
    phone.get_by_role("button", name="Dit thema kiezen").focus()
    phone.keyboard.press("Enter")
    expect(
        phone.get_by_text(re.compile(r"U zit nu aan tafel \d+, thema Sport en spel"))
    ).to_be_visible()
    expect(phone.locator("[data-own-theme]")).to_have_text("Thema van uw tafel: Sport en spel")
    assert_accessible(phone)
    assert_fits_phone(phone)


def test_a_table_without_ideas_says_so_until_the_first_idea_arrives(
    browser, demo_server: DemoServer
):
    control = new_page(browser)
    login_staff(control, demo_server, "gespreksleider")
    control.goto(demo_server.url + SUMMIT + "regie/")
    go_to_step(control, "Ideeën verzamelen")
    resident = demo_server.next_resident()
    # Earlier tests of the same demo may have written at this table: the theme team hides
    # them, through the service as its screen does (the summit's seq moves on, so no screen
    # is served a snapshot from before).
    demo_server.manage(
        "shell",
        "-c",
        "from django.utils import timezone;"
        "from deliberation.models import Idea, Participant, Summit;"
        "from deliberation.services.ideas import idea_hide;"
        "from samenspel.models import User;"
        "summit = Summit.objects.get(slug='burgertop-diemen-2026');"
        "team = User.objects.get(username='themateam');"
        "table = Participant.objects.get(summit=summit,"
        f" user__username={resident['username']!r}).table;"
        "[idea_hide(summit=summit, by=team, idea_id=idea.pk, reason='Een lege tafel',"
        " now=timezone.now()) for idea in Idea.objects.filter(table=table, status='visible')]",
    )
    phone = new_page(browser, width=360)
    login_code(phone, demo_server, resident["code"])
    phone.goto(demo_server.url + SUMMIT)
    empty = phone.get_by_text("Uw tafel heeft nog geen ideeën.")
    expect(empty).to_be_visible()
    assert_accessible(phone)

    phone.get_by_label("Nieuw idee").fill("Een bankje bij de bushalte")
    phone.get_by_role("button", name="Idee toevoegen").click()
    expect(phone.locator("[data-ideas]")).to_contain_text("Een bankje bij de bushalte")
    expect(empty).to_be_hidden()
    assert_fits_phone(phone)
