"""The workspace pages the other browser tests do not reach, as an administrator opens them:
a running summit's workspace, the edit and voters pages of a poll that has not opened, and
an open poll's page and its edit page. axe finds nothing at 360 and at 1280 px, and nothing
scrolls sideways at 360 px."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import (
    DemoServer,
    assert_accessible,
    assert_fits_phone,
    login_staff,
    new_page,
)

SLUG = "burgertop-diemen-2026"
NOTA = "cultuurnota-2026"

# The demo summit's first step, and a draft poll for a list of names (so it has a voters page).
IDS = """
from deliberation.models import Step
from samenspel.models import User
from voting import services
from voting.models import Poll
from voting.services import OptionSpec
step = Step.objects.filter(summit__slug=%(slug)r).order_by("position").first()
poll = services.poll_setup_create(
    by=User.objects.get(username="beheer"),
    title="Waar komt het nieuwe bankje?",
    method="approval",
    options=[OptionSpec("Bij de speeltuin"), OptionSpec("Aan het water")],
    electorate=Poll.Electorate.LIST,
)
opened = Poll.objects.filter(status=Poll.Status.OPEN).order_by("pk").first()
print(step.pk, poll.pk, opened.pk)
"""


def test_the_workspace_pages_no_other_test_opens_pass_axe_on_a_phone_and_a_laptop(
    browser: Browser, demo_server: DemoServer
) -> None:
    found = demo_server.manage("shell", "-c", IDS % {"slug": SLUG})
    step, poll, opened = found.strip().splitlines()[-1].split()
    summit = f"/werkruimte/burgertop/{SLUG}/"
    # The pages of a summit in preparation, of notas, the poll list and form, the workspace
    # and the queue are checked at both widths by the tests that build them
    # (test_workspace_summit, test_workspace_people, test_workspace_nota,
    # test_workspace_polls, test_moderation); these are the ones they do not reach.
    pages = [
        summit,
        summit + "agenda/",
        summit + f"agenda/{step}/",
        summit + "tafels/",
        summit + "rollen/",
        summit + "deelnemers/",
        f"/werkruimte/peiling/{poll}/bewerken/",
        f"/werkruimte/peiling/{poll}/kiezers/",
        f"/werkruimte/peiling/{opened}/",
        f"/werkruimte/peiling/{opened}/bewerken/",
    ]
    page = new_page(browser)
    login_staff(page, demo_server, "beheer")
    for path in pages:
        answer = page.goto(demo_server.url + path)
        assert answer is not None and answer.status == 200, path
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        page.set_viewport_size({"width": 1280, "height": 900})
        assert_accessible(page)
        page.set_viewport_size({"width": 360, "height": 740})
        assert_accessible(page)
        assert_fits_phone(page)
    page.context.close()
