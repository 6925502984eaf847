"""The staff screens of a burgertop in a real browser: the facilitator's control room, the
theme team's curation and the hall screen on a projector."""

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
from tests.e2e.test_summit import SUMMIT, hall_url

IDEA_COLLECTION = "Ideeën verzamelen"
CONFIRM = "Ja, naar deze stap"


def go_to_step(control: Page, title: str) -> None:
    """Move the shared demo summit's agenda, on or back, to the step called ``title``."""
    agenda = control.locator("[data-agenda] li")
    titles = agenda.all_inner_texts()
    target = titles.index(title)
    current = control.locator("[data-step-title]")
    for _ in range(len(titles)):
        if current.inner_text() == title:
            return
        now = titles.index(current.inner_text()) if current.inner_text() in titles else -1
        before = current.inner_text()
        control.get_by_role(
            "button", name="Vorige stap" if now > target else "Volgende stap"
        ).click()
        control.get_by_role("dialog").get_by_role("button", name=CONFIRM).click()
        expect(current).not_to_have_text(before)
    expect(current).to_have_text(title)


def facilitator(browser, server: DemoServer, width: int = 360) -> Page:
    control = new_page(browser, width=width)
    login_staff(control, server, "gespreksleider")
    control.goto(server.url + SUMMIT + "regie/")
    expect(control.locator("[data-connection]")).to_have_text("")
    return control


def host_console(browser, server: DemoServer) -> Page:
    host = new_page(browser, width=800)
    login_code(host, server, server.next_host()["code"])
    host.goto(server.url + SUMMIT + "tafel/")
    return host


def write_idea(host: Page, text: str) -> None:
    host.get_by_label("Nieuw idee").fill(text)
    host.get_by_role("button", name="Idee toevoegen").click()
    expect(host.locator("[data-ideas]")).to_contain_text(text)


def test_facilitator_sees_ideas_and_presence_per_table_change_without_a_reload(
    browser, demo_server: DemoServer
):
    control = facilitator(browser, demo_server)
    go_to_step(control, IDEA_COLLECTION)
    host = host_console(browser, demo_server)
    table = host.locator("p", has_text=re.compile(r"^Tafel \d+$")).first.inner_text().split()[-1]
    ideas = control.locator("[data-count=ideas]")
    per_table = control.locator(f"[data-table-ideas='{table}']")
    total, own = int(ideas.inner_text()), int(per_table.inner_text())
    write_idea(host, "Een watertappunt bij het Diemerbos")
    expect(ideas).to_have_text(str(total + 1))
    expect(per_table).to_have_text(str(own + 1))

    # A resident at home joins the online table: present at that table at once.
    resident = demo_server.next_resident()
    demo_server.manage(
        "shell",
        "-c",
        "from deliberation.models import Participant; Participant.objects.filter("
        f"user__username={resident['username']!r}).update(checked_in_at=None, table=None)",
    )
    control.reload()
    online = control.locator("tr", has_text="(online)").locator("[data-turnout]")
    checked_in = control.locator("[data-count=checked_in]")
    present, arrived = int(online.inner_text()), int(checked_in.inner_text())
    phone = new_page(browser, width=360)
    login_code(phone, demo_server, resident["code"])
    phone.goto(demo_server.url + SUMMIT)
    phone.get_by_role("button", name="Online meedoen").click()
    expect(phone.get_by_text("U doet online mee aan tafel")).to_be_visible()
    expect(online).to_have_text(str(present + 1))
    expect(checked_in).to_have_text(str(arrived + 1))
    assert_accessible(control)
    assert_fits_phone(control)


def test_next_step_asks_first_and_a_step_can_be_taken_back_by_keyboard(
    browser, demo_server: DemoServer
):
    control = facilitator(browser, demo_server)
    go_to_step(control, IDEA_COLLECTION)
    phone = new_page(browser, width=360)
    login_code(phone, demo_server, demo_server.next_resident()["code"])
    phone.goto(demo_server.url + SUMMIT)
    title = control.locator("[data-step-title]")
    expect(phone.locator("[data-step-title]")).to_have_text(IDEA_COLLECTION)

    # Asked first: nothing moves until the facilitator confirms; Escape keeps the step.
    control.get_by_role("button", name="Volgende stap").focus()
    control.keyboard.press("Enter")
    dialog = control.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Het themateam ordent de ideeën")
    expect(dialog.get_by_role("button", name="Annuleren")).to_be_focused()
    assert_accessible(control)
    assert_fits_phone(control)
    control.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(control.get_by_role("button", name="Volgende stap")).to_be_focused()
    expect(title).to_have_text(IDEA_COLLECTION)

    control.keyboard.press("Enter")
    expect(dialog.get_by_role("button", name="Annuleren")).to_be_focused()
    control.keyboard.press("Shift+Tab")
    expect(dialog.get_by_role("button", name=CONFIRM)).to_be_focused()
    control.keyboard.press("Enter")
    expect(title).to_have_text("Het themateam ordent de ideeën")
    expect(phone.locator("[data-step-title]")).to_have_text("Het themateam ordent de ideeën")

    # Taken back: every screen returns to the idea step, whose clock runs again.
    control.get_by_role("button", name="Vorige stap").focus()
    control.keyboard.press("Enter")
    expect(dialog).to_contain_text(IDEA_COLLECTION)
    control.keyboard.press("Shift+Tab")
    control.keyboard.press("Enter")
    expect(title).to_have_text(IDEA_COLLECTION)
    expect(phone.locator("[data-step-title]")).to_have_text(IDEA_COLLECTION)
    expect(control.locator("[data-step-state]")).to_have_text("Loopt")
    # The live connection stayed up all along: no reload, no reconnect.
    expect(control.locator("[data-connection]")).to_have_text("")
    phone.get_by_label("Nieuw idee").fill("Na de stap terug kan ik weer schrijven")
    phone.get_by_role("button", name="Idee toevoegen").click()
    expect(phone.locator("[data-ideas]")).to_contain_text("Na de stap terug")


def test_a_step_confirmed_right_after_a_cancel_still_moves_every_screen(
    browser, demo_server: DemoServer
):
    """Cancelled and opened again before the cancel's close event came (a quick hand, or a
    busy laptop that handles keys before its queued events): the confirmation still counts."""
    control = facilitator(browser, demo_server)
    go_to_step(control, IDEA_COLLECTION)
    control.get_by_role("button", name="Volgende stap").click()
    dialog = control.get_by_role("dialog")
    expect(dialog).to_be_visible()
    control.evaluate(
        """() => {
            document.querySelector("[data-step-dialog]").close("cancel");
            document.querySelector("[data-step-move='step.advance']").click();
        }"""
    )
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name=CONFIRM).click()
    expect(control.locator("[data-step-title]")).to_have_text("Het themateam ordent de ideeën")
    expect(dialog).to_be_hidden()
    expect(control.get_by_role("button", name="Volgende stap")).to_be_focused()


def test_theme_team_merges_with_a_search_hides_and_undoes_both_and_sees_ideas_per_theme(
    browser, demo_server: DemoServer
):
    control = facilitator(browser, demo_server, width=1280)
    go_to_step(control, IDEA_COLLECTION)
    host = host_console(browser, demo_server)
    long_one = "Een overdekte fietsenstalling bij het station Diemen-Zuid met bewaking en laadpalen"
    duplicate = "Bewaakte fietsenstalling met laadpalen"
    rude = "Iets onaardigs over de buurman"
    for text in [long_one, duplicate, rude]:
        write_idea(host, text)

    team = new_page(browser, width=360)
    login_staff(team, demo_server, "themateam")
    team.goto(demo_server.url + SUMMIT + "themateam/")
    ideas = team.locator("[data-ideas]")
    # No idea carries a list of every other idea: only the themes to choose from.
    themes = team.locator("[data-themes] li").count()
    options = team.locator("[data-ideas] select").evaluate_all(
        "selects => Math.max(0, ...selects.map((s) => s.options.length))"
    )
    assert options <= themes + 1

    # Merge by searching for words past the first 40 characters of the other idea.
    item = ideas.locator("li", has_text=duplicate)
    item.get_by_role("button", name="Samenvoegen…").focus()
    team.keyboard.press("Enter")
    search = team.get_by_label("Zoek het idee om mee samen te voegen")
    expect(search).to_be_focused()
    team.keyboard.type("laadpalen bewaking")
    choice = item.get_by_role("button", name=f"Samenvoegen met: {long_one}")
    expect(choice).to_have_count(1)
    expect(item.get_by_role("status")).to_contain_text("1 idee gevonden")
    assert_accessible(team)
    assert_fits_phone(team)
    team.keyboard.press("Tab")
    expect(choice).to_be_focused()
    team.keyboard.press("Enter")
    merged = team.locator("[data-merged-ideas]")
    expect(ideas).not_to_contain_text(duplicate)
    expect(merged).to_contain_text(duplicate)
    expect(merged).to_contain_text(f"samengevoegd met: {long_one}")

    # Undo the merge: the idea is back in the list, and on the facilitator's count.
    count = control.locator("[data-count=ideas]")
    before = int(count.inner_text())
    merged.locator("li", has_text=duplicate).get_by_role("button", name="Terugzetten").click()
    expect(ideas).to_contain_text(duplicate)
    expect(merged).not_to_contain_text(duplicate)
    expect(count).to_have_text(str(before + 1))

    # Hide, then undo the hide.
    rude_item = ideas.locator("li", has_text=rude)
    rude_item.get_by_role("button", name="Verbergen").click()
    expect(rude_item.get_by_label("Waarom verbergt u dit idee?")).to_be_focused()
    team.keyboard.type("Persoonlijke aanval")
    team.keyboard.press("Enter")
    expect(rude_item).to_have_attribute("data-status", "hidden")
    expect(host.locator("[data-ideas]")).not_to_contain_text(rude)
    restore = rude_item.get_by_role("button", name="Terugzetten")
    expect(restore).to_be_focused()
    team.keyboard.press("Enter")
    expect(rude_item).to_have_attribute("data-status", "visible")
    expect(host.locator("[data-ideas]")).to_contain_text(rude)

    # Ideas per theme, with counts, kept live.
    team.get_by_label("Nieuw thema").fill("Fietsen")
    team.get_by_role("button", name="Thema maken").click()
    expect(team.locator("[data-themes]")).to_contain_text("Fietsen")
    groups = team.locator("[data-theme-groups]")
    fietsen = groups.locator("li[data-group]").filter(
        has=team.locator("[data-group-name]", has_text=re.compile(r"^Fietsen$"))
    )
    expect(fietsen).to_contain_text("Fietsen: 0 ideeën")
    for text in [long_one, duplicate]:
        ideas.locator("li", has_text=text).get_by_label("Thema").select_option(label="Fietsen")
    expect(fietsen.locator("summary")).to_have_text("Fietsen: 2 ideeën")
    fietsen.locator("summary").click()
    expect(fietsen).to_contain_text(duplicate)
    team.reload()
    expect(fietsen.locator("summary")).to_have_text("Fietsen: 2 ideeën")
    assert_accessible(team)
    assert_fits_phone(team)


def test_hall_screen_cloud_skips_stop_words_and_everything_fits_one_projector_screen(
    browser, demo_server: DemoServer
):
    control = facilitator(browser, demo_server, width=1280)
    go_to_step(control, IDEA_COLLECTION)
    team = new_page(browser)
    login_staff(team, demo_server, "themateam")
    team.goto(demo_server.url + SUMMIT + "themateam/")
    names = ["Groen en water", "Verkeer en veiligheid", "Jong en oud", "Cultuur in de wijk"]
    for name in names:
        # Another test of the same demo may have made a theme of this name: wait for ours.
        same_name = team.locator("[data-themes] li", has_text=name)
        before = same_name.count()
        team.get_by_label("Nieuw thema").fill(name)
        team.get_by_role("button", name="Thema maken").click()
        expect(same_name).to_have_count(before + 1)
        box = same_name.last.get_by_label("Op het zaalscherm")
        box.check()
        expect(box).to_be_checked()

    hall = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="nl-NL")
    screen = hall.new_page()
    screen.goto(hall_url(demo_server))
    host = host_console(browser, demo_server)
    for text in [
        "Een moestuin voor de kinderen in een park",
        "Een moestuin voor een ouder en een kind",
        "Een moestuin voor de buurt, een plek voor iedereen",
    ]:
        write_idea(host, text)
    cloud = screen.locator("[data-word-cloud]")
    expect(cloud).to_contain_text("moestuin")
    words = cloud.locator("li").all_inner_texts()
    assert "een" not in words and "voor" not in words, words

    featured = screen.locator("[data-featured-themes] li")
    for name in names:
        expect(featured.filter(has_text=name).first).to_be_visible()
    # Every featured theme, every word shown and the counts lie inside the 1920x1080 screen.
    outside = screen.evaluate(
        "() => [...document.querySelectorAll("
        "'[data-featured-themes] li, [data-word-cloud] li, [data-count], [data-step-title]')]"
        ".filter((node) => { const box = node.getBoundingClientRect();"
        " return box.bottom > innerHeight || box.right > innerWidth; })"
        ".map((node) => node.textContent)"
    )
    assert outside == [], f"off the 1920x1080 screen: {outside}"
    scroll = screen.evaluate("document.documentElement.scrollHeight - window.innerHeight")
    assert scroll <= 0, f"the hall screen scrolls by {scroll}px at 1920x1080"
    assert_accessible(screen)
    hall.close()


def test_hall_screen_cloud_shows_words_without_quotes_or_chat_marks_around_them(
    browser, demo_server: DemoServer
):
    control = facilitator(browser, demo_server, width=1280)
    go_to_step(control, IDEA_COLLECTION)
    hall = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="nl-NL")
    screen = hall.new_page()
    screen.goto(hall_url(demo_server))
    host = host_console(browser, demo_server)
    # A phone keyboard curls quotes; chat habits put *stars* or _lines_ around a word. Three
    # tables say it, so the words stay among the most used on a cloud other tests filled.
    for table in (1, 2, 3):
        write_idea(
            host, f"Een “kabouterpad” met **vlinderstruiken** en _egelhuisjes_ – ‘samen’… ({table})"
        )
    cloud = screen.locator("[data-word-cloud]")

    def assert_bare_words() -> None:
        for word in ("kabouterpad", "vlinderstruiken", "egelhuisjes", "samen"):
            expect(cloud.locator("li", has_text=re.compile(f"^{word}$"))).to_have_count(1)
        words = cloud.locator("li").all_inner_texts()
        assert not [w for w in words if re.search(r"[“”‘’*_…–]", w)], words

    assert_bare_words()  # drawn by the page's script from the live event
    screen.reload()
    assert_bare_words()  # drawn by the server
    assert_accessible(screen)
    hall.close()


def test_facilitator_sees_in_the_agenda_which_step_the_hall_is_at(browser, demo_server: DemoServer):
    control = facilitator(browser, demo_server)
    go_to_step(control, IDEA_COLLECTION)
    agenda = control.locator("[data-agenda] li")
    now = agenda.filter(has_text=IDEA_COLLECTION)
    other = agenda.first

    def looks(item) -> tuple[str, str, str]:
        return item.evaluate(
            "(node) => { const style = getComputedStyle(node);"
            " return [style.fontWeight, style.backgroundColor, style.borderInlineStartStyle]; }"
        )

    # Not only a screen reader hears it (aria-current): the step stands out on the screen.
    expect(now).to_have_attribute("aria-current", "step")
    assert looks(now) != looks(other), looks(now)
    assert int(looks(now)[0]) >= 700, looks(now)

    # After the next step (a live event, no reload) the mark moves with it.
    go_to_step(control, "Het themateam ordent de ideeën")
    assert looks(now) == looks(other), looks(now)
    assert int(looks(agenda.filter(has_text="Het themateam ordent de ideeën"))[0]) >= 700
    assert_accessible(control)
    assert_fits_phone(control)


def test_theme_team_on_a_phone_sees_each_theme_label_beside_its_own_list(
    browser, demo_server: DemoServer
):
    control = facilitator(browser, demo_server)
    go_to_step(control, IDEA_COLLECTION)
    write_idea(host_console(browser, demo_server), "Een pluktuin bij de Omval")
    team = new_page(browser, width=360)
    login_staff(team, demo_server, "themateam")
    team.goto(demo_server.url + SUMMIT + "themateam/")
    # A theme with a name of usual length makes the list as wide as a phone gives it.
    themes = team.locator("[data-themes] li", has_text="Groen en spelen in de wijk")
    before = themes.count()
    team.get_by_label("Nieuw thema").fill("Groen en spelen in de wijk")
    team.get_by_role("button", name="Thema maken").click()
    expect(themes).to_have_count(before + 1)
    idea = team.locator("[data-ideas] li", has_text="Een pluktuin bij de Omval").last
    label = idea.get_by_text("Thema", exact=True)
    select = idea.get_by_label("Thema", exact=True)
    expect(select).to_be_visible()
    # The word 'Thema' sits on the line of the list it names, not above it beside 'Verbergen'.
    label_box, select_box = label.bounding_box(), select.bounding_box()
    assert label_box and select_box
    middle = label_box["y"] + label_box["height"] / 2
    assert select_box["y"] <= middle <= select_box["y"] + select_box["height"], (
        label_box,
        select_box,
    )
    assert label_box["x"] < select_box["x"]
    assert_accessible(team)
    assert_fits_phone(team)
