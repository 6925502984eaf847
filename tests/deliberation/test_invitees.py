"""Inviting people to a summit: one by one, from a file, and their letters with a code."""

from __future__ import annotations

import re
import zlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from deliberation import letters
from deliberation import services as summit_services
from deliberation.models import Participant, Summit
from deliberation.services import invitees
from samenspel import rules as core_rules
from samenspel import services as core_services
from samenspel.models import InvitationCode, Role, User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

HEADER = "Naam;E-mail;Adres;Postcode;Woonplaats;Wijk\r\n"


@pytest.fixture
def summit() -> Summit:
    return Summit.objects.create(slug="burgertop-uitnodigen", title="Burgertop Uitnodigen")


@pytest.fixture
def facilitator(summit: Summit) -> User:
    return UserFactory(roles=[(Role.FACILITATOR, summit.scope)])


def pdf_pages(document: bytes) -> int:
    """Pages in a PDF, its compressed object streams included (WeasyPrint packs them)."""
    text = document
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", document, re.DOTALL):
        try:
            text += zlib.decompress(stream)
        except zlib.error:
            continue
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", text))


def import_file(summit: Summit, by: User, content: bytes) -> invitees.ImportResult:
    check = invitees.invitees_check(summit=summit, content=content)
    return invitees.invitees_import(summit=summit, by=by, content=content, mapping=check.mapping)


def invited_names(summit: Summit) -> list[str]:
    return sorted(
        p.user.get_full_name() for p in Participant.objects.filter(summit=summit).select_related("user")
    )


# Reading the file ---------------------------------------------------------------------------


def test_excel_dutch_export_with_semicolons_and_accents_is_read(summit, facilitator):
    content = (
        HEADER + "André Jansen;andre@example.org;Kerkstraat 1;1111 AB;Diemen;Centrum\r\n"
        "Zoë de Wit;;Dorpsweg 2;1112cd;Diemen;BU03840000\r\n"
    ).encode("cp1252")

    result = import_file(summit, facilitator, content)

    assert len(result.added) == 2
    assert invited_names(summit) == ["André Jansen", "Zoë de Wit"]
    zoe = User.objects.get(first_name="Zoë")
    assert (zoe.postcode, zoe.neighbourhood.code) == ("1112 CD", "BU03840000")
    andre = User.objects.get(first_name="André")
    assert andre.neighbourhood.name == "Centrum" and andre.neighbourhood.level == "buurt"


def test_utf8_with_bom_and_commas_is_read_and_others_see_only_an_initial(summit, facilitator):
    content = "\ufeffnaam,email\r\nFatima El Amrani,fatima@example.org\r\n".encode()

    import_file(summit, facilitator, content)

    fatima = User.objects.get(email="fatima@example.org")
    assert fatima.get_full_name() == "Fatima El Amrani"
    assert fatima.public_name == "Fatima E."
    assert core_rules.has_role(fatima, Role.RESIDENT, summit.scope)


def test_utf8_without_bom_keeps_accents(summit, facilitator):
    check = invitees.invitees_check(summit=summit, content="Naam\nÉlodie\n".encode())
    assert [row.invitee.name for row in check.rows] == ["Élodie"]
    assert check.table.encoding == "UTF-8"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04rest of a zip", "Dit is een Excel-bestand"),
        (b"Naam\n\x81\x8d\x8f\x90\x9d", "Dit bestand kunnen we niet lezen"),
        (b"", "Dit bestand is leeg"),
        (b"Naam;E-mail\n", "alleen een kopregel"),
        (b"Naam\n" + b"x" * 1_000_001, "te groot"),
        (b"Naam\n" + b"Jan\n" * 5001, "meer dan 5.000 rijen"),
    ],
)
def test_a_file_that_cannot_be_read_says_why_and_stores_nothing(
    summit, facilitator, content, message
):
    with pytest.raises(ValidationError) as refused:
        invitees.invitees_import(
            summit=summit, by=facilitator, content=content, mapping={"name": 0}
        )
    assert message in refused.value.message_dict["file"][0]
    assert not Participant.objects.filter(summit=summit).exists()


def test_missing_name_column_is_an_error_on_the_mapping(summit, facilitator):
    content = b"E-mail;Postcode\nanna@example.org;1111 AB\n"
    check = invitees.invitees_check(summit=summit, content=content)
    assert check.mapping["name"] is None
    assert "Kies de kolom met de naam" in check.mapping_errors["name"]

    with pytest.raises(ValidationError) as refused:
        invitees.invitees_import(
            summit=summit, by=facilitator, content=content, mapping=check.mapping
        )
    assert "name" in refused.value.message_dict
    assert not User.objects.filter(email="anna@example.org").exists()


def test_one_column_chosen_for_two_fields_is_refused(summit):
    check = invitees.invitees_check(
        summit=summit, content=b"Naam;Adres\nJan;Laan 1\n", mapping={"name": 0, "address": 0}
    )
    assert "al gekozen voor 'Naam'" in check.mapping_errors["address"]


def test_each_bad_row_gets_its_own_message_and_the_good_rows_are_imported(summit, facilitator):
    content = (
        HEADER
        + "Goede Rij;goed@example.org;Laan 1;1111 AB;Diemen;\r\n"
        + ";;;;;\r\n"  # empty row: skipped, no error
        + ";zonder-naam@example.org;;;;\r\n"
        + "Slecht Adres;slecht@;;;;\r\n"
        + "Halve Adres;;Laan 2;;Diemen;\r\n"
        + "Foute Postcode;;Laan 3;ABCD 12;Diemen;\r\n"
        + "Onbekende Wijk;;;;;Atlantis\r\n"
        + "Korte Rij\r\n"  # a row with fewer cells than the heading: the rest is empty
    ).encode()

    check = invitees.invitees_check(summit=summit, content=content)
    errors = {row.cells["name"] or row.cells["email"]: row.errors for row in check.rows}

    assert check.table.empty_rows == 1
    assert errors["Goede Rij"] == [] and errors["Korte Rij"] == []
    assert errors["zonder-naam@example.org"] == ["De naam ontbreekt."]
    assert errors["Slecht Adres"] == ["Het e-mailadres 'slecht@' klopt niet."]
    assert errors["Halve Adres"] == ["Het adres is niet compleet: postcode ontbreekt."]
    assert errors["Foute Postcode"] == [
        "De postcode 'ABCD 12' klopt niet; schrijf hem als 1111 AB."
    ]
    assert errors["Onbekende Wijk"] == ["De wijk of buurt 'Atlantis' kennen we niet."]

    result = invitees.invitees_import(
        summit=summit, by=facilitator, content=content, mapping=check.mapping
    )
    assert (len(result.added), result.refused) == (2, 5)
    assert invited_names(summit) == ["Goede Rij", "Korte Rij"]


def test_duplicates_in_the_file_and_people_already_invited(summit, facilitator):
    first = (HEADER + "Jan Smit;jan@example.org;;;;\r\nPiet Bos;;Laan 1;1111 AB;Diemen;\r\n").encode()
    import_file(summit, facilitator, first)
    second = (
        HEADER
        + "J. Smit;JAN@example.org;;;;\r\n"  # the same e-mail address: already invited
        + "Piet Bos;;laan  1;1111ab;Diemen;\r\n"  # the same name at the same address
        + "Kees Klok;kees@example.org;;;;\r\n"
        + "Kees Klok;kees@example.org;;;;\r\n"  # twice in this file
    ).encode()

    check = invitees.invitees_check(summit=summit, content=second)
    assert [row.skip_reason for row in check.rows[:2]] == ["Is al uitgenodigd."] * 2
    assert check.rows[3].errors == ["Dezelfde persoon staat al in regel 4."]

    result = import_file(summit, facilitator, second)
    assert (len(result.added), result.skipped, result.refused) == (1, 2, 1)
    assert invited_names(summit) == ["Jan Smit", "Kees Klok", "Piet Bos"]

    with pytest.raises(ValidationError) as refused:
        import_file(summit, facilitator, second)
    assert "Er is geen rij om in te lezen" in refused.value.message_dict["file"][0]


def test_an_existing_account_with_the_same_email_is_invited_not_copied(summit, facilitator):
    resident = UserFactory(email="bestaand@example.org")
    import_file(summit, facilitator, (HEADER + "Bestaand Iemand;bestaand@example.org;;;;\r\n").encode())
    assert Participant.objects.filter(summit=summit, user=resident).exists()
    assert User.objects.filter(email__iexact="bestaand@example.org").count() == 1


# Who may, and when -------------------------------------------------------------------------


def test_only_administrators_and_the_summits_facilitator_may_invite(summit):
    other = Summit.objects.create(slug="andere-burgertop", title="Andere")
    refused = [
        UserFactory(roles=[Role.RESIDENT]),
        UserFactory(roles=[(Role.FACILITATOR, other.scope)]),
        UserFactory(roles=[(Role.THEME_TEAM, summit.scope)]),
    ]
    for person in refused:
        with pytest.raises(PermissionDenied):
            invitees.invitee_add(summit=summit, by=person, name="Iemand Anders")
    assert not Participant.objects.filter(summit=summit).exists()

    administrator = UserFactory(roles=[Role.ADMINISTRATOR])
    invitees.invitee_add(summit=summit, by=administrator, name="Eerste Gast")
    facilitator = UserFactory(roles=[(Role.FACILITATOR, summit.scope)])
    invitees.invitee_add(summit=summit, by=facilitator, name="Tweede Gast")
    assert invited_names(summit) == ["Eerste Gast", "Tweede Gast"]


@pytest.mark.parametrize("status", [Summit.Status.CLOSED, "archived"])
def test_a_closed_summit_invites_no_one_and_prints_no_letters(summit, facilitator, status):
    invitees.invitee_add(
        summit=summit, by=facilitator, name="Al Binnen", address="Laan 1", postcode="1111AB",
        place="Diemen",
    )
    Summit.objects.filter(pk=summit.pk).update(status=status)
    summit.refresh_from_db()
    with pytest.raises(ValidationError, match="gesloten"):
        invitees.invitee_add(summit=summit, by=facilitator, name="Te Laat")
    with pytest.raises(ValidationError, match="gesloten"):
        import_file(summit, facilitator, b"Naam\nOok Te Laat\n")
    with pytest.raises(ValidationError, match="gesloten"):
        invitees.invitee_letters_issue(summit=summit, by=facilitator, now=timezone.now())
    assert invited_names(summit) == ["Al Binnen"]
    assert not InvitationCode.objects.exists()


def test_adding_one_person_checks_each_field(summit, facilitator):
    with pytest.raises(ValidationError) as refused:
        invitees.invitee_add(
            summit=summit, by=facilitator, name=" ", email="geen-adres", postcode="1111",
            address="Laan 1",
        )
    assert refused.value.message_dict == {
        "name": ["De naam ontbreekt."],
        "email": ["Het e-mailadres 'geen-adres' klopt niet."],
        "postcode": ["De postcode '1111' klopt niet; schrijf hem als 1111 AB."],
        "place": ["Het adres is niet compleet: woonplaats ontbreekt."],
    }
    invitees.invitee_add(summit=summit, by=facilitator, name="Sara Veld", email="sara@example.org")
    with pytest.raises(ValidationError) as twice:
        invitees.invitee_add(summit=summit, by=facilitator, name="Sara Veld", email="SARA@example.org")
    assert twice.value.message_dict == {"name": ["Deze persoon is al uitgenodigd."]}
    assert invited_names(summit) == ["Sara Veld"]


# Letters -----------------------------------------------------------------------------------


def _invite_with_addresses(summit: Summit, by: User, count: int) -> None:
    rows = "".join(
        f"Persoon{index} Achternaam;;Laan {index};1111 AB;Diemen;\r\n" for index in range(count)
    )
    import_file(summit, by, (HEADER + rows).encode())


def test_letters_print_one_page_per_person_with_an_address_and_name_the_others(
    summit, facilitator
):
    _invite_with_addresses(summit, facilitator, 3)
    invitees.invitee_add(summit=summit, by=facilitator, name="Zonder Adres")

    batch = invitees.invitee_letters_issue(summit=summit, by=facilitator, now=timezone.now())

    assert [user.get_full_name() for user in batch.without_address] == ["Zonder Adres"]
    assert len(batch.issued) == 3
    document = letters.letters_pdf(batch, summit, "https://samenspel.example/inloggen/code/")
    assert document.startswith(b"%PDF")
    assert pdf_pages(document) == 3
    # The person without an address got no code: a later letter can still reach them.
    assert not InvitationCode.objects.filter(user__last_name="Adres").exists()


def test_letter_codes_log_in_and_check_in_at_the_desk(summit, facilitator):
    _invite_with_addresses(summit, facilitator, 2)
    batch = invitees.invitee_letters_issue(summit=summit, by=facilitator, now=timezone.now())
    code = batch.issued[0].code
    link = letters.code_link("https://samenspel.example/inloggen/code/", code)
    assert link.endswith(f"#code={code}")

    now = timezone.now()
    attempt = core_services.invitation_code_attempt(raw_code=code, now=now)
    assert core_services.invitation_code_redeem(attempt=attempt, now=now) == batch.issued[0].user

    desk = summit_services.participant_check_in(
        summit=summit, by=facilitator, now=now, code=batch.issued[1].code
    )
    assert desk["name"] == batch.issued[1].user.public_name
    assert Participant.objects.get(pk=desk["participant"]).checked_in_at == now


def test_letters_are_made_once_unless_made_again_on_purpose(summit, facilitator):
    _invite_with_addresses(summit, facilitator, 2)
    now = timezone.now()
    first = invitees.invitee_letters_issue(summit=summit, by=facilitator, now=now)

    with pytest.raises(ValidationError) as refused:
        invitees.invitee_letters_issue(summit=summit, by=facilitator, now=now)
    assert "Iedereen heeft al een code" in refused.value.message_dict["again"][0]

    again = invitees.invitee_letters_issue(summit=summit, by=facilitator, now=now, again=True)
    assert len(again.issued) == 2
    old = core_services.invitation_code_attempt(raw_code=first.issued[0].code, now=now)
    with pytest.raises(core_services.LoginRefused):
        core_services.invitation_code_redeem(attempt=old, now=now)


def test_no_letters_when_no_one_has_an_address(summit, facilitator):
    invitees.invitee_add(summit=summit, by=facilitator, name="Ann Zonder")
    with pytest.raises(ValidationError) as refused:
        invitees.invitee_letters_issue(summit=summit, by=facilitator, now=timezone.now())
    assert "Ann Zonder" in refused.value.message_dict["again"][0]
    assert not InvitationCode.objects.exists()


def test_mail_merge_file_has_everyone_with_their_code(summit, facilitator):
    _invite_with_addresses(summit, facilitator, 1)
    invitees.invitee_add(summit=summit, by=facilitator, name="Per Mail", email="mail@example.org")
    batch = invitees.invitee_letters_issue(
        summit=summit, by=facilitator, now=timezone.now(), letters=False
    )
    text = letters.letters_csv(batch, "https://samenspel.example/inloggen/code/")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("naam;straat en huisnummer;postcode;woonplaats;e-mailadres;code")
    assert len(lines) == 3
    assert any(line.startswith("Per Mail;;;;mail@example.org;") for line in lines)


# The page ----------------------------------------------------------------------------------


def _login(client, user: User) -> None:
    assert client.login(username=user.username, password=PASSWORD)


def test_page_refuses_anyone_but_the_summits_staff(client, summit):
    url = reverse("summit_participants", args=[summit.slug])
    assert client.get(url).status_code == 302  # to the login page
    _login(client, UserFactory(roles=[Role.RESIDENT]))
    assert client.get(url).status_code == 403
    assert client.post(reverse("summit_participant_add", args=[summit.slug]), {"name": "X"}).status_code == 403


def test_page_imports_a_file_after_its_preview_and_downloads_letters(client, summit, facilitator):
    _login(client, facilitator)
    url = reverse("summit_participants_import", args=[summit.slug])
    content = (HEADER + "Mila Roos;;Laan 9;1111 AB;Diemen;\r\nKapotte Postcode;;Laan 1;99;Diemen;\r\n").encode(
        "cp1252"
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    preview = client.post(url, {"file": SimpleUploadedFile("genodigden.csv", content)})
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "De postcode &#x27;99&#x27; klopt niet" in page
    assert "1 persoon inlezen" in page
    assert not Participant.objects.filter(summit=summit).exists()  # nothing before 'Inlezen'

    form = preview.context["form"]
    data = {"content": form.initial["content"], "action": "import"}
    data.update({name: "" if column is None else str(column) for name, column in preview.context["check"].mapping.items()})
    done = client.post(url, data)
    assert done.status_code == 302
    assert invited_names(summit) == ["Mila Roos"]
    page = client.get(done["Location"]).content.decode()
    assert "1 persoon uitgenodigd. 1 rij met een fout is niet ingelezen." in page

    response = client.post(
        reverse("summit_participants_letters", args=[summit.slug]), {"kind": "pdf"}
    )
    assert response["Content-Type"] == "application/pdf"
    assert pdf_pages(response.content) == 1
    again = client.post(reverse("summit_participants_letters", args=[summit.slug]), {"kind": "pdf"})
    assert again.status_code == 400
    assert "Iedereen heeft al een code" in again.content.decode()


def test_letters_and_the_mail_merge_file_together_carry_the_same_codes(
    client, summit, facilitator
):
    """One issue, two files: made one after the other, the second would void the first's
    codes (or find that everyone has one already)."""
    import io
    import zipfile

    import pypdf

    _invite_with_addresses(summit, facilitator, 2)
    _login(client, facilitator)
    response = client.post(
        reverse("summit_participants_letters", args=[summit.slug]), {"kind": "zip"}
    )
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == [
        f"brieven-{summit.slug}.pdf",
        f"inlogcodes-{summit.slug}.csv",
    ]
    rows = archive.read(f"inlogcodes-{summit.slug}.csv").decode("utf-8-sig").splitlines()[1:]
    codes = [row.split(";")[5] for row in rows]
    assert len(codes) == 2
    pdf = pypdf.PdfReader(io.BytesIO(archive.read(f"brieven-{summit.slug}.pdf")))
    assert len(pdf.pages) == 2
    text = "".join(page.extract_text() for page in pdf.pages).replace(" ", "")
    now = timezone.now()
    for code in codes:
        assert code.replace(" ", "") in text  # the same code in the letter
        attempt = core_services.invitation_code_attempt(raw_code=code, now=now)
        assert core_services.invitation_code_redeem(attempt=attempt, now=now) is not None


def test_page_shows_the_hall_screen_address_and_its_qr_code(client, summit, facilitator):
    _login(client, facilitator)
    page = client.get(reverse("summit_participants", args=[summit.slug])).content.decode()
    assert f"/burgertop/{summit.slug}/zaal/{summit.hall_token}/" in page
    qr = client.get(reverse("summit_hall_qr", args=[summit.slug]))
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.decode().startswith("<svg")


def test_a_long_list_of_letters_comes_in_parts(summit, facilitator, monkeypatch):
    monkeypatch.setattr(invitees, "LETTERS_PER_DOWNLOAD", 2)
    _invite_with_addresses(summit, facilitator, 3)
    now = timezone.now()
    first = invitees.invitee_letters_issue(summit=summit, by=facilitator, now=now)
    second = invitees.invitee_letters_issue(summit=summit, by=facilitator, now=now)
    assert (len(first.issued), len(second.issued)) == (2, 1)
    assert {i.user.pk for i in first.issued}.isdisjoint({i.user.pk for i in second.issued})
    with pytest.raises(ValidationError, match="Iedereen heeft al een code"):
        invitees.invitee_letters_issue(summit=summit, by=facilitator, now=now)
