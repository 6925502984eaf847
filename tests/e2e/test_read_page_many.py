"""A nota with many comments in a real browser: the newest threads first, all of them a
link away, by keyboard, on a phone and on a laptop; axe-clean."""

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import (
    DemoServer,
    assert_accessible,
    assert_fits_phone,
    login_code,
    new_page,
)

SLUG = "veel-reacties"
MANY_COMMENTS = (
    "from datetime import timedelta; from django.utils import timezone; "
    "from deliberation.drafts import services; from deliberation.drafts.models import Comment; "
    "from samenspel.models import User; "
    "now = timezone.now(); "
    "editor = User.objects.get(username='ambtenaar'); "
    f"draft = services.draft_create(slug={SLUG!r}, title='Nota met veel reacties', "
    "kind='sportnota', by=editor, now=now, "
    "text='# Sportnota\\n\\nDiemen sport samen in elke wijk.\\n'); "
    "version = services.version_publish(draft=draft, by=editor, now=now); "
    "Comment.objects.bulk_create(Comment(version=version, author=editor, "
    "passage='Diemen sport samen', start=13, body=f'Reactie nummer {n}', "
    "created_at=now - timedelta(minutes=60 - n)) for n in range(60))"
)


def test_the_newest_threads_show_first_and_all_of_them_a_link_away(
    browser: Browser, demo_server: DemoServer
):
    demo_server.manage("shell", "-v", "0", "-c", MANY_COMMENTS)
    url = f"{demo_server.url}/nota/{SLUG}/"
    resident = new_page(browser, width=360)
    login_code(resident, demo_server, demo_server.next_resident()["code"])
    resident.goto(url)

    cards = resident.locator("#reactie-lijst > article")
    expect(cards).to_have_count(50)
    expect(cards.first).to_contain_text("Reactie nummer 10")
    expect(cards.last).to_contain_text("Reactie nummer 59")
    expect(resident.get_by_text("U ziet de nieuwste 50 van de 60 reacties.")).to_be_visible()
    assert_accessible(resident)
    assert_fits_phone(resident)

    # By keyboard: from the heading of the comments, Tab reaches the link first.
    resident.locator("#reacties").evaluate("heading => heading.setAttribute('tabindex', '-1')")
    resident.locator("#reacties").focus()
    resident.keyboard.press("Tab")
    expect(resident.get_by_role("link", name="Toon alle 60 reacties")).to_be_focused()
    resident.keyboard.press("Enter")
    resident.wait_for_url(url + "?reacties=alle#reacties")
    expect(cards).to_have_count(60)
    expect(cards.first).to_contain_text("Reactie nummer 0")
    expect(resident.get_by_text("U ziet alle 60 reacties.")).to_be_visible()
    assert_accessible(resident)
    assert_fits_phone(resident)

    resident.set_viewport_size({"width": 1280, "height": 900})
    assert_accessible(resident)
    resident.get_by_role("link", name="Toon alleen de nieuwste 50").click()
    expect(cards).to_have_count(50)
    assert_accessible(resident)
    resident.context.close()
