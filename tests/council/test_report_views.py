"""The participation report's pages: the griffie makes it with one click for a finished
summit (refused, with the reason, for one that is not finished); the reading room and the
summit's public council page then link it and its files; only the griffie, administrators
and the summit's facilitator may make it."""

import io
import json
import zipfile

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import trans_real

from council import services
from council.models import Report
from council.report import formats
from deliberation import services as summit_services
from samenspel import i18n
from samenspel.models import Role
from tests.council.factories import griffie_user
from tests.deliberation.factories import make_summit
from tests.deliberation.test_outcome import SLUG, voted
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
MAKE = "/werkruimte/raad/verslagen/"
PAGE = f"/raad/burgertop/{SLUG}/verslag/"


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    i18n.compile_all()
    trans_real._translations = {}
    trans_real._default = None


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def closed():
    setup = voted()
    summit_services.summit_close(summit=setup.summit, by=setup.facilitator, now=timezone.now())
    return setup


def test_the_griffie_makes_the_report_and_the_council_and_everyone_find_it():
    closed()
    griffie = logged_in(griffie_user())
    assert Client().get(PAGE).status_code == 404, "no report before it is made"
    page = griffie.get(MAKE).content.decode()
    assert "Participatieverslag maken" in page
    made = griffie.post(MAKE, {"summit": SLUG}, follow=True)
    assert "Het participatieverslag van Burgertop test is gemaakt" in made.content.decode()
    assert Report.objects.count() == 1
    member = logged_in(UserFactory(roles=[Role.COUNCIL_MEMBER]))
    room = member.get("/raad/").content.decode()
    assert f'href="{PAGE}"' in room and f"{PAGE}participatieverslag.zip" in room
    public = Client().get(f"/raad/burgertop/{SLUG}/").content.decode()
    assert f'href="{PAGE}"' in public
    report = Client().get(PAGE).content.decode()
    assert "Participatieverslag Burgertop test" in report and "Meer bomen" in report
    assert "Bomen in de Ouddiemerlaan" in report and "<meter" in report
    archive = Client().get(PAGE + formats.ARCHIVE)
    assert archive["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.content)) as opened:
        names = opened.namelist()
    for name in names:
        assert f"{PAGE}{name}" in report, name
        assert Client().get(PAGE + name).status_code == 200, name
    assert Client().get(PAGE + "../../../etc/passwd").status_code == 404


def test_a_report_kept_before_notas_had_reports_still_shows():
    """A summit's report stored in format 1 (no kind, no sentence about it, no amendments)
    is read as a summit's."""
    setup = closed()
    made = services.report_publish(summit=setup.summit, by=griffie_user(), now=timezone.now())
    with zipfile.ZipFile(io.BytesIO(bytes(made.archive))) as opened:
        files = {name: opened.read(name) for name in opened.namelist()}
    data = json.loads(files[formats.JSON])
    for key in ("kind", "about", "amendments", "versions", "final_text", "voices_intro"):
        del data[key]
    data["format_version"] = "1"
    files[formats.JSON] = json.dumps(data).encode()
    Report.objects.filter(pk=made.pk).update(archive=formats.zip_bytes(files))
    page = Client().get(PAGE)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Burgertop op" in text and "Meer bomen" in text
    assert "Ideeën in de woorden van de deelnemers" in text


def test_making_it_again_shows_the_newest_with_the_answers_given_since():
    setup = closed()
    griffie = griffie_user()
    services.report_publish(summit=setup.summit, by=griffie, now=timezone.now())
    assert "De raad heeft nog niet geantwoord." in Client().get(PAGE).content.decode()
    proposal = setup.summit.proposals.get(number=1)
    services.answer_record(
        proposal=proposal,
        by=griffie,
        given=services.AnswerInput(status_key="adopted", reasons="Overgenomen door de raad."),
    )
    logged_in(griffie).post(MAKE, {"summit": SLUG})
    assert Report.objects.count() == 2
    page = Client().get(PAGE).content.decode()
    assert "aangenomen" in page and "Overgenomen door de raad." in page


def test_a_summit_that_is_not_finished_is_refused_with_the_reason_in_dutch_or_english():
    make_summit("burgertop-open")
    griffie = logged_in(griffie_user())
    refused = griffie.post(MAKE, {"summit": "burgertop-open"})
    assert refused.status_code == 400
    assert "Deze burgertop is nog niet afgelopen." in refused.content.decode()
    english = griffie.post(MAKE, {"summit": "burgertop-open"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "This summit has not finished yet." in english.content.decode()
    assert not Report.objects.exists()
    assert Client().get("/raad/burgertop/burgertop-open/verslag/").status_code == 404


def test_only_the_griffie_administrators_and_the_summits_facilitator_make_it():
    setup = closed()
    member = logged_in(UserFactory(roles=[Role.COUNCIL_MEMBER]))
    assert member.post(MAKE, {"summit": SLUG}).status_code == 403
    with pytest.raises(services.ReportForbidden), translation.override("nl"):
        services.report_publish(summit=setup.summit, by=setup.residents[0], now=timezone.now())
    assert not Report.objects.exists()
    services.report_publish(summit=setup.summit, by=setup.facilitator, now=timezone.now())
    assert Report.objects.count() == 1
