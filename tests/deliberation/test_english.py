"""The summit screens, their script texts and refusals speak English when the visitor asks."""

import json
import re
from pathlib import Path

import polib
import pytest
from django.utils import timezone, translation
from django.utils.translation import trans_real

from deliberation import services
from samenspel import i18n
from tests.deliberation.factories import make_summit

pytestmark = pytest.mark.django_db

BASE = "/burgertop/burgertop-test/"
CATALOGUE = Path(i18n.ROOT) / "deliberation" / "locale" / "en" / "LC_MESSAGES" / "django.po"


@pytest.fixture(autouse=True, scope="module")
def compiled_catalogues():
    """Translations as `make messages` builds them (the .mo files are not in git)."""
    i18n.compile_all()
    trans_real._translations = {}
    trans_real._default = None


def test_every_string_of_the_catalogue_has_english():
    catalogue = polib.pofile(str(CATALOGUE))
    assert len(catalogue) > 150
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert catalogue.fuzzy_entries() == []


def test_participant_page_in_english(client):
    setup = make_summit()
    client.force_login(setup.residents[0])
    page = client.get(BASE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in page
    assert "You sit at table 1." in page and "New idea" in page and "Add idea" in page
    assert "U zit aan tafel" not in page and "Nieuw idee" not in page
    texts = json.loads(
        re.search(r'<script id="summit-texts" type="application/json">(.*?)</script>', page)[1]
    )
    assert texts["withdrawAsk"] == "Withdraw this idea? It will disappear from every screen."
    assert texts["seatedAt"] == "You sit at table %(number)s."


def test_participant_page_stays_dutch_by_default(client):
    setup = make_summit()
    client.force_login(setup.residents[0])
    page = client.get(BASE).content.decode()
    assert "U zit aan tafel 1." in page and "You sit at table" not in page


def test_refusals_are_english_for_an_english_visitor():
    setup = make_summit()
    with translation.override("en"), pytest.raises(services.CommandRefused) as refused:
        services.idea_create(summit=setup.summit, by=setup.hosts[0], text="x", now=timezone.now())
    assert refused.value.message == "This is not possible now: this step is not open."


def test_online_join_page_in_english(client):
    setup = make_summit(seated=False)
    client.force_login(setup.residents[0])
    page = client.get(BASE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Please check in at the desk in the hall first." in page
    assert "Take part online" in page
