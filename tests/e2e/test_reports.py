"""Reports and the summit electorate in a real browser. A resident reports an idea of their
table from the participant screen (keyboard only, a plain form), the theme team finds it in
the moderation queue as reported (how many, why; no names), dismisses the reports, undoes
that and hides the idea; a reader reports a nota comment. An administrator makes a poll for
the participants of a summit with the keyboard; a participant votes, someone else cannot.
axe at 360 and 1280 px on every page touched."""

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

SLUG = "burgertop-diemen-2026"
SUMMIT = f"/burgertop/{SLUG}/"
QUEUE = "/werkruimte/moderatie/"

SEAT_AND_IDEA = """
from django.utils import timezone
from deliberation.models import Idea, Participant, Summit, SummitTable
summit = Summit.objects.get(slug=%(slug)r)
me = Participant.objects.get(summit=summit, user__username=%(user)r)
table = me.table or SummitTable.objects.filter(summit=summit, online=False).first()
now = timezone.now()
Participant.objects.filter(pk=me.pk).update(table=table, checked_in_at=me.checked_in_at or now)
other = Participant.objects.filter(summit=summit).exclude(pk=me.pk).first()
idea = Idea.objects.create(
    summit=summit, table=table, author=other.user, text=%(text)r, created_at=now, updated_at=now
)
print(idea.pk)
"""


def tab_to(page: Page, target: Locator, limit: int = 80) -> None:
    """Press Tab until ``target`` has the focus: it is reachable by keyboard, in order."""
    handle = target.element_handle()
    for _ in range(limit):
        if page.evaluate("node => document.activeElement === node", handle):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


def choose(page: Page, group: Locator, target: Locator) -> None:
    """Tab into a radio group and move with the arrow keys to ``target``, as a keyboard user
    picks one of several."""
    tab_to(page, group.locator("input[type=radio]").first)
    page.keyboard.press("Space")
    for _ in range(group.locator("input[type=radio]").count()):
        if target.is_checked():
            return
        page.keyboard.press("ArrowDown")
    expect(target).to_be_checked()


SHOTS = os.environ.get("REPORT_SCREENSHOTS", "")


def both_widths(page: Page, name: str) -> None:
    """axe at 1280 and at 360 px, nothing sideways at 360; a screenshot of each when
    REPORT_SCREENSHOTS names a folder, to look at the page as its user sees it."""
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)
    assert_fits_phone(page)


def test_a_resident_reports_an_idea_and_the_theme_team_dismisses_then_hides_it(
    phone: Page, browser: Browser, demo_server: DemoServer
) -> None:
    resident = demo_server.next_resident()
    login_code(phone, demo_server, resident["code"])
    text = "De buurman van nummer 12 is een oplichter"
    pk = demo_server.manage(
        "shell", "-c", SEAT_AND_IDEA % {"slug": SLUG, "user": resident["username"], "text": text}
    ).strip().splitlines()[-1]

    # From the participant screen to the report form, by keyboard.
    phone.goto(demo_server.url + SUMMIT)
    link = phone.get_by_role("link", name="Een idee melden aan het themateam")
    tab_to(phone, link)
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Een idee melden")
    both_widths(phone, "report-page")
    choice = phone.get_by_label(text)
    choose(phone, phone.get_by_role("group", name="Welk idee meldt u?"), choice)
    offensive = phone.get_by_label("Beledigend of kwetsend")
    choose(phone, phone.get_by_role("group", name="Waarom meldt u dit?"), offensive)
    tab_to(phone, phone.get_by_label("Toelichting (mag leeg blijven)"))
    phone.keyboard.type("Noemt een huisnummer")
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("status")).to_contain_text(
        "Dank u. Het themateam kijkt naar het idee dat u meldde."
    )
    expect(phone.get_by_label(text)).to_be_visible()  # still listed: it is still on the screens
    expect(phone.get_by_text("(al door u gemeld)")).to_be_visible()
    assert_accessible(phone)

    # The theme team sees it reported, without the reporter's name.
    team = new_page(browser)
    login_staff(team, demo_server, "themateam")
    team.goto(demo_server.url + QUEUE)
    entry = team.locator(f"#idea-{pk}")
    expect(entry).to_contain_text(text)
    expect(entry).to_contain_text("Gemeld")
    expect(entry).to_contain_text("Beledigend of kwetsend (1)")
    expect(entry).to_contain_text("Noemt een huisnummer")
    expect(entry).not_to_contain_text(resident["username"])
    both_widths(team, "queue-reported")
    team.set_viewport_size({"width": 1280, "height": 900})

    tab_to(team, entry.get_by_role("button", name="Meldingen afwijzen"))
    team.keyboard.press("Enter")
    expect(team.get_by_role("status")).to_contain_text(
        "De meldingen zijn afgewezen; het idee blijft staan."
    )
    expect(entry).to_contain_text("Meldingen afgewezen")
    tab_to(team, entry.get_by_role("button", name="Ongedaan maken"))
    team.keyboard.press("Enter")
    expect(team.get_by_role("status")).to_contain_text("De meldingen staan weer open.")
    expect(entry.get_by_role("button", name="Meldingen afwijzen")).to_be_visible()

    summary = entry.locator("summary", has_text="Verbergen…")
    tab_to(team, summary)
    team.keyboard.press("Enter")
    reason = entry.get_by_label("Waarom verbergt u dit?")
    expect(reason).to_be_visible()
    both_widths(team, "queue-hide-open")
    team.set_viewport_size({"width": 1280, "height": 900})
    tab_to(team, reason)
    team.keyboard.type("Noemt een buurman met zijn huisnummer")
    team.keyboard.press("Enter")
    expect(team.get_by_role("status")).to_contain_text("Het idee is van alle schermen gehaald.")
    expect(entry).to_contain_text("Verborgen")
    expect(entry).to_contain_text("Noemt een buurman met zijn huisnummer")
    assert_accessible(team)
    team.context.close()

    # Hidden now: no longer offered for reporting.
    phone.reload()
    expect(phone.get_by_label(text)).to_have_count(0)


NOTA = "/nota/cultuurnota-2026/"
ADD_COMMENT = """
from django.utils import timezone
from deliberation.drafts import selectors, services
from deliberation.drafts.models import Draft
from samenspel.models import User
draft = Draft.objects.get(slug="cultuurnota-2026")
version = selectors.latest_version(draft)
comment = services.comment_add(
    version=version,
    by=User.objects.get(username="griffie"),
    body=%r,
    passage=version.text.split()[1],
    start=version.text.index(version.text.split()[1]),
    now=timezone.now(),
)
print(comment.pk)
"""


def test_a_reader_reports_a_nota_comment_and_its_editor_sees_it_in_the_queue(
    phone: Page, browser: Browser, demo_server: DemoServer
) -> None:
    text = "Bel de wethouder maar thuis op 06-12345678"
    pk = demo_server.manage("shell", "-c", ADD_COMMENT % text).strip().splitlines()[-1]
    login_code(phone, demo_server, demo_server.next_resident()["code"])
    phone.goto(demo_server.url + NOTA)
    card = phone.locator(f"#reactie-{pk}")
    summary = card.locator("summary", has_text="Melden…")
    tab_to(phone, summary)
    phone.keyboard.press("Enter")
    personal = card.get_by_label("Noemt iemand of persoonlijke gegevens")
    expect(personal).to_be_visible()
    both_widths(phone, "nota-report")
    choose(phone, card.get_by_role("group", name="Waarom meldt u dit?"), personal)
    phone.keyboard.press("Enter")
    expect(phone.locator(".ss-messages")).to_contain_text(
        "Dank u. De redactie kijkt naar de reactie die u meldde."
    )

    editor = new_page(browser)
    login_staff(editor, demo_server, "ambtenaar")
    editor.goto(demo_server.url + QUEUE)
    entry = editor.locator(f"#comment-{pk}")
    expect(entry).to_contain_text(text)
    expect(entry).to_contain_text("Noemt iemand of persoonlijke gegevens (1)")
    both_widths(editor, "queue-comment")
    editor.context.close()


PEOPLE = """
import json
from deliberation.models import Participant, Summit
from samenspel import services
from samenspel.models import Role, User
summit = Summit.objects.get(slug=%(slug)r)
inside = set(Participant.objects.filter(summit=summit).values_list("user__username", flat=True))
outsider, _ = User.objects.get_or_create(
    username="buiten-de-burgertop", defaults={"display_name": "Buiten"}
)
services.role_grant(user=outsider, role=Role.RESIDENT)
print(json.dumps({"title": summit.title, "inside": sorted(inside), "outsider": outsider.username}))
"""


def test_a_poll_for_the_participants_of_a_summit_built_by_keyboard(
    page: Page, browser: Browser, demo_server: DemoServer
) -> None:
    people = json.loads(
        demo_server.manage("shell", "-c", PEOPLE % {"slug": SLUG}).strip().splitlines()[-1]
    )
    voter = next(row for row in demo_server._residents if row["username"] in people["inside"])
    demo_server._residents.remove(voter)
    outsider = demo_server.fresh_code({"username": people["outsider"]})
    title = "Wat pakt de gemeente als eerste op na de burgertop?"

    login_staff(page, demo_server, "beheer")
    page.goto(demo_server.url + "/werkruimte/peiling/nieuw/")
    tab_to(page, page.get_by_label("Titel", exact=True))
    page.keyboard.type(title)
    tab_to(page, page.locator("#method-yes_no"))
    page.keyboard.press("ArrowDown")  # choose several (approval)
    expect(page.locator("#method-approval")).to_be_checked()
    for number, option in enumerate(["Groen", "Sport", "Veiligheid"], 1):
        tab_to(page, page.get_by_label(f"Optie {number}: titel"))
        page.keyboard.type(option)
    summit_choice = page.locator("#electorate-summit")
    expect(summit_choice).to_have_accessible_name("Deelnemers van een burgertop")
    tab_to(page, page.locator("#electorate-all"))
    for _ in range(5):
        if summit_choice.is_checked():
            break
        page.keyboard.press("ArrowDown")
    expect(summit_choice).to_be_checked()

    # No summit chosen: refused with a message, nothing stored.
    save = page.get_by_role("button", name="Peiling opslaan")
    tab_to(page, save)
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("De peiling is niet opgeslagen.")
    expect(page.get_by_text("Kies de burgertop waarvan de deelnemers mogen stemmen.")).to_be_visible()
    both_widths(page, "poll-form-refused")
    page.set_viewport_size({"width": 1280, "height": 900})

    which = page.get_by_label("Welke burgertop?", exact=False)
    tab_to(page, which)
    for _ in range(which.locator("option").count()):
        if which.input_value() == f"summit:{SLUG}":
            break
        page.keyboard.press("ArrowDown")
    expect(which.locator("option:checked")).to_have_text(people["title"])
    tab_to(page, page.get_by_role("button", name="Peiling opslaan"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_text(f"Deelnemers van {people['title']}")).to_be_visible()
    both_widths(page, "poll-detail")
    page.set_viewport_size({"width": 1280, "height": 900})
    detail_url = page.url
    open_now = page.get_by_role("button", name="Nu openen")
    tab_to(page, open_now)
    page.keyboard.press("Enter")
    expect(page.get_by_text("De peiling is geopend.")).to_be_visible()
    poll_id = re.search(r"/peiling/(\d+)/", detail_url).group(1)  # type: ignore[union-attr]

    # A participant of the summit votes; someone who is not on its list cannot.
    taking_part = new_page(browser, width=360)
    login_code(taking_part, demo_server, voter["code"])
    taking_part.goto(demo_server.url + f"/stemmen/{poll_id}/")
    taking_part.get_by_label("Sport").check()
    taking_part.get_by_role("button", name="Stem uitbrengen").click()
    expect(taking_part.get_by_text("Uw stem is opgeslagen.")).to_be_visible()
    taking_part.context.close()

    other = new_page(browser, width=360)
    login_code(other, demo_server, outsider["code"])
    other.goto(demo_server.url + f"/stemmen/{poll_id}/")
    expect(other.get_by_role("alert")).to_contain_text("U staat niet op de lijst")
    expect(other.get_by_role("button", name="Stem uitbrengen")).to_have_count(0)
    assert_accessible(other)
    other.context.close()
