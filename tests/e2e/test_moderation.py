"""The moderation queue in a real browser: a theme-team member hides an idea with a reason,
the facilitator finds it in the queue (by keyboard only) and undoes it, and the idea is back
on the participant's phone without a reload. axe at 360 and 1280 px."""

from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    DemoServer,
    assert_accessible,
    assert_fits_phone,
    login_staff,
    new_page,
)
from tests.e2e.test_summit import SUMMIT
from tests.e2e.test_summit_resident import resident_at_idea_step

QUEUE = "/werkruimte/moderatie/"


def tab_to(page: Page, target, limit: int = 60) -> None:
    """Press Tab until ``target`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("node => node === document.activeElement"):
            return
    raise AssertionError("not reached by Tab")


def test_theme_team_hides_with_a_reason_and_the_facilitator_undoes_it_from_the_queue(
    page: Page, phone: Page, demo_server: DemoServer, browser
):
    resident_at_idea_step(page, phone, demo_server)
    text = "Iets heel onaardigs over nummer 12"
    ideas = phone.locator("[data-ideas]")
    phone.get_by_label("Nieuw idee").fill(text)
    phone.get_by_role("button", name="Idee toevoegen").click()
    expect(ideas).to_contain_text(text)

    # The theme team hides it, giving a reason; an empty reason is refused first.
    team = new_page(browser, width=360)
    login_staff(team, demo_server, "themateam")
    team.goto(demo_server.url + SUMMIT + "themateam/")
    item = team.locator("[data-ideas] li", has_text=text)
    item.get_by_role("button", name="Verbergen").focus()
    team.keyboard.press("Enter")
    reason = item.get_by_label("Waarom verbergt u dit idee?")
    expect(reason).to_be_focused()
    assert_accessible(team)
    assert_fits_phone(team)
    reason.evaluate("node => node.removeAttribute('required')")
    team.keyboard.press("Enter")
    expect(team.get_by_role("alert")).to_contain_text("Geef een reden op waarom u dit verbergt.")
    reason.focus()
    team.keyboard.type("Persoonlijke aanval op een buurman")
    team.keyboard.press("Enter")
    expect(item).to_have_attribute("data-status", "hidden")
    expect(ideas).not_to_contain_text(text)

    # The facilitator finds it in the queue, from the workspace, by keyboard only.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(demo_server.url + "/werkruimte/")
    link = page.get_by_role("link", name="Moderatielijst")
    tab_to(page, link)
    page.keyboard.press("Enter")
    page.wait_for_url(demo_server.url + QUEUE)
    entry = page.locator("li.ss-card", has_text=text)
    expect(entry).to_contain_text("Persoonlijke aanval op een buurman")
    expect(entry).to_contain_text("Verborgen")
    assert_accessible(page)
    page.set_viewport_size({"width": 360, "height": 900})
    assert_accessible(page)
    assert_fits_phone(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    undo = entry.get_by_role("button", name="Ongedaan maken")
    tab_to(page, undo)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Het idee staat weer op alle schermen.")
    expect(page.locator("li.ss-card", has_text=text)).to_have_count(0)
    assert_accessible(page)

    # Back on the participant's phone, live, and on the theme team's list.
    expect(ideas).to_contain_text(text)
    expect(item).to_have_attribute("data-status", "visible")
    phone.reload()
    expect(phone.locator("[data-ideas]")).to_contain_text(text)


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


def test_an_editor_hides_a_nota_comment_with_a_reason_by_keyboard_and_finds_it_in_the_queue(
    page: Page, demo_server: DemoServer
):
    text = "Een reactie met het telefoonnummer van de buren erin"
    pk = demo_server.manage("shell", "-c", ADD_COMMENT % text).strip().splitlines()[-1]
    login_staff(page, demo_server, "ambtenaar")
    page.goto(demo_server.url + NOTA)
    card = page.locator(f"#reactie-{pk}")
    expect(card).to_contain_text(text)
    summary = card.locator("summary", has_text="Verbergen…")
    tab_to(page, summary)
    page.keyboard.press("Enter")
    reason = card.get_by_label("Waarom verbergt u deze reactie?")
    expect(reason).to_be_visible()
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
    page.set_viewport_size({"width": 360, "height": 900})
    assert_fits_phone(page)
    page.keyboard.press("Tab")
    expect(reason).to_be_focused()
    page.keyboard.type("Telefoonnummer van anderen")
    page.keyboard.press("Enter")
    expect(page.locator(".ss-messages")).to_contain_text("De reactie is verborgen")
    expect(page.locator(f"#reactie-{pk}")).to_contain_text(
        "Deze reactie is verborgen door de redactie."
    )
    expect(page.locator(f"#reactie-{pk}")).not_to_contain_text(text)

    page.goto(demo_server.url + QUEUE)
    entry = page.locator(f"#comment-{pk}")
    expect(entry).to_contain_text(text)
    expect(entry).to_contain_text("Telefoonnummer van anderen")
    assert_accessible(page)
    assert_fits_phone(page)
    tab_to(page, entry.get_by_role("button", name="Ongedaan maken"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text(
        "De reactie staat weer op de pagina van de nota."
    )
    page.goto(demo_server.url + NOTA)
    expect(page.locator(f"#reactie-{pk}")).to_contain_text(text)
