from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from samenspel import services
from samenspel.models import InvitationCode
from tests.factories import PASSWORD, UserFactory, code_for

pytestmark = pytest.mark.django_db


def test_code_from_letter_logs_resident_in_once(client):
    resident = UserFactory(roles=["resident"])
    code = code_for(resident)
    response = client.post(reverse("code_login"), {"code": code.lower().replace("-", " ")})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == resident

    client.logout()
    again = client.post(reverse("code_login"), {"code": code})
    assert again.status_code == 400
    assert "al gebruikt" in again.content.decode()


def test_wrong_code_shows_clear_message_and_nothing_changes(client):
    resident = UserFactory()
    code = code_for(resident)
    wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
    response = client.post(reverse("code_login"), {"code": wrong})
    assert response.status_code == 400
    assert "Deze code klopt niet" in response.content.decode()
    assert InvitationCode.objects.get(user=resident).used_at is None


@pytest.mark.parametrize("raw", ["", "   ", "abc", "X" * 40, "<script>alert(1)</script>"])
def test_malformed_code_gets_a_message_not_an_error(client, raw):
    response = client.post(reverse("code_login"), {"code": raw})
    assert response.status_code == 400
    assert "utrecht-form-field-error-message" in response.content.decode()


def test_guessing_slows_the_code_but_the_right_one_still_gets_in(client, settings):
    settings.LOGIN_CODE_DELAY_SECONDS = 0.01
    resident = UserFactory()
    code = code_for(resident)
    lookup = code[:4]
    for _ in range(6):
        client.post(reverse("code_login"), {"code": lookup + "-AAAA-AAAA"})
    response = client.post(reverse("code_login"), {"code": code})
    assert response.status_code == 302
    assert InvitationCode.objects.get(user=resident).used_at is not None


def test_expired_code_is_refused(client):
    resident = UserFactory()
    code = code_for(resident)
    InvitationCode.objects.filter(user=resident).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    response = client.post(reverse("code_login"), {"code": code})
    assert "verlopen" in response.content.decode()


def test_new_codes_replace_unused_old_ones(client):
    resident = UserFactory()
    old = code_for(resident)
    new = code_for(resident)
    assert client.post(reverse("code_login"), {"code": old}).status_code == 400
    assert client.post(reverse("code_login"), {"code": new}).status_code == 302


def test_magic_link_is_mailed_and_works_once(client):
    resident = UserFactory(email="anouk@example.org")
    response = client.post(reverse("magic_link_request"), {"email": "Anouk@example.org"})
    assert response.status_code == 200
    assert len(mail.outbox) == 1
    link = next(word for word in mail.outbox[0].body.split() if "/inloggen/link/" in word)
    path = link.split("testserver", 1)[1]

    confirm_page = client.get(path)  # a mail scanner opening the link uses nothing up
    assert confirm_page.status_code == 200 and not confirm_page.context["user"].is_authenticated
    assert client.post(path).status_code == 302
    assert client.get(reverse("home")).context["user"] == resident

    client.logout()
    reused = client.post(path)
    assert reused.status_code == 400
    assert "al gebruikt" in reused.content.decode()


def test_unknown_address_gets_the_same_answer_and_no_mail(client):
    response = client.post(reverse("magic_link_request"), {"email": "niemand@example.org"})
    assert response.status_code == 200
    assert "Kijk in uw e-mail" in response.content.decode()
    assert mail.outbox == []


def test_expired_magic_link_is_refused(client, settings):
    user = UserFactory()
    token = services.magic_link_token(user=user)
    settings.MAGIC_LINK_MAX_AGE_SECONDS = -1
    response = client.post(reverse("magic_link_confirm", args=[token]))
    assert response.status_code == 400
    assert "verlopen" in response.content.decode()


def test_tampered_magic_link_is_refused(client):
    token = services.magic_link_token(user=UserFactory())
    response = client.post(reverse("magic_link_confirm", args=[token[:-2] + "xx"]))
    assert response.status_code == 400
    assert "klopt niet" in response.content.decode()


def test_staff_log_in_with_password_and_are_locked_per_account(client):
    staff = UserFactory(username="ellen", is_staff=True)
    url = reverse("staff_login")
    for _ in range(5):
        assert client.post(url, {"username": "ellen", "password": "fout"}).status_code == 400
    locked = client.post(url, {"username": "ellen", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Te vaak geprobeerd" in locked.content.decode()

    other = UserFactory(username="ahmed")
    assert client.post(url, {"username": "ahmed", "password": PASSWORD}).status_code == 302
    assert client.get(reverse("home")).context["user"] == other
    assert staff.pk != other.pk


def test_logout_needs_post(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert not client.get(reverse("home")).context["user"].is_authenticated


def test_unknown_page_is_a_dutch_message_page(client, settings):
    settings.DEBUG = False
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


def test_english_is_available(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("login"))
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "With the code from your letter" in page
    wrong = client.post(reverse("code_login"), {"code": "AAAA-BBBB-CCCC"})
    assert "This code is not right" in wrong.content.decode()
