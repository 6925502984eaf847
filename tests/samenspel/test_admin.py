import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from samenspel.models import InvitationCode, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_staff_download_fresh_codes_for_a_mail_merge_and_they_work(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    residents = [UserFactory(roles=[Role.RESIDENT]) for _ in range(3)]
    client.force_login(admin)
    response = client.post(
        reverse("admin:samenspel_user_changelist"),
        {"action": "issue_codes", "_selected_action": [r.pk for r in residents]},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["gebruikersnaam", "naam", "code", "inlogadres"]
    assert sorted(row[0] for row in rows[1:]) == sorted(r.username for r in residents)
    assert InvitationCode.objects.filter(user__in=residents).count() == 3
    # Only hashes are stored: the plain code appears nowhere in the database.
    code = rows[1][2]
    stored = InvitationCode.objects.get(lookup=code[:4])
    secret = code.replace("-", "")[4:]
    assert secret not in stored.secret_hash and len(stored.secret_hash) == 64

    client.logout()
    assert client.post(reverse("code_login"), {"code": code}).status_code == 302


def test_residents_cannot_open_the_admin(client):
    client.force_login(UserFactory(roles=[Role.RESIDENT]))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_create_token_prints_a_token_the_api_accepts(client, capsys):
    user = UserFactory(username="script")
    call_command("create_token", "script")
    token = capsys.readouterr().out.strip()
    assert len(token) == 40
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert response.json()["username"] == user.username
    call_command("create_token", "script")
    assert capsys.readouterr().out.strip() == token


def test_create_token_for_unknown_user_fails_with_a_message():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="onbekende gebruiker|unknown user"):
        call_command("create_token", "niemand")


def test_api_lists_the_diemen_neighbourhoods_and_publishes_its_schema(client):
    rows = client.get("/api/v1/neighbourhoods/").json()
    codes = {row["code"] for row in rows}
    assert "WK038400" in codes and all(code.startswith(("WK0384", "BU0384")) for code in codes)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/neighbourhoods/" in schema.content


def test_seed_demo_twice_keeps_one_demo_and_prints_working_codes(tmp_path, client, capsys):
    args = [
        "--small",
        "--logins-file",
        str(tmp_path / "l.txt"),
        "--codes-file",
        str(tmp_path / "c.csv"),
    ]
    call_command("seed_demo", *args)
    call_command("seed_demo", *args)
    from samenspel.models import User

    assert User.objects.filter(username="beheer").count() == 1
    rows = list(csv.DictReader((tmp_path / "c.csv").open()))
    assert len(rows) == 70
    assert client.post(reverse("code_login"), {"code": rows[-1]["code"]}).status_code == 302
    assert client.login(username="gespreksleider", password="samen-diemen-2026")
