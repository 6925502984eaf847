"""Co-writing pages in a real browser: read, comment, amend, decide; axe-clean."""

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, Route, expect

from tests.e2e.conftest import (
    DemoServer,
    assert_accessible,
    assert_fits_phone,
    login_code,
    login_staff,
    new_page,
)

DRAFT = "/nota/sportnota-2026/"


@pytest.mark.parametrize("path", ["/nota/", DRAFT, DRAFT + "versies/", DRAFT + "versies/1/"])
def test_draft_pages_have_no_axe_violations_on_a_phone(
    phone: Page, demo_server: DemoServer, path: str
):
    phone.goto(demo_server.url + path)
    assert_accessible(phone)
    assert_fits_phone(phone)


def test_resident_comments_and_amends_and_the_editor_accepts(
    browser: Browser, demo_server: DemoServer
):
    resident = new_page(browser)
    login_code(resident, demo_server, demo_server.next_resident()["code"])
    resident.goto(demo_server.url + DRAFT)
    resident.get_by_label("Over welk stuk tekst?").fill(
        "Elke basisschool krijgt een vakleerkracht gym."
    )
    resident.get_by_label("Uw reactie").fill("Ook de speciale school aan de rand van Diemen?")
    resident.get_by_role("button", name="Reactie plaatsen").click()
    expect(resident.get_by_text("Ook de speciale school aan de rand van Diemen?")).to_be_visible()

    resident.get_by_label("Welk stuk tekst wilt u veranderen?").fill("2,1 miljoen euro")
    resident.get_by_label("Nieuwe tekst").fill("2,3 miljoen euro")
    resident.get_by_label("Waarom?").fill("Er komen twee nieuwe beweegpleinen bij.")
    resident.get_by_role("button", name="Bekijk de wijziging").click()
    expect(resident.locator("[data-amendment-diff] ins")).to_contain_text("2,3")
    resident.get_by_role("button", name="Amendement versturen").click()
    expect(resident.get_by_text("Uw amendement is ingediend.")).to_be_visible()
    assert_accessible(resident)

    editor = new_page(browser)
    login_staff(editor, demo_server, "ambtenaar")
    editor.goto(demo_server.url + DRAFT)
    card = editor.locator("article", has_text="Er komen twee nieuwe beweegpleinen bij.")
    assert_accessible(editor)
    card.get_by_role("button", name="Overnemen").click()
    expect(editor.get_by_text("Het amendement is overgenomen in de werktekst.")).to_be_visible()
    assert_accessible(editor)
    editor.goto(demo_server.url + DRAFT + "versies/")
    assert_accessible(editor)
    editor.get_by_role("button", name="Publiceren als nieuwe versie").click()
    assert_accessible(editor)
    editor.get_by_role("link", name="Wat is er veranderd?").first.click()
    expect(editor.locator("ins", has_text="2,3")).to_be_visible()
    expect(editor.locator("del", has_text="2,1")).to_be_visible()
    assert_accessible(editor)
    # Everyone reads the accepted change in the new version, on a phone too.
    editor.set_viewport_size({"width": 360, "height": 740})
    assert_fits_phone(editor)
    resident.goto(demo_server.url + DRAFT)
    expect(resident.locator(".ss-document")).to_contain_text("2,3 miljoen euro")
    resident.context.close()
    editor.context.close()


JEUGD = "/nota/jeugdnota-2026/"
PUT_TO_VOTE = (
    "from django.utils import timezone; "
    "from deliberation.drafts import services; from deliberation.drafts.models import Amendment; "
    "from samenspel.models import User; "
    "services.amendments_put_to_vote(amendments=list(Amendment.objects.filter("
    "draft__slug='jeugdnota-2026', status='open')), "
    "by=User.objects.get(username='ambtenaar2'), now=timezone.now())"
)


def post_comment(page: Page, passage: str, body: str) -> None:
    page.get_by_label("Over welk stuk tekst?").fill(passage)
    page.get_by_label("Uw reactie").fill(body)
    page.get_by_role("button", name="Reactie plaatsen").click()
    expect(page.get_by_text(body)).to_be_visible()


def test_a_reader_sees_new_comments_in_place_and_keeps_a_half_written_reply(
    browser: Browser, demo_server: DemoServer
):
    tag = uuid.uuid4().hex[:6]
    writer = new_page(browser)
    login_code(writer, demo_server, demo_server.next_resident()["code"])
    writer.goto(demo_server.url + DRAFT)
    first = f"Komt er ook een avondopenstelling? ({tag})"
    post_comment(writer, "Elke basisschool krijgt een vakleerkracht gym.", first)

    reader = new_page(browser, width=360)
    login_code(reader, demo_server, demo_server.next_resident()["code"])
    reader.goto(demo_server.url + DRAFT)
    reader.evaluate("window.sameVisit = true")
    thread = reader.locator(".ss-card", has_text=first)
    reply = thread.get_by_label("Antwoord", exact=True)
    reply.fill("Dat zou mooi zijn, ook")
    reader.get_by_role("heading", name="Reacties").click()  # the reader reads on

    # The reader's connection drops for a while: the page's questions fail, then it asks on.
    def drop(route: Route) -> None:
        route.abort("internetdisconnected")

    with reader.expect_event("requestfailed", lambda request: "/stand/" in request.url):
        reader.route("**/stand/**", drop)
    reader.unroute("**/stand/**", drop)

    # The writer answers the first thread, then starts a second (so the answer that brings
    # the second thread brings the reply too).
    mine = writer.locator(".ss-card", has_text=first)
    mine.get_by_label("Antwoord", exact=True).fill(f"Ja, op dinsdag. ({tag})")
    mine.get_by_role("button", name="Antwoorden").click()
    expect(writer.get_by_text(f"Ja, op dinsdag. ({tag})")).to_be_visible()
    second = f"En voor ouderen overdag? ({tag})"
    post_comment(writer, "wandelvoetbal en valpreventie voor ouderen", second)

    # The new thread appears in the reader's page, marked as new and told of in a status
    # region; the thread with the half-written reply stays as the reader left it.
    new = reader.locator(".ss-card", has_text=second)
    expect(new).to_be_visible(timeout=15_000)
    expect(new.locator(".ss-badge")).to_have_text("Nieuw")
    expect(reader.locator(".ss-discussion-news")).to_have_text(
        "De reacties en amendementen zijn bijgewerkt."
    )
    assert reader.evaluate("window.sameVisit") is True, "the page was not reloaded"
    expect(reply).to_have_value("Dat zou mooi zijn, ook")
    expect(thread).not_to_contain_text(f"Ja, op dinsdag. ({tag})")
    # Its passage is marked in the text now, where its link leads.
    anchor = f"passage-{new.get_attribute('id')}"
    expect(reader.locator(f"[data-passage-source] #{anchor}")).to_have_count(1)
    new.get_by_role("link", name="Lees deze passage in de tekst").click()
    assert reader.evaluate("location.hash") == f"#{anchor}"
    assert_accessible(reader)
    assert_fits_phone(reader)

    # The reader finishes the reply with the keyboard; then the thread shows both replies.
    reply.focus()
    reader.keyboard.press("End")
    reader.keyboard.type(" in het weekend.")
    reader.keyboard.press("Tab")
    expect(thread.get_by_role("button", name="Antwoorden")).to_be_focused()
    reader.keyboard.press("Enter")
    expect(thread).to_contain_text(f"Ja, op dinsdag. ({tag})")
    expect(thread).to_contain_text("Dat zou mooi zijn, ook in het weekend.")
    assert reader.evaluate("window.sameVisit") is None

    # A page of an older version (as if a newer one came out since) is offered a reload.
    reader.evaluate(
        "Object.assign(document.querySelector('[data-discussion]').dataset,"
        " {version: '0', stand: 'oud'})"
    )
    news = reader.locator(".ss-discussion-news")
    expect(news).to_contain_text("Er is een nieuwe versie van de tekst.", timeout=15_000)
    assert_accessible(reader)
    news.get_by_role("link", name="Laad de pagina opnieuw").focus()
    reader.keyboard.press("Enter")
    expect(news).to_be_empty()


def test_an_amendment_put_to_a_vote_links_to_the_ballot_and_then_to_the_result(
    browser: Browser, demo_server: DemoServer
):
    demo_server.manage("shell", "-v", "0", "-c", PUT_TO_VOTE)
    resident = new_page(browser, width=360)
    login_code(resident, demo_server, demo_server.next_resident()["code"])
    resident.goto(demo_server.url + JEUGD)
    card = resident.locator("article", has_text="vijf avonden per week, ook op zaterdag")
    expect(card).to_contain_text("In stemming")
    assert_accessible(resident)
    assert_fits_phone(resident)
    card.get_by_role("link", name="Stem over dit amendement").click()
    resident.wait_for_url(re.compile(r"/stemmen/\d+/$"))
    expect(resident.get_by_role("heading", level=1)).to_have_text(
        "Amendementen op Jeugdnota 2026-2030"
    )
    resident.get_by_role("group", name=re.compile("vijf avonden per week")).get_by_label(
        "Voor"
    ).check()
    resident.get_by_role("button", name="Stem uitbrengen").click()
    expect(resident.locator(".ss-messages")).to_contain_text("Uw stem is opgeslagen")
    ballot = resident.url

    # The civil servant who put the amendment to the vote closes it.
    editor = new_page(browser)
    login_staff(editor, demo_server, "ambtenaar2")
    editor.goto(ballot)
    editor.get_by_role("button", name="Stemming sluiten en tellen").click()
    editor.get_by_role("dialog").get_by_role("button", name="Ja, sluiten en tellen").click()
    expect(editor.get_by_role("heading", level=1)).to_contain_text("Uitslag")
    editor.context.close()

    # The resident's open ballot hears that the vote closed and moves on to the result.
    resident.wait_for_url(ballot + "uitslag/")
    expect(resident.get_by_role("table")).to_contain_text("vijf avonden per week")

    resident.goto(demo_server.url + JEUGD)
    expect(card.get_by_role("link", name="Stem over dit amendement")).to_have_count(0)
    card.get_by_role("link", name="Bekijk de uitslag van de stemming").click()
    resident.wait_for_url(ballot + "uitslag/")
    expect(resident.get_by_role("table")).to_contain_text("vijf avonden per week")
    assert_accessible(resident)
    resident.context.close()


COWRITE = "/nota/cultuurnota-2026/schrijven/"
OFFLINE = "/nota/omgevingsvisie-2040/schrijven/"


def open_editor(page: Page, server: DemoServer, path: str) -> Locator:
    """Open the editor page and wait until the live text has arrived; return the text box."""
    page.goto(server.url + path)
    expect(page.locator("[data-editor]")).to_have_attribute("data-editor-status", "synced")
    return page.locator(".cm-content")


def type_at_end(page: Page, content: Locator, words: str) -> None:
    content.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type(words)


@pytest.fixture
def two_editors(browser: Browser, demo_server: DemoServer) -> Iterator[tuple[Page, Page]]:
    """Ellen and Ahmed, two civil servants, each logged in in a browser of their own."""
    ellen = new_page(browser)
    login_staff(ellen, demo_server, "ambtenaar")
    ahmed = new_page(browser)
    login_staff(ahmed, demo_server, "ambtenaar2")
    yield ellen, ahmed
    ellen.context.close()
    ahmed.context.close()


def test_two_editors_see_each_others_text_and_named_cursors(
    browser: Browser, demo_server: DemoServer, two_editors: tuple[Page, Page]
):
    ellen, ahmed = two_editors
    ellen_text = open_editor(ellen, demo_server, COWRITE)
    ahmed_text = open_editor(ahmed, demo_server, COWRITE)
    # The stored nota, not an empty document: the browser edits the text the server keeps.
    expect(ellen_text).to_contain_text("Cultuurnota Diemen 2026-2030")
    expect(ellen_text).to_have_attribute(
        "aria-label", "Werktekst van Cultuurnota 2026-2030 (markdown)"
    )

    type_at_end(ellen, ellen_text, "Ellen schrijft een zin over de bibliotheek.")
    expect(ahmed_text).to_contain_text("Ellen schrijft een zin over de bibliotheek.")
    type_at_end(ahmed, ahmed_text, "Ahmed vult aan over het poppodium.")
    expect(ellen_text).to_contain_text("Ahmed vult aan over het poppodium.")
    expect(ahmed_text).to_contain_text("Ellen schrijft een zin over de bibliotheek.")

    # Each sees where the other is writing, with the other's name.
    expect(ellen.locator(".cm-ySelectionInfo")).to_have_text("Ambtenaar Jeugd Ahmed")
    expect(ahmed.locator(".cm-ySelectionInfo")).to_have_text("Ambtenaar Sport Ellen")
    ellen.locator(".cm-ySelectionCaret").hover()
    # The name shows at once, fully: not fading in through unreadable contrast.
    shown = ellen.locator(".cm-ySelectionInfo").evaluate("e => getComputedStyle(e).opacity")
    assert shown == "1"
    assert_accessible(ellen)

    # Keyboard: Tab leaves the editor like any text field.
    ahmed_text.focus()
    ahmed.keyboard.press("Tab")
    assert not ahmed.evaluate("document.activeElement.classList.contains('cm-content')")

    # The text is stored: someone who opens the page later reads both sentences.
    later = new_page(browser)
    login_staff(later, demo_server, "ambtenaar")
    later_text = open_editor(later, demo_server, COWRITE)
    expect(later_text).to_contain_text("Ellen schrijft een zin over de bibliotheek.")
    expect(later_text).to_contain_text("Ahmed vult aan over het poppodium.")
    later.context.close()


def test_edits_made_offline_merge_when_the_connection_is_back(
    demo_server: DemoServer, two_editors: tuple[Page, Page]
):
    ellen, ahmed = two_editors
    ellen_text = open_editor(ellen, demo_server, OFFLINE)
    ahmed_text = open_editor(ahmed, demo_server, OFFLINE)

    ellen.context.set_offline(True)
    expect(ellen.locator("[data-editor]")).to_have_attribute("data-editor-status", "offline")
    expect(ellen.get_by_role("status")).to_contain_text("Geen verbinding")
    type_at_end(ellen, ellen_text, "Offline geschreven in de trein.")
    type_at_end(ahmed, ahmed_text, "Intussen online aangevuld.")
    expect(ellen_text).not_to_contain_text("Intussen online aangevuld.")
    expect(ahmed_text).not_to_contain_text("Offline geschreven in de trein.")

    ellen.context.set_offline(False)
    for text in (ellen_text, ahmed_text):
        expect(text).to_contain_text("Offline geschreven in de trein.", timeout=20_000)
        expect(text).to_contain_text("Intussen online aangevuld.", timeout=20_000)


def test_reader_follows_along_read_only_and_the_page_fits_a_phone(
    browser: Browser, demo_server: DemoServer
):
    phone = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="nl-NL", is_mobile=True, has_touch=True
    ).new_page()
    login_code(phone, demo_server, demo_server.next_resident()["code"])
    reader_text = open_editor(phone, demo_server, COWRITE)
    expect(reader_text).to_have_attribute("aria-readonly", "true")
    expect(phone.get_by_role("status")).to_have_text("Verbonden. U leest mee.")
    assert_accessible(phone)
    assert_fits_phone(phone)

    writer = new_page(browser)
    login_staff(writer, demo_server, "ambtenaar")
    writer_text = open_editor(writer, demo_server, COWRITE)
    type_at_end(writer, writer_text, "Een zin die de lezer live ziet verschijnen.")
    expect(reader_text).to_contain_text("Een zin die de lezer live ziet verschijnen.")
    phone.context.close()
    writer.context.close()


def test_a_comment_on_text_that_is_not_in_the_version_gets_a_clear_message(
    browser: Browser, demo_server: DemoServer
):
    resident = new_page(browser, width=360)
    login_code(resident, demo_server, demo_server.next_resident()["code"])
    resident.goto(demo_server.url + DRAFT)
    resident.get_by_label("Over welk stuk tekst?").fill("Een zin die nergens in de nota staat.")
    resident.get_by_label("Uw reactie").fill("Mijn reactie blijft staan.")
    resident.get_by_role("button", name="Reactie plaatsen").click()
    expect(
        resident.get_by_text("Dit stuk tekst staat niet (meer) op die plek in de versie.")
    ).to_be_visible()
    # What the resident typed is still there to correct.
    expect(resident.get_by_label("Uw reactie")).to_have_value("Mijn reactie blijft staan.")
    assert_accessible(resident)
    assert_fits_phone(resident)
    resident.context.close()


# A published nota with bold text, a link and a sentence that occurs twice, to select from.
BEWEGEN_TEXT = (
    "# Beweegnota voor de wijk\n\n"
    "De **grote zaal** van [Sportpark Diemen](https://www.diemen.nl/sport) gaat open.\n\n"
    "Daarna volgt de *kleine* zaal.\n\n"
    "De kantine gaat open.\n"
)


def publish_nota(demo_server: DemoServer, title: str, text: str) -> str:
    """The read page of a new sportnota with ``text``, published as version 1."""
    slug = f"nota-{uuid.uuid4().hex[:8]}"
    script = (
        "from django.utils import timezone; from deliberation.drafts import services; "
        "from samenspel.models import User; "
        "editor = User.objects.get(username='ambtenaar'); "
        f"draft = services.draft_create(slug={slug!r}, title={title!r}, "
        f"kind='sportnota', by=editor, now=timezone.now(), text={text!r}); "
        "services.version_publish(draft=draft, by=editor, now=timezone.now())"
    )
    demo_server.manage("shell", "-v", "0", "-c", script)
    return f"{demo_server.url}/nota/{slug}/"


@pytest.fixture
def bewegen(demo_server: DemoServer) -> str:
    """The read page of a fresh copy of that nota, with no comments or amendments yet."""
    return publish_nota(demo_server, "Beweegnota voor de wijk", BEWEGEN_TEXT)


def text_point(page: Page, words: str, *, end: bool = False) -> tuple[float, float]:
    """Where on the screen the first (or last) letter of ``words`` in the version is."""
    point = page.evaluate(
        """([words, end]) => {
          const root = document.querySelector("[data-passage-source]");
          const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.data.indexOf(words);
            if (at < 0) continue;
            const letter = end ? at + words.length - 1 : at;
            const range = document.createRange();
            range.setStart(node, letter);
            range.setEnd(node, letter + 1);
            const box = range.getBoundingClientRect();
            return [end ? box.right - 1 : box.left + 1, box.top + box.height / 2];
          }
          return null;
        }""",
        [words, end],
    )
    assert point, f"{words!r} is not in the version"
    return point[0], point[1]


def select_with_mouse(page: Page, first_words: str, last_words: str) -> None:
    """Drag the mouse from the first letter of ``first_words`` to the last of ``last_words``.
    The first words are scrolled to the middle of the screen first: a drag that ends near
    its edge scrolls the page and selects more. The page's script shows a hint above the
    text when it starts; the points are taken after that, so the text does not move."""
    expect(page.get_by_text("Selecteer woorden in de tekst.")).to_be_visible()
    page.locator("[data-passage-source]").get_by_text(first_words).first.evaluate(
        "element => element.scrollIntoView({block: 'center', behavior: 'instant'})"
    )
    start = text_point(page, first_words)
    end = text_point(page, last_words, end=True)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=8)
    page.mouse.up()


def test_reader_selects_words_across_bold_and_a_link_and_comments_on_them(
    browser: Browser, demo_server: DemoServer, bewegen: str
):
    resident = new_page(browser)
    login_code(resident, demo_server, demo_server.next_resident()["code"])
    resident.goto(bewegen)
    bar = resident.get_by_role("group", name="Geselecteerde tekst")
    expect(bar).to_be_hidden()
    expect(resident.get_by_text("Selecteer woorden in de tekst.")).to_be_visible()

    select_with_mouse(resident, "grote zaal", "Sportpark Diemen")
    expect(bar).to_be_visible()
    assert_accessible(resident)
    bar.get_by_role("button", name="Reageer op deze passage").click()
    expect(resident.get_by_label("Over welk stuk tekst?")).to_have_value(
        "grote zaal van Sportpark Diemen"
    )
    body = resident.get_by_label("Uw reactie")
    expect(body).to_be_focused()
    resident.keyboard.type("Komt er ook een lift naar de grote zaal?")
    resident.get_by_role("button", name="Reactie plaatsen").click()

    expect(resident.get_by_text("Uw reactie is geplaatst.")).to_be_visible()
    card = resident.locator(".ss-card", has_text="Komt er ook een lift naar de grote zaal?")
    expect(card.locator("blockquote")).to_have_text("grote zaal van Sportpark Diemen")
    # The passage is highlighted in the text, and the comment leads to it.
    document = resident.locator("[data-passage-source]")
    expect(document.locator("mark")).to_have_text(["grote zaal", " van ", "Sportpark Diemen"])
    card.get_by_role("link", name="Lees deze passage in de tekst").click()
    expect(resident).to_have_url(re.compile("#passage-reactie-\\d+$"))
    assert_accessible(resident)
    resident.context.close()


def test_reader_on_a_phone_selects_words_across_two_paragraphs_and_proposes_a_change(
    browser: Browser, demo_server: DemoServer, bewegen: str
):
    resident = new_page(browser, width=360)
    login_code(resident, demo_server, demo_server.next_resident()["code"])
    resident.goto(bewegen)
    select_with_mouse(resident, "gaat open.", "kleine")
    bar = resident.get_by_role("group", name="Geselecteerde tekst")
    expect(bar).to_be_visible()
    assert_fits_phone(resident)
    bar.get_by_role("button", name="Stel een wijziging voor").click()
    expect(resident.get_by_label("Welk stuk tekst wilt u veranderen?")).to_have_value(
        "gaat open.\n\nDaarna volgt de kleine"
    )
    new_text = resident.get_by_label("Nieuwe tekst")
    expect(new_text).to_be_focused()
    expect(new_text).to_have_value("gaat open.\n\nDaarna volgt de kleine")
    new_text.fill("opent in 2027. Daarna volgt de nieuwe")
    resident.get_by_label("Waarom?").fill("Dan klopt de planning.")
    resident.get_by_role("button", name="Bekijk de wijziging").click()
    assert_fits_phone(resident)
    resident.get_by_role("button", name="Amendement versturen").click()

    expect(resident.get_by_text("Uw amendement is ingediend.")).to_be_visible()
    card = resident.locator(".ss-card", has_text="Dan klopt de planning.")
    expect(card.locator("del")).to_have_text("gaat open. Daarna volgt de kleine")
    expect(card.locator("ins")).to_have_text("opent in 2027. Daarna volgt de nieuwe")
    document = resident.locator("[data-passage-source]")
    expect(document.locator("mark", has_text="Daarna volgt de")).to_be_visible()
    assert_accessible(resident)
    assert_fits_phone(resident)
    resident.context.close()


def test_an_amendment_on_half_a_link_gets_a_clear_message(
    browser: Browser, demo_server: DemoServer, bewegen: str
):
    resident = new_page(browser)
    login_code(resident, demo_server, demo_server.next_resident()["code"])
    resident.goto(bewegen)
    select_with_mouse(resident, "van", "Sportpark")
    resident.get_by_role("button", name="Stel een wijziging voor").click()
    resident.get_by_label("Nieuwe tekst").fill("zaal bij het zwembad")
    resident.get_by_label("Waarom?").fill("Andere plek.")
    resident.get_by_role("button", name="Bekijk de wijziging").click()
    expect(
        resident.get_by_text("Dit stuk tekst begint of eindigt midden in een link, lijst of tabel.")
    ).to_be_visible()
    expect(resident.get_by_label("Nieuwe tekst")).to_have_value("zaal bij het zwembad")
    resident.context.close()


def test_keyboard_reader_chooses_a_paragraph_and_comments_on_it(
    browser: Browser, demo_server: DemoServer, bewegen: str
):
    resident = new_page(browser)
    login_code(resident, demo_server, demo_server.next_resident()["code"])
    resident.goto(bewegen)
    resident.get_by_label("Over welk stuk tekst?").focus()
    resident.keyboard.press("Tab")
    picker = resident.get_by_label("Of kies een kop of alinea uit de tekst").first
    expect(picker).to_be_focused()
    # Headings and paragraphs of the version, in order; arrow keys only fill the passage.
    for _ in range(4):
        resident.keyboard.press("ArrowDown")
    expect(picker).to_be_focused()
    expect(resident.get_by_label("Over welk stuk tekst?")).to_have_value("De kantine gaat open.")
    resident.keyboard.press("Tab")
    expect(resident.get_by_label("Uw reactie")).to_be_focused()
    resident.keyboard.type("Met een terras?")
    resident.keyboard.press("Tab")
    expect(resident.get_by_role("button", name="Reactie plaatsen")).to_be_focused()
    resident.keyboard.press("Enter")

    card = resident.locator(".ss-card", has_text="Met een terras?")
    expect(card.locator("blockquote")).to_have_text("De kantine gaat open.")
    # Anchored to that paragraph, not to the first "gaat open." in the text.
    expect(
        resident.locator("[data-passage-source] p", has_text="De kantine").locator("mark")
    ).to_have_text("De kantine gaat open.")
    expect(
        resident.locator("[data-passage-source] p", has_text="De grote zaal").locator("mark")
    ).to_have_count(0)

    # With words selected, the buttons are the next stop after the text for the Tab key.
    select_with_mouse(resident, "volgt de", "zaal.")
    resident.locator("[data-passage-source] a").last.focus()
    resident.keyboard.press("Tab")
    expect(resident.get_by_role("button", name="Reageer op deze passage")).to_be_focused()
    resident.keyboard.press("Enter")
    expect(resident.get_by_label("Over welk stuk tekst?")).to_have_value("volgt de kleine zaal.")
    expect(resident.get_by_label("Uw reactie")).to_be_focused()
    assert_accessible(resident)
    resident.context.close()


def test_keyboard_reader_chooses_one_sentence_of_a_paragraph_and_comments_on_it(
    browser: Browser, demo_server: DemoServer
):
    text = "# Zwemnota\n\nHet bad gaat om zeven uur open. Op zondag is het **dicht**. Dat blijft.\n"
    resident = new_page(browser, width=360)
    login_code(resident, demo_server, demo_server.next_resident()["code"])
    resident.goto(publish_nota(demo_server, "Zwemnota", text))
    passage = resident.get_by_label("Over welk stuk tekst?")
    passage.focus()
    resident.keyboard.press("Tab")
    expect(resident.get_by_label("Of kies een kop of alinea uit de tekst").first).to_be_focused()
    resident.keyboard.press("ArrowDown")
    resident.keyboard.press("ArrowDown")
    whole = "Het bad gaat om zeven uur open. Op zondag is het dicht. Dat blijft."
    expect(passage).to_have_value(whole)
    # The paragraph has three sentences: the next stop is a list of them.
    resident.keyboard.press("Tab")
    sentence = resident.get_by_label("Gaat het om één zin? Kies die dan").first
    expect(sentence).to_be_focused()
    resident.keyboard.press("ArrowDown")
    resident.keyboard.press("ArrowDown")
    expect(passage).to_have_value("Op zondag is het dicht.")
    assert_accessible(resident)
    assert_fits_phone(resident)
    resident.keyboard.press("Tab")
    expect(resident.get_by_label("Uw reactie")).to_be_focused()
    resident.keyboard.type("Ook in de zomer?")
    resident.keyboard.press("Tab")
    resident.keyboard.press("Enter")

    card = resident.locator(".ss-card", has_text="Ook in de zomer?")
    expect(card.locator("blockquote")).to_have_text("Op zondag is het dicht.")
    expect(resident.locator("[data-passage-source] mark")).to_have_text(
        ["Op zondag is het ", "dicht", "."]
    )
    resident.context.close()


# A published nota with three open amendments by a resident, to put to a vote from its page.
SPEEL_TEXT = (
    "# Speelnota voor de wijk\n\n"
    "Het jongerenwerk is open op doordeweekse avonden.\n\n"
    "Elke school krijgt een coach.\n\n"
    "De speeltuin krijgt een hek.\n"
)
SPEEL_AMENDMENTS = [
    (
        "doordeweekse avonden",
        "alle avonden, ook in het weekend",
        "Jongeren hebben in het weekend tijd.",
    ),
    ("Elke school krijgt een coach.", "", "Daar is geen geld voor."),
    ("een hek", "een lage heg", "Een heg is groener."),
]
PUBLISH_SPEEL = (
    "from django.utils import timezone; from deliberation.drafts import services; "
    "from samenspel.models import RoleGrant, User; "
    "editor = User.objects.get(username='ambtenaar'); "
    "resident = RoleGrant.objects.filter(role='resident').first().user; "
    "draft = services.draft_create(slug='{slug}', title='Speelnota voor de wijk', "
    f"kind='jeugdnota', by=editor, now=timezone.now(), text={SPEEL_TEXT!r}); "
    "version = services.version_publish(draft=draft, by=editor, now=timezone.now()); "
    "[services.amendment_propose(version=version, by=resident, passage=old, "
    "start=version.text.index(old), replacement=new, rationale=why, now=timezone.now()) "
    f"for old, new, why in {SPEEL_AMENDMENTS!r}]"
)


def test_editor_puts_two_amendments_to_a_vote_with_the_keyboard_and_lands_on_the_poll(
    browser: Browser, demo_server: DemoServer
):
    slug = f"speelnota-{uuid.uuid4().hex[:8]}"
    demo_server.manage("shell", "-v", "0", "-c", PUBLISH_SPEEL.replace("{slug}", slug))
    draft_url = f"{demo_server.url}/nota/{slug}/"
    # A resident reads the amendments but is not offered the vote.
    resident = new_page(browser, width=360)
    login_code(resident, demo_server, demo_server.next_resident()["code"])
    resident.goto(draft_url)
    expect(resident.locator("article", has_text="Een heg is groener.")).to_be_visible()
    expect(resident.get_by_role("button", name="Leg voor aan een stemming")).to_have_count(0)
    resident.context.close()

    editor = new_page(browser)
    login_staff(editor, demo_server, "ambtenaar")
    editor.goto(draft_url)
    choices = editor.get_by_role("group", name="Welke amendementen legt u voor?")
    evenings = choices.get_by_label(
        "„doordeweekse avonden” wordt „alle avonden, ook in het weekend”"
    )
    coach = choices.get_by_label("„Elke school krijgt een coach.” schrappen")
    hedge = choices.get_by_label("„een hek” wordt „een lage heg”")
    button = editor.get_by_role("button", name="Leg voor aan een stemming")
    expect(button).to_be_visible()
    assert_accessible(editor)

    # Nothing chosen: a clear message, and the form to choose again.
    button.click()
    expect(editor.locator(".ss-messages")).to_contain_text("Kies minstens één amendement.")
    expect(editor.locator(".ss-messages")).to_contain_text(
        "Kies wie over de amendementen mogen stemmen."
    )
    expect(hedge).not_to_be_checked()
    assert_accessible(editor)

    # Keyboard only: Space ticks a box, Tab moves on, an arrow key picks who votes, Enter on
    # the button sends the form.
    evenings.focus()
    editor.keyboard.press("Space")
    editor.keyboard.press("Tab")
    expect(coach).to_be_focused()
    editor.keyboard.press("Space")
    editor.keyboard.press("Tab")
    expect(hedge).to_be_focused()
    editor.keyboard.press("Tab")
    who = editor.get_by_role("group", name="Wie mogen stemmen?")
    expect(who.get_by_label(re.compile("De uitgenodigde meeschrijvers"))).to_be_focused()
    editor.keyboard.press("ArrowDown")
    residents = who.get_by_label(re.compile("Alle inwoners"))
    expect(residents).to_be_focused()
    expect(residents).to_be_checked()
    editor.keyboard.press("Tab")
    expect(who.get_by_role("combobox", name=re.compile("Welke wijk"))).to_be_focused()
    editor.keyboard.press("Tab")
    expect(button).to_be_focused()
    expect(evenings).to_be_checked()
    expect(coach).to_be_checked()
    expect(hedge).not_to_be_checked()
    editor.keyboard.press("Enter")

    editor.wait_for_url(re.compile(r"/stemmen/\d+/$"))
    ballot = editor.url
    expect(editor.locator(".ss-messages")).to_contain_text(
        "De stemming over 2 amendementen is geopend."
    )
    expect(editor.get_by_role("heading", level=1)).to_have_text(
        "Amendementen op Speelnota voor de wijk"
    )
    # The residents vote, the civil servant does not: the page says who votes, and offers
    # to close the vote.
    expect(editor.get_by_text("Stemmen mogen: de inwoners van de gemeente.")).to_be_visible()
    expect(editor.get_by_role("button", name="Stem uitbrengen")).to_have_count(0)
    expect(editor.get_by_role("button", name="Stemming sluiten en tellen")).to_be_visible()

    # Back on the nota both amendments are in the vote and lead to it; the third is still open.
    editor.goto(draft_url)
    for why in ("Jongeren hebben in het weekend tijd.", "Daar is geen geld voor."):
        card = editor.locator("article", has_text=why)
        expect(card).to_contain_text("In stemming")
        link = card.get_by_role("link", name="Stem over dit amendement")
        expect(link).to_have_attribute("href", ballot.removeprefix(demo_server.url))
    expect(editor.locator("article", has_text="Een heg is groener.")).not_to_contain_text(
        "In stemming"
    )
    expect(choices.get_by_role("checkbox")).to_have_count(1)
    expect(hedge).to_be_visible()
    assert_accessible(editor)
    editor.set_viewport_size({"width": 360, "height": 740})
    assert_fits_phone(editor)
    assert_accessible(editor)
    editor.context.close()
