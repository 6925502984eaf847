"""The core pages in a real browser: axe-clean, keyboard-usable, readable at 360 px."""

import pytest
from playwright.sync_api import FloatRect, Page, expect

from tests.e2e.conftest import (
    DemoServer,
    assert_accessible,
    assert_fits_phone,
    login_code,
    login_staff,
)

CORE_PAGES = [
    "/",
    "/inloggen/",
    "/inloggen/code/",
    "/inloggen/link/",
    "/inloggen/medewerker/",
    "/toegankelijkheid/",
    "/bestaat-niet/",
]


@pytest.mark.parametrize("path", CORE_PAGES)
def test_core_page_has_no_axe_violations_on_a_phone(
    phone: Page, demo_server: DemoServer, path: str
):
    phone.goto(demo_server.url + path)
    assert_accessible(phone)
    assert_fits_phone(phone)


def test_resident_logs_in_with_the_letter_code_using_only_the_keyboard(
    page: Page, demo_server: DemoServer
):
    resident = demo_server.next_resident()
    page.goto(demo_server.url + "/inloggen/code/")
    page.keyboard.press("Tab")
    expect(page.locator(".utrecht-skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    page.get_by_label("Uw code").focus()
    page.keyboard.type(resident["code"])
    page.keyboard.press("Enter")
    page.wait_for_url(demo_server.url + "/")
    expect(page.get_by_role("status")).to_contain_text("U bent ingelogd")
    assert_accessible(page)


HEADER_TARGETS = ".utrecht-skip-link, .ss-header a, .ss-header button"


def target_boxes(page: Page) -> dict[str, FloatRect]:
    """The boxes of the skip link and every link and button in the header that are on screen."""
    boxes = {}
    for index, target in enumerate(page.locator(HEADER_TARGETS).all()):
        box = target.bounding_box()
        if box and box["x"] + box["width"] > 0 and box["y"] + box["height"] > 0:
            boxes[f"{index}: {target.inner_text()}"] = box
    return boxes


def overlaps(a: FloatRect, b: FloatRect) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def assert_targets_big_and_apart(page: Page) -> None:
    """WCAG 2.5.8: every target is at least 24 x 24 CSS px, and none covers another."""
    boxes = target_boxes(page)
    for name, box in boxes.items():
        assert box["width"] >= 24 and box["height"] >= 24, f"{name} is {box}"
    names = list(boxes)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            assert not overlaps(boxes[first], boxes[second]), f"{first} covers {second}"


@pytest.mark.parametrize("screen", ["phone", "page"])
def test_skip_link_and_logo_are_big_enough_and_do_not_overlap(
    request: pytest.FixtureRequest, demo_server: DemoServer, screen: str
):
    page: Page = request.getfixturevalue(screen)
    login_code(page, demo_server, demo_server.next_resident()["code"])
    skip_link = page.locator(".utrecht-skip-link")
    logo = page.locator(".ss-logo")
    assert_targets_big_and_apart(page)
    assert "Naar de inhoud" not in "".join(target_boxes(page))  # out of sight

    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    assert_targets_big_and_apart(page)
    assert "Naar de inhoud" in "".join(target_boxes(page))
    assert_accessible(page)

    page.keyboard.press("Tab")
    expect(logo).to_be_focused()
    assert_targets_big_and_apart(page)
    assert_accessible(page)


def test_wrong_code_shows_a_message_next_to_the_field(page: Page, demo_server: DemoServer):
    page.goto(demo_server.url + "/inloggen/code/")
    page.get_by_label("Uw code").fill("AAAA-BBBB-CCCC")
    page.get_by_role("button", name="Inloggen met code").click()
    expect(page.locator(".utrecht-form-field-error-message")).to_contain_text(
        "Deze code klopt niet"
    )
    assert_accessible(page)


def test_staff_login_and_admin_work_with_demo_logins(page: Page, demo_server: DemoServer):
    login_staff(page, demo_server, "beheer")
    page.goto(demo_server.url + "/beheer/")
    expect(page.locator("#site-name")).to_contain_text("Samenspel beheer")
    page.goto(demo_server.url + "/beheer/samenspel/user/")
    expect(page.locator("#result_list")).to_contain_text("inwoner")


def test_language_switch_shows_english(page: Page, demo_server: DemoServer):
    page.goto(demo_server.url + "/inloggen/")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(page)
    page.get_by_role("button", name="Nederlands").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")


def test_code_login_works_after_a_resident_used_one(page: Page, demo_server: DemoServer):
    login_code(page, demo_server, demo_server.next_resident()["code"])
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()


MAGIC_LINK_FOR = (
    "from samenspel.models import User; from samenspel import services; "
    "u = User.objects.get(username='raadslid'); u.email = 'raadslid@example.org'; u.save(); "
    "print(services.magic_link_token(user=u))"
)


def test_magic_link_logs_in_once_and_then_explains_itself(page: Page, demo_server: DemoServer):
    token = demo_server.manage("shell", "-v", "0", "-c", MAGIC_LINK_FOR).strip().splitlines()[-1]
    link = demo_server.url + f"/inloggen/link/{token}/"
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen met uw link")
    assert_accessible(page)
    page.get_by_role("button", name="Nu inloggen").click()
    expect(page.locator("main")).to_contain_text("U bent ingelogd")
    page.wait_for_url(demo_server.url + "/")
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    page.get_by_role("button", name="Uitloggen").click()
    page.goto(link)
    page.get_by_role("button", name="Nu inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen lukt niet")
    expect(page.get_by_role("link", name="Nieuwe link aanvragen")).to_be_visible()
    assert_accessible(page)


def test_magic_link_request_page_answers_the_same_for_unknown_addresses(
    page: Page, demo_server: DemoServer
):
    page.goto(demo_server.url + "/inloggen/link/")
    page.get_by_label("E-mailadres").fill("niemand@example.org")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("niemand@example.org")
    assert_accessible(page)


@pytest.mark.parametrize(
    "path",
    ["/beheer/", "/beheer/samenspel/user/", "/beheer/samenspel/user/add/", "/beheer/samenspel/neighbourhood/"],
)
def test_admin_pages_staff_use_have_no_axe_violations(
    page: Page, demo_server: DemoServer, path: str
):
    login_staff(page, demo_server, "beheer")
    page.goto(demo_server.url + path)
    expect(page.locator("#site-name")).to_contain_text("Samenspel beheer")
    assert_accessible(page)
