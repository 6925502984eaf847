"""The burgertop screens in a real browser against the small Diemen demo."""

import json
import re
from typing import Any

from playwright.sync_api import Page, WebSocketRoute, expect

from tests.e2e.conftest import (
    DemoServer,
    assert_accessible,
    assert_fits_phone,
    login_code,
    login_staff,
    new_page,
)

SUMMIT = "/burgertop/burgertop-diemen-2026/"
# Steps where tables write ideas. Not the proposals step: there the host writes the theme
# table's proposal, and its form has a save button of its own.
IDEA_STEPS = ["Tafelronde: kennismaken", "Ideeën verzamelen"]


def hall_url(server: DemoServer) -> str:
    logins = (server.work / "logins.txt").read_text(encoding="utf-8")
    match = re.search(r"/burgertop/burgertop-diemen-2026/zaal/[^/]+/", logins)
    assert match, logins
    return server.url + match.group(0)


def move_step(control: Page, button: str = "Volgende stap") -> None:
    """The facilitator moves the agenda on (or back) and confirms in the dialog."""
    control.get_by_role("button", name=button).click()
    control.get_by_role("dialog").get_by_role("button", name="Ja, naar deze stap").click()


def go_to_step(control: Page, wanted: list[str]) -> None:
    """Move the shared demo summit's agenda, forward or back, to the nearest step called one
    of ``wanted``: other tests leave it at whatever step they needed."""
    title = control.locator("[data-step-title]")
    for _ in range(10):
        titles = control.locator("[data-agenda] [data-step-id]").all_inner_texts()
        current = title.inner_text()
        if current not in titles:
            # Not started yet ("De burgertop begint zo"): the first test on a fresh demo.
            move_step(control)
            expect(title).not_to_have_text(current)
            continue
        now = titles.index(current)
        if titles[now] in wanted:
            return
        nearest = min(
            (at for at, name in enumerate(titles) if name in wanted), key=lambda at: abs(at - now)
        )
        move_step(control, "Volgende stap" if nearest > now else "Vorige stap")
        expect(title).not_to_have_text(titles[now])
    assert title.inner_text() in wanted


def open_idea_step(control: Page) -> None:
    """Move the agenda to a step where ideas may be written (the demo server is shared)."""
    go_to_step(control, IDEA_STEPS)


def test_facilitator_advances_a_step_and_the_participant_phone_follows(
    page: Page, phone: Page, demo_server: DemoServer
):
    login_staff(page, demo_server, "gespreksleider")
    page.goto(demo_server.url + SUMMIT + "regie/")
    assert_accessible(page)
    login_code(phone, demo_server, demo_server.next_resident()["code"])
    phone.goto(demo_server.url + SUMMIT)
    expect(phone.locator("[data-connection]")).to_have_text("")
    before = phone.locator("[data-step-title]").inner_text()
    expect(page.locator("[data-step-title]")).to_have_text(before)
    move_step(page)
    # Both screens move on; the facilitator's own screen too, which may come second.
    expect(page.locator("[data-step-title]")).not_to_have_text(before)
    expect(phone.locator("[data-step-title]")).to_have_text(
        page.locator("[data-step-title]").inner_text()
    )
    assert_accessible(phone)
    assert_fits_phone(phone)


def test_host_enters_ideas_that_the_theme_team_sees(page: Page, demo_server: DemoServer, browser):
    host = host_at_table_during_ideas(page, demo_server, browser, 800)
    team = new_page(browser)
    login_staff(team, demo_server, "themateam")
    team.goto(demo_server.url + SUMMIT + "themateam/")
    assert_accessible(team)
    for text in ["Meer bankjes in het Diemerpark", "Een pannaveld bij de Arena"]:
        host.get_by_label("Nieuw idee").fill(text)
        host.keyboard.press("Tab")
        host.keyboard.press("Enter")
        expect(team.locator("[data-ideas]")).to_contain_text(text)
    expect(host.locator("[data-ideas]")).to_contain_text("pannaveld")
    assert_accessible(host)


def test_hall_screen_follows_steps_and_ideas(page: Page, demo_server: DemoServer, browser):
    hall = new_page(browser, width=1280)
    hall.goto(hall_url(demo_server))
    assert_accessible(hall)
    login_staff(page, demo_server, "gespreksleider")
    page.goto(demo_server.url + SUMMIT + "regie/")
    page.get_by_label("Mededeling aan iedereen").fill("De koffie staat klaar")
    page.get_by_role("button", name="Versturen").click()
    expect(hall.locator("[data-message-text]")).to_have_text("De koffie staat klaar")
    open_idea_step(page)
    expect(hall.locator("[data-step-title]")).to_have_text(
        page.locator("[data-step-title]").inner_text()
    )
    host = new_page(browser, width=800)
    login_code(host, demo_server, demo_server.next_host()["code"])
    host.goto(demo_server.url + SUMMIT + "tafel/")
    host.get_by_label("Nieuw idee").fill("Zonnepanelen op sporthal")
    host.get_by_role("button", name="Idee toevoegen").click()
    expect(hall.locator("[data-word-cloud]")).to_contain_text("zonnepanelen")


def test_check_in_desk_is_accessible_and_checks_in_a_walk_in(page: Page, demo_server: DemoServer):
    login_staff(page, demo_server, "gespreksleider")
    page.goto(demo_server.url + SUMMIT + "balie/")
    assert_accessible(page)
    page.get_by_label("Naam", exact=True).fill("Sanne de Inloper")
    page.get_by_role("button", name="Inloper aanmelden").click()
    expect(page.locator("[data-desk-result]")).to_contain_text("Sanne de Inloper")


def test_every_summit_screen_passes_axe_and_fits_a_phone(browser, demo_server: DemoServer):
    screens = [
        ("gespreksleider", SUMMIT + "regie/"),
        ("gespreksleider", SUMMIT + "balie/"),
        ("themateam", SUMMIT + "themateam/"),
        ("host", SUMMIT + "tafel/"),
        ("resident", SUMMIT),
    ]
    for who, path in screens:
        phone = new_page(browser, width=360)
        if who == "host":
            login_code(phone, demo_server, demo_server.next_host()["code"])
        elif who == "resident":
            login_code(phone, demo_server, demo_server.next_resident()["code"])
        else:
            login_staff(phone, demo_server, who)
        phone.goto(demo_server.url + path)
        expect(phone.locator("[data-connection]")).to_have_text("")
        assert_accessible(phone)
        assert_fits_phone(phone)
        phone.context.close()
    hall = new_page(browser, width=360)
    hall.goto(hall_url(demo_server))
    assert_accessible(hall)
    assert_fits_phone(hall)
    hall.context.close()


def host_at_table_during_ideas(page: Page, demo_server: DemoServer, browser, width: int) -> Page:
    """The facilitator opens an idea step; a table host logs in and opens the table console."""
    login_staff(page, demo_server, "gespreksleider")
    page.goto(demo_server.url + SUMMIT + "regie/")
    open_idea_step(page)
    host = new_page(browser, width=width)
    login_code(host, demo_server, demo_server.next_host()["code"])
    host.goto(demo_server.url + SUMMIT + "tafel/")
    return host


def test_host_edits_and_withdraws_an_idea_inline_with_the_keyboard(
    page: Page, demo_server: DemoServer, browser
):
    host = host_at_table_during_ideas(page, demo_server, browser, 360)
    dialogs: list[str] = []
    host.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    team = new_page(browser)
    login_staff(team, demo_server, "themateam")
    team.goto(demo_server.url + SUMMIT + "themateam/")
    host.get_by_label("Nieuw idee").fill("Meer groen op het Wilhelminaplein")
    host.get_by_role("button", name="Idee toevoegen").click()
    idea = host.locator("[data-ideas] li", has_text="Wilhelminaplein")
    idea.get_by_role("button", name="Wijzigen").focus()
    host.keyboard.press("Enter")
    editor = host.get_by_label("Idee wijzigen")
    expect(editor).to_be_focused()
    assert_accessible(host)
    assert_fits_phone(host)
    editor.fill("Meer bomen op het Wilhelminaplein")
    host.keyboard.press("Tab")
    expect(host.get_by_role("button", name="Opslaan", exact=True)).to_be_focused()
    host.keyboard.press("Enter")
    expect(team.locator("[data-ideas]")).to_contain_text("Meer bomen op het Wilhelminaplein")
    idea = host.locator("[data-ideas] li", has_text="Meer bomen")
    expect(idea.get_by_role("button", name="Wijzigen")).to_be_focused()
    idea.get_by_role("button", name="Intrekken").click()
    expect(host.get_by_text("Dit idee intrekken?")).to_be_visible()
    expect(host.get_by_role("button", name="Nee, laten staan")).to_be_focused()
    assert_accessible(host)
    host.get_by_role("button", name="Ja, intrekken").click()
    expect(team.locator("[data-ideas]")).not_to_contain_text("Meer bomen op het Wilhelminaplein")
    expect(host.locator("[data-ideas]")).not_to_contain_text("Wilhelminaplein")
    assert dialogs == [], "no prompt() or confirm() dialog"


def test_a_refused_edit_keeps_the_text_in_the_inline_form(
    page: Page, demo_server: DemoServer, browser
):
    host = host_at_table_during_ideas(page, demo_server, browser, 800)
    host.get_by_label("Nieuw idee").fill("Fietsenstalling bij station")
    host.get_by_role("button", name="Idee toevoegen").click()
    host.locator("[data-ideas] li", has_text="Fietsenstalling").get_by_role(
        "button", name="Wijzigen"
    ).click()
    host.get_by_label("Idee wijzigen").fill("   ")
    host.get_by_label("Idee wijzigen").evaluate("node => node.removeAttribute('required')")
    host.get_by_role("button", name="Opslaan", exact=True).click()
    expect(host.locator("[data-error-text]")).to_have_text("Een idee mag niet leeg zijn.")
    expect(host.get_by_label("Idee wijzigen")).to_have_value("   ")


def advance_to(control: Page, title: str) -> None:
    """Move the shared demo summit's agenda to the step called ``title``."""
    go_to_step(control, [title])


def test_resident_at_home_joins_an_online_table_and_writes_ideas(
    page: Page, phone: Page, demo_server: DemoServer, browser
):
    resident = demo_server.next_resident()
    demo_server.manage(
        "shell",
        "-c",
        "from deliberation.models import Participant; Participant.objects.filter("
        f"user__username={resident['username']!r}).update(checked_in_at=None, table=None)",
    )
    login_staff(page, demo_server, "gespreksleider")
    page.goto(demo_server.url + SUMMIT + "regie/")
    open_idea_step(page)
    login_code(phone, demo_server, resident["code"])
    phone.goto(demo_server.url + SUMMIT)
    expect(phone.get_by_text("Meld u eerst aan bij de balie")).to_be_visible()
    assert_accessible(phone)
    assert_fits_phone(phone)
    phone.get_by_role("button", name="Online meedoen").click()
    expect(phone.get_by_text("U doet online mee aan tafel")).to_be_visible()
    video = phone.get_by_role("link", name="Open de videoverbinding van uw tafel")
    expect(video).to_have_attribute("href", re.compile(r"^https://video\.diemen\.example/"))
    assert_accessible(phone)
    assert_fits_phone(phone)
    team = new_page(browser)
    login_staff(team, demo_server, "themateam")
    team.goto(demo_server.url + SUMMIT + "themateam/")
    phone.get_by_label("Nieuw idee").fill("Thuis meepraten werkt prima")
    phone.get_by_role("button", name="Idee toevoegen").click()
    expect(phone.locator("[data-ideas]")).to_contain_text("Thuis meepraten werkt prima")
    expect(team.locator("[data-ideas]")).to_contain_text("Thuis meepraten werkt prima")


def test_spread_themes_reach_open_screens_without_a_reload(
    page: Page, phone: Page, demo_server: DemoServer, browser
):
    login_staff(page, demo_server, "gespreksleider")
    page.goto(demo_server.url + SUMMIT + "regie/")
    advance_to(page, "Thema's kiezen voor de middag")
    curator = page.context.new_page()  # the facilitator also follows the theme team's console
    curator.goto(demo_server.url + SUMMIT + "themateam/")
    host = new_page(browser, width=800)
    login_code(host, demo_server, demo_server.next_host()["code"])
    host.goto(demo_server.url + SUMMIT + "tafel/")
    login_code(phone, demo_server, demo_server.next_resident()["code"])
    phone.goto(demo_server.url + SUMMIT)
    screens = [page, curator, host, phone]
    notice = "De thema's komen zo op de tafels"
    page.get_by_label("Mededeling aan iedereen").fill(notice)
    page.get_by_role("button", name="Versturen").click()
    for screen in screens:
        expect(screen.locator("[data-message-text]")).to_have_text(notice)
        screen.evaluate("window.notReloaded = true")
    team = new_page(browser)
    login_staff(team, demo_server, "themateam")
    team.goto(demo_server.url + SUMMIT + "themateam/")
    afternoon = ["Wonen en bouwen", "Kunst en cultuur"]
    for name in afternoon:
        team.get_by_label("Nieuw thema").fill(name)
        team.get_by_role("button", name="Thema maken").click()
        feature = team.locator("[data-themes] li", has_text=name).get_by_label("Op het zaalscherm")
        feature.check()
        expect(feature).to_be_checked()
    # Only these two go on the tables (earlier tests may have marked others).
    for item in team.locator("[data-themes] li").all():
        feature = item.get_by_label("Op het zaalscherm")
        if item.locator("[data-theme-name]").inner_text() not in afternoon and feature.is_checked():
            feature.uncheck()
            expect(feature).not_to_be_checked()
    team.get_by_role("button", name="Thema's over de tafels verdelen").click()

    # Hall tables 1 and 2 get the marked themes in turn, on every open screen.
    expect(page.locator('[data-table-theme="1"]')).to_have_text(afternoon[0])
    expect(page.locator('[data-table-theme="2"]')).to_have_text(afternoon[1])
    expect(curator.locator("[data-theme-tables]")).to_contain_text(
        f"Tafel 1: {afternoon[0]}Tafel 2: {afternoon[1]}"
    )
    either = "(Wonen en bouwen|Kunst en cultuur)"
    expect(host.locator("[data-own-theme]")).to_have_text(
        re.compile(f"^Thema van deze tafel: {either}$")
    )
    expect(phone.locator("[data-own-theme]")).to_have_text(
        re.compile(f"^Thema van uw tafel: {either}$")
    )
    expect(phone.locator("[data-choice-themes] li")).to_have_text(afternoon)
    expect(phone.locator("[data-choice-waiting]")).to_be_hidden()
    for screen in screens:
        assert screen.evaluate("window.notReloaded === true"), f"{screen.url} was reloaded"
    # What the open screens show now is what a freshly loaded page shows.
    for screen, shown in [
        (page, "[data-table-theme]"),
        (curator, "[data-theme-tables] li"),
        (host, "[data-own-theme]"),
        (phone, "[data-own-theme], [data-choice-themes] li"),
    ]:
        fresh = screen.context.new_page()
        fresh.goto(screen.url)
        expect(screen.locator(shown)).to_have_text(fresh.locator(shown).all_inner_texts())
        fresh.close()
        assert_accessible(screen)
    assert_fits_phone(phone)


def test_participants_at_one_table_may_change_only_the_ideas_they_wrote(
    page: Page, phone: Page, demo_server: DemoServer, browser
):
    writer, neighbour = demo_server.next_resident(), demo_server.next_resident()
    demo_server.manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.utils import timezone; "
        "from deliberation.models import Participant, SummitTable; "
        # The demo summit's table: other tests make summits with tables numbered from 1 too.
        "table = SummitTable.objects.filter(summit__slug='burgertop-diemen-2026', online=False)"
        ".order_by('number').first(); "
        "Participant.objects.filter(user__username__in="
        f"[{writer['username']!r}, {neighbour['username']!r}]"
        ").update(checked_in_at=timezone.now(), table=table)",
    )
    login_staff(page, demo_server, "gespreksleider")
    page.goto(demo_server.url + SUMMIT + "regie/")
    open_idea_step(page)
    login_code(phone, demo_server, writer["code"])
    phone.goto(demo_server.url + SUMMIT)
    other = new_page(browser, width=360)
    login_code(other, demo_server, neighbour["code"])
    other.goto(demo_server.url + SUMMIT)
    phone.get_by_label("Nieuw idee").fill("Een pannaveld bij de school")
    phone.get_by_role("button", name="Idee toevoegen").click()
    mine = phone.locator("[data-ideas] li", has_text="pannaveld")
    expect(mine.get_by_role("button", name="Wijzigen")).to_be_visible()
    theirs = other.locator("[data-ideas] li", has_text="pannaveld")
    expect(theirs).to_be_visible()
    expect(theirs.get_by_role("button")).to_have_count(0)
    # After a reload the writer still has the buttons for their own idea (from the snapshot).
    phone.reload()
    expect(
        phone.locator("[data-ideas] li", has_text="pannaveld").get_by_role("button", name="Intrekken")
    ).to_be_visible()
    assert_accessible(other)


class GapInBatch:
    """Sits between a screen and the server (Playwright's WebSocket routing) and passes every
    frame on, except that once ``hold()`` is called it keeps the next three events (seq S,
    S+1, S+2) and sends them as one batch frame without the middle one: an event lost inside
    a batch, as the screen sees it when a push goes missing."""

    def __init__(self) -> None:
        self.holding = False
        self.held: list[dict[str, Any]] = []
        self.sent_by_screen: list[dict[str, Any]] = []
        self.lost: dict[str, Any] | None = None

    def hold(self) -> None:
        self.holding = True

    def route(self, screen: WebSocketRoute) -> None:
        server = screen.connect_to_server()

        def from_server(message: str | bytes) -> None:
            frame = json.loads(message)
            if not self.holding or frame["kind"] not in {"event", "batch"}:
                screen.send(message)
                return
            self.held.extend(frame["events"] if frame["kind"] == "batch" else [frame])
            if len(self.held) >= 3:
                self.holding = False
                first, self.lost, *after = self.held
                screen.send(json.dumps({"kind": "batch", "events": [first, *after]}))

        def from_screen(message: str | bytes) -> None:
            self.sent_by_screen.append(json.loads(message))
            server.send(message)

        server.on_message(from_server)
        screen.on_message(from_screen)


def test_a_gap_inside_a_batch_frame_makes_the_screen_ask_for_what_it_missed(
    page: Page, demo_server: DemoServer, browser
):
    hall = new_page(browser)
    proxy = GapInBatch()
    hall.route_web_socket(re.compile(r"/ws/summits/"), proxy.route)
    hall.goto(hall_url(demo_server))
    login_staff(page, demo_server, "gespreksleider")
    page.goto(demo_server.url + SUMMIT + "regie/")
    desk = page.context.new_page()
    desk.goto(demo_server.url + SUMMIT + "balie/")
    page.get_by_label("Mededeling aan iedereen").fill("Welkom in de zaal")
    page.get_by_role("button", name="Versturen").click()
    expect(hall.locator("[data-message-text]")).to_have_text("Welkom in de zaal")
    checked_in = int(hall.locator("[data-count=checked_in]").inner_text())
    # Every number the hall screen shows as the check-in count, in order.
    hall.evaluate("""() => {
        const count = document.querySelector("[data-count=checked_in]");
        window.countsShown = [count.textContent];
        new MutationObserver(() => {
            if (window.countsShown.at(-1) !== count.textContent) {
                window.countsShown.push(count.textContent);
            }
        }).observe(count, {childList: true, characterData: true, subtree: true});
    }""")

    proxy.hold()
    page.get_by_label("Mededeling aan iedereen").fill("Twee inlopers komen eraan")
    page.get_by_role("button", name="Versturen").click()
    expect(page.locator("[data-message-text]")).to_have_text("Twee inlopers komen eraan")
    for name in ["Inloper Een", "Inloper Twee"]:
        desk.get_by_label("Naam", exact=True).fill(name)
        desk.get_by_role("button", name="Inloper aanmelden").click()
        expect(desk.locator("[data-desk-result]")).to_contain_text(name)

    # The screen applied the message before the gap, saw seq S+2 after S and asked for what
    # came after S (its process still holds it, so it gets the missed event, or a snapshot
    # otherwise); it never showed the count with only the second check-in.
    expect(hall.locator("[data-count=checked_in]")).to_have_text(str(checked_in + 2))
    expect(hall.locator("[data-message-text]")).to_have_text("Twee inlopers komen eraan")
    assert [(e["type"], e["seq"] - proxy.held[0]["seq"]) for e in proxy.held] == [
        ("message.sent", 0),
        ("participant.checked_in", 1),
        ("participant.checked_in", 2),
    ]
    assert proxy.lost is not None and proxy.lost["data"]["name"] == "Inloper Een"
    assert {"kind": "snapshot.request", "seq": proxy.held[0]["seq"]} in proxy.sent_by_screen
    assert hall.evaluate("window.countsShown") == [str(checked_in), str(checked_in + 2)]
    # After the repair the screen follows events again.
    page.get_by_label("Mededeling aan iedereen").fill("Iedereen is binnen")
    page.get_by_role("button", name="Versturen").click()
    expect(hall.locator("[data-message-text]")).to_have_text("Iedereen is binnen")
    assert_accessible(hall)
