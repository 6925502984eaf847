"""A resident reads the council's news on their proposals in a real browser: on the home page
and on /raad/nieuws/, by keyboard, axe-clean at 360 and 1280 px, marks it read, and turns
the e-mail off and on again."""

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    DemoServer,
    assert_accessible,
    assert_fits_phone,
    login_code,
    new_page,
)

# One notice's button ("Op gelezen zetten: Voorstel 2: ..."), not the one for all of them.
MARK_ONE = re.compile(r"^Op gelezen zetten: ")


def resident_with_news(server: DemoServer) -> str:
    """The demo's resident with the most notices (the griffie answered their proposals and
    amendments when the demo was seeded) who has not chosen about the e-mail yet; no other
    test is handed them."""
    output = server.manage(
        "shell",
        "-c",
        "from django.db.models import Count; from council.models import Notice; "
        "print(Notice.objects.filter(read_at__isnull=True, "
        "person__council_notice_setting__isnull=True).values('person__username')"
        ".annotate(n=Count('id')).order_by('-n', 'person__username')[0]['person__username'])",
    )
    username = output.strip().splitlines()[-1]
    server.forget(lambda row: row["username"] == username)
    return username


def test_a_resident_reads_the_news_on_their_proposals_and_marks_it_read(
    phone: Page, demo_server: DemoServer
):
    username = resident_with_news(demo_server)
    login_code(phone, demo_server, demo_server.fresh_code({"username": username})["code"])
    news = phone.get_by_role("region", name="Nieuws over uw voorstellen")
    expect(news).to_be_visible()
    assert_accessible(phone)
    assert_fits_phone(phone)

    # By keyboard from the home page to the list of all news.
    everything = news.get_by_role("link", name="Al uw berichten")
    everything.focus()
    phone.keyboard.press("Enter")
    phone.wait_for_url(demo_server.url + "/raad/nieuws/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Nieuws over uw voorstellen")
    unread_before = phone.get_by_text("Nieuw", exact=True).count()
    assert unread_before >= 2
    assert_accessible(phone)
    assert_fits_phone(phone)

    first = phone.get_by_role("button", name=MARK_ONE).first
    first.focus()
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("status")).to_contain_text("Het bericht staat op gelezen.")
    expect(phone.get_by_text("Nieuw", exact=True)).to_have_count(unread_before - 1)

    phone.get_by_role("button", name="Alles op gelezen zetten").click()
    expect(phone.get_by_role("status")).to_contain_text("Alle berichten staan op gelezen.")
    expect(phone.get_by_text("Nieuw", exact=True)).to_have_count(0)
    expect(phone.get_by_role("button", name=MARK_ONE)).to_have_count(0)
    assert_accessible(phone)

    # The e-mail can be turned off and on again, by keyboard.
    choice = phone.get_by_role("checkbox", name="E-mail mij als de raad iets doet")
    expect(choice).to_be_checked()
    choice.focus()
    phone.keyboard.press("Space")
    phone.keyboard.press("Tab")
    expect(phone.get_by_role("button", name="Keuze opslaan")).to_be_focused()
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("status")).to_contain_text("u krijgt geen e-mail meer")
    expect(choice).not_to_be_checked()
    assert_accessible(phone)
    assert_fits_phone(phone)
    choice.check()
    phone.get_by_role("button", name="Keuze opslaan").click()
    expect(phone.get_by_role("status")).to_contain_text("u krijgt een e-mail als er nieuws is")
    expect(choice).to_be_checked()

    # Each notice links to the public answer, at the proposal or amendment.
    link = phone.get_by_role("link", name="Lees het antwoord op").first
    href = link.get_attribute("href") or ""
    assert href.startswith("/raad/") and "#" in href
    link.click()
    expect(phone.locator(f"[id='{href.split('#')[1]}']")).to_be_visible()


def stop_link(server: DemoServer, username: str) -> str:
    """The one-click stop path the daily e-mail gives ``username``."""
    output = server.manage(
        "shell",
        "-c",
        "from django.urls import reverse; from council.notices import stop_token; "
        "from samenspel.models import User; "
        f"print(reverse('council_notices_stop', args=[stop_token(User.objects.get(username="
        f"'{username}').pk)]))",
    )
    return output.strip().splitlines()[-1]


def test_the_news_page_reads_well_on_a_laptop(browser, demo_server: DemoServer):
    page = new_page(browser, 1280)
    username = resident_with_news(demo_server)
    # The e-mail's stop link, opened without logging in: one button, then a confirmation.
    page.goto(demo_server.url + stop_link(demo_server, username))
    assert_accessible(page)
    page.get_by_role("button", name="Stop deze e-mails").click()
    expect(page.get_by_role("status")).to_contain_text("U krijgt geen e-mails meer")
    assert_accessible(page)
    login_code(page, demo_server, demo_server.fresh_code({"username": username})["code"])
    expect(page.get_by_role("region", name="Nieuws over uw voorstellen")).to_be_visible()
    assert_accessible(page)
    page.goto(demo_server.url + "/raad/nieuws/")
    expect(page.get_by_role("button", name=MARK_ONE).first).to_be_visible()
    expect(
        page.get_by_role("checkbox", name="E-mail mij als de raad iets doet")
    ).not_to_be_checked()
    assert_accessible(page)
    page.context.close()
