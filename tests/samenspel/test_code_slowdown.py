"""Guessing at a letter code slows the guesser down and never locks the holder out.

Anyone may know the printed first group of someone's code; the eight characters after it
cannot be guessed when each try waits longer than the one before. The guesses here are
real requests through the login page, each from its own thread and database connection.
"""

import threading

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from samenspel.models import InvitationCode
from tests.factories import UserFactory, code_for

pytestmark = pytest.mark.django_db(transaction=True)

GUESSES_AT_MOST = 200  # each guessing thread stops after this many, or when told to
GUESSER_ADDRESS = "198.51.100.7"


def wrong_guess(lookup: str, n: int) -> str:
    digits = f"{n:08d}".translate(str.maketrans("01", "AB"))
    return f"{lookup}-{digits[:4]}-{digits[4:]}"


def keep_guessing(lookup: str, offset: int, stop: threading.Event, answers: list[str]) -> None:
    """Send wrong guesses one after the other, ignoring every answer, until told to stop."""
    client = Client(REMOTE_ADDR=GUESSER_ADDRESS)
    try:
        for n in range(GUESSES_AT_MOST):
            if stop.is_set():
                return
            response = client.post(reverse("code_login"), {"code": wrong_guess(lookup, offset + n)})
            answers.append(response.content.decode())
    finally:
        connections.close_all()


def test_holder_gets_in_while_wrong_guesses_keep_arriving(settings):
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_CODE_DELAY_SECONDS = 0.05
    settings.LOGIN_CODE_MAX_DELAY_SECONDS = 0.3
    settings.LOGIN_CODE_MAX_WAITING = 2
    resident = UserFactory()
    code = code_for(resident)
    stop = threading.Event()
    answers: list[str] = []
    guessers = [
        threading.Thread(target=keep_guessing, args=(code[:4], 1000 * i, stop, answers))
        for i in range(2)
    ]
    for guesser in guessers:
        guesser.start()
    try:
        for _ in range(600):  # until the guessers have been slowed down (at most a minute)
            if sum("probeer het over" in page for page in answers) >= 3:
                break
            stop.wait(0.1)
        assert sum("probeer het over" in page for page in answers) >= 3

        holder = Client(REMOTE_ADDR="203.0.113.20")
        response = holder.post(reverse("code_login"), {"code": code})

        assert response.status_code == 302
        # (The page, not the test client's captured context: the guessers render pages at
        # the same moment, in other threads.)
        assert "U bent ingelogd." in holder.get(reverse("home")).content.decode()
        assert InvitationCode.objects.get(user=resident).used_at is not None
    finally:
        stop.set()
        for guesser in guessers:
            guesser.join(timeout=60)
    assert not any(guesser.is_alive() for guesser in guessers)
    assert not any("Te vaak geprobeerd" in page for page in answers)


def test_a_slowed_code_says_in_how_many_seconds_to_try_again(settings):
    settings.LOGIN_MAX_FAILURES = 2
    settings.LOGIN_CODE_DELAY_SECONDS = 20
    settings.LOGIN_CODE_MAX_DELAY_SECONDS = 60
    settings.LOGIN_CODE_MAX_WAITING = 0  # nothing waits here: every slowed try is told when
    resident = UserFactory()
    code = code_for(resident)
    client = Client()
    url = reverse("code_login")

    first = client.post(url, {"code": wrong_guess(code[:4], 1)}).content.decode()
    second = client.post(url, {"code": wrong_guess(code[:4], 2)}).content.decode()
    third = client.post(url, {"code": wrong_guess(code[:4], 3)})

    assert "Deze code klopt niet. Kijk goed" in first
    assert "probeer het over 20 seconden opnieuw" in second
    assert third.status_code == 400
    assert "Probeer het over 20 seconden opnieuw" in third.content.decode()
    assert "Te vaak geprobeerd" not in third.content.decode()


def test_a_slowed_code_says_it_in_english_too(settings):
    settings.LOGIN_MAX_FAILURES = 1
    settings.LOGIN_CODE_DELAY_SECONDS = 1
    settings.LOGIN_CODE_MAX_WAITING = 0
    resident = UserFactory()
    code = code_for(resident)
    client = Client(headers={"accept-language": "en"})
    client.post(reverse("code_login"), {"code": wrong_guess(code[:4], 1)})
    page = client.post(reverse("code_login"), {"code": code}).content.decode()
    assert "Try again in 1 second." in page
