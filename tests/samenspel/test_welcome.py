"""The welcome after logging in reads as one sentence, also when a name ends in an initial."""

import pytest
from django.urls import reverse

from samenspel import services
from tests.factories import UserFactory, code_for

pytestmark = pytest.mark.django_db


def test_a_name_ending_in_an_initial_gets_one_full_stop_after_a_code(client):
    resident = UserFactory(roles=["resident"], display_name="Kees M.")
    client.post(reverse("code_login"), {"code": code_for(resident)})
    page = client.get(reverse("home")).content.decode()
    assert "Welkom, Kees M. U bent ingelogd." in page
    assert "M.." not in page


def test_a_name_ending_in_an_initial_gets_one_full_stop_in_english_after_a_link(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    resident = UserFactory(roles=["resident"], display_name="Kees M.")
    token = services.magic_link_token(user=resident)
    client.post(reverse("magic_link_confirm", args=[token]))
    page = client.get(reverse("home")).content.decode()
    assert "Welcome, Kees M. You are logged in." in page
    assert "M.." not in page


def test_a_plain_name_keeps_its_full_stop(client):
    resident = UserFactory(roles=["resident"], display_name="Anouk")
    client.post(reverse("code_login"), {"code": code_for(resident)})
    assert "Welkom, Anouk. U bent ingelogd." in client.get(reverse("home")).content.decode()
