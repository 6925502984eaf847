"""Guesses sent at the same moment: the login lock counts each one before it is checked,
so no more than LOGIN_MAX_FAILURES of them are ever compared with the password or code.

Each guess is a real request through the login page, from its own thread with its own
database connection (PostgreSQL on the production stack, SQLite on the embedded one).
"""

import threading

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from samenspel.models import InvitationCode, LoginThrottle
from tests.factories import PASSWORD, UserFactory, code_for

pytestmark = pytest.mark.django_db(transaction=True)

LOCKED = "Te vaak geprobeerd"


def post_at_once(url: str, forms: list[dict[str, str]]) -> list[tuple[int, str]]:
    """POST every form to ``url`` from its own thread, all released together; the answers
    (status, page) in the order of ``forms``."""
    start = threading.Barrier(len(forms))
    answers: list[tuple[int, str]] = [(0, "")] * len(forms)

    def guess(index: int) -> None:
        try:
            client = Client()
            start.wait(timeout=30)
            response = client.post(url, forms[index])
            answers[index] = (response.status_code, response.content.decode())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(len(forms))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return answers


def test_sixty_passwords_at_once_check_no_more_than_the_limit(settings):
    settings.LOGIN_MAX_FAILURES = 5
    UserFactory(username="wethouder", is_staff=True)
    url = reverse("staff_login")
    wrong = [{"username": "wethouder", "password": f"gok-{n}"} for n in range(60)]

    answers = post_at_once(url, wrong)

    checked = [status for status, _page in answers if status == 400]
    refused = [page for status, page in answers if status == 429]
    assert len(checked) <= 5, f"{len(checked)} of 60 simultaneous guesses were checked"
    assert len(refused) == 60 - len(checked)
    assert all(LOCKED in page for page in refused)
    # The right password, right after, meets the lock the guesses left.
    right = Client().post(url, {"username": "wethouder", "password": PASSWORD})
    assert right.status_code == 429
    assert LOCKED in right.content.decode()


def test_forty_code_guesses_at_once_check_no_more_than_the_limit(settings):
    """A code is not locked (the holder must get in) but slowed: of forty guesses at once,
    the free ones and those that may wait their turn here (one per address) are checked;
    the others are told to try again in a few seconds."""
    settings.LOGIN_MAX_FAILURES = 5
    settings.LOGIN_CODE_DELAY_SECONDS = 1
    settings.LOGIN_CODE_MAX_DELAY_SECONDS = 2
    settings.LOGIN_CODE_MAX_WAITING = 2
    resident = UserFactory()
    code = code_for(resident)
    lookup = code[:4]
    guesses = [{"code": f"{lookup}-{n:04d}-AAAA".replace("0", "B")} for n in range(40)]

    answers = post_at_once(reverse("code_login"), guesses)

    checked = [page for _status, page in answers if "Deze code klopt niet" in page]
    slowed = [page for _status, page in answers if "Deze code wordt nu vaak geprobeerd" in page]
    assert len(checked) <= 5 + 2, f"{len(checked)} of 40 simultaneous guesses were checked"
    assert len(checked) + len(slowed) == 40
    # Each checked guess was counted before it was checked; the others were not checked.
    assert LoginThrottle.objects.get(key=f"code:{lookup}").failures == len(checked)
    right = Client().post(reverse("code_login"), {"code": code})
    assert right.status_code == 302
    assert InvitationCode.objects.get(user=resident).used_at is not None


def test_right_password_after_a_few_wrong_ones_at_once_still_logs_in(settings):
    """The count is released on success: guesses below the limit do not lock the owner out."""
    settings.LOGIN_MAX_FAILURES = 5
    UserFactory(username="griffier", is_staff=True)
    url = reverse("staff_login")
    answers = post_at_once(url, [{"username": "griffier", "password": f"x{n}"} for n in range(3)])
    assert [status for status, _page in answers] == [400, 400, 400]
    assert Client().post(url, {"username": "griffier", "password": PASSWORD}).status_code == 302
    for _ in range(4):  # the count started again after the success
        assert Client().post(url, {"username": "griffier", "password": "fout"}).status_code == 400
