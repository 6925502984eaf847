"""A council member's home page in a real browser: axe-clean and readable at 360 px."""

from playwright.sync_api import Page, expect

from tests.e2e.conftest import DemoServer, assert_accessible, assert_fits_phone, login_staff


def test_council_members_home_page_is_accessible_on_a_phone(phone: Page, demo_server: DemoServer):
    login_staff(phone, demo_server, "raadslid")
    block = phone.get_by_role("region", name="Voor raadsleden: wat u kunt lezen")
    expect(block).to_be_visible()
    expect(block.get_by_role("link").first).to_be_visible()
    assert_accessible(phone)
    assert_fits_phone(phone)
