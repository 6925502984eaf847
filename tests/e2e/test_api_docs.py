"""The API's documentation and root in a real browser, under the site's Content-Security-Policy."""

from playwright.sync_api import Page, Request, Route, expect

from tests.e2e.conftest import CSP_VIOLATIONS, DemoServer, assert_accessible, flush_console_events


def test_api_docs_render_with_nothing_loaded_from_another_host(page: Page, demo_server: DemoServer):
    elsewhere: list[str] = []

    def only_this_server(route: Route, request: Request) -> None:
        if request.url.startswith(demo_server.url + "/"):
            route.continue_()
        else:  # as on a venue network without internet
            elsewhere.append(request.url)
            route.abort()

    page.route("**/*", only_this_server)
    page.goto(demo_server.url + "/api/docs/")
    assert elsewhere == []  # the page has loaded (scripts, styles, fonts) from this server only
    expect(page.get_by_role("heading", name="Samenspel API")).to_be_visible()
    polls = page.locator(".opblock-summary", has_text="/api/v1/polls/").first
    expect(polls).to_be_visible()
    # A reader tries an endpoint from the page: the answer shows the demo's polls.
    polls.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".responses-wrapper .live-responses-table")).to_contain_text(
        "Burgertop 2025"
    )
    assert page.evaluate("ui.getConfigs().validatorUrl") is None
    assert elsewhere == []


def test_api_root_lists_the_endpoints_and_leads_to_them(page: Page, demo_server: DemoServer):
    page.goto(demo_server.url + "/api/v1/")
    expect(page.locator(".response-info")).to_contain_text('"polls"')
    page.get_by_role("link", name=demo_server.url + "/api/v1/polls/", exact=True).click()
    page.wait_for_url(demo_server.url + "/api/v1/polls/")
    expect(page.locator(".response-info")).to_contain_text("Burgertop 2025")


def test_a_policy_violation_on_a_page_fails_the_browser_test(page: Page, demo_server: DemoServer):
    page.goto(demo_server.url + "/")
    page.evaluate(
        """() => {
          const style = document.createElement("style");
          style.textContent = "body { outline: 1px solid red }";
          document.head.append(style);
        }"""
    )
    expect(page.locator("body")).not_to_have_css("outline-style", "solid")  # blocked
    flush_console_events()
    recorded = list(CSP_VIOLATIONS)
    CSP_VIOLATIONS.clear()  # seen: this test's own violation must not fail it
    assert any("style-src" in violation for violation in recorded), recorded
    assert_accessible(page)
