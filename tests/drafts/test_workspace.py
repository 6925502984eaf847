"""The nota workspace: staff start a nota, name editors and co-writers, set the reaction
period and whether residents see each other's names; bad input is refused per field and
nothing is stored."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from deliberation.drafts import rules, selectors, services, setup
from deliberation.drafts.models import Amendment, Comment, Draft, Support
from deliberation.drafts.outlines import outline_for
from deliberation.drafts.workspace import workspace_sections
from samenspel.models import Role, RoleGrant
from tests.drafts.factories import Typist, make_draft, publish
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TEXT = "# Jeugdnota\n\nHet jongerenwerk is vier avonden per week open.\n"
PASSAGE = "vier avonden per week"


@pytest.fixture
def admin():
    return UserFactory(roles=[Role.ADMINISTRATOR], is_staff=True)


@pytest.fixture
def civil_servant():
    """A municipal account that edits no nota until named editor of one."""
    return UserFactory(is_staff=True)


@pytest.fixture
def resident():
    return UserFactory(roles=[Role.RESIDENT], display_name="Fatima Yilmaz")


def _errors(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


def start(by, **kwargs):
    values = {"title": "Jeugdnota 2027", "kind": "jeugdnota", "now": timezone.now()}
    values.update(kwargs)
    return setup.draft_start(by=by, **values)


# Starting a nota


def test_administrator_starts_a_nota_from_the_outline_of_its_kind(admin):
    draft = start(admin)
    assert draft.slug == "jeugdnota-2027"
    assert selectors.draft_live_text(draft) == outline_for("jeugdnota", "Jeugdnota 2027")


def test_a_nota_can_start_empty_with_only_its_title(admin):
    draft = start(admin, from_outline=False, slug="leeg")
    assert selectors.draft_live_text(draft) == "# Jeugdnota 2027\n"


def test_empty_title_is_refused_and_nothing_stored(admin):
    with pytest.raises(ValidationError) as error:
        start(admin, title="   ")
    assert _errors(error) == {"title": ["Geef de nota een titel."]}
    assert not Draft.objects.exists()


def test_duplicate_short_name_is_refused_and_nothing_stored(admin):
    start(admin, slug="jeugd")
    with pytest.raises(ValidationError) as error:
        start(admin, slug="jeugd", title="Een andere nota")
    assert "korte naam “jeugd”" in _errors(error)["slug"][0]
    assert list(Draft.objects.values_list("title", flat=True)) == ["Jeugdnota 2027"]


def test_unknown_kind_is_refused(admin):
    with pytest.raises(ValidationError) as error:
        start(admin, kind="begroting")
    assert _errors(error) == {"kind": ["Kies de soort nota."]}


def test_only_an_administrator_starts_a_nota(civil_servant, resident):
    editor_everywhere = UserFactory(roles=[Role.EDITOR], is_staff=True)
    for person in (civil_servant, resident, editor_everywhere):
        with pytest.raises(PermissionError):
            start(person)
    assert not Draft.objects.exists()


# Editors and co-writers


def test_named_civil_servant_runs_only_their_nota(admin, civil_servant):
    draft, other = start(admin), start(admin, slug="ander")
    assert not rules.can_manage(civil_servant, draft)
    assert setup.draft_editor_name(draft=draft, by=admin, username=civil_servant.username)
    assert rules.can_manage(civil_servant, draft)
    assert rules.can_decide(civil_servant, draft)
    assert not rules.can_manage(civil_servant, other)
    assert selectors.draft_people(draft).editors == [civil_servant]


def test_inviting_a_resident_twice_keeps_one_role_and_says_so(admin, resident):
    draft = start(admin)
    assert setup.draft_cowriter_invite(draft=draft, by=admin, username=resident.username) is True
    assert setup.draft_cowriter_invite(draft=draft, by=admin, username=resident.username) is False
    assert RoleGrant.objects.filter(user=resident, scope=draft.scope).count() == 1
    assert rules.can_edit(resident, draft)
    # A co-writer writes, but does not run the nota.
    assert not rules.can_manage(resident, draft)
    assert not rules.can_decide(resident, draft)
    assert selectors.draft_people(draft).cowriters == [resident]


def test_inviting_an_unknown_person_is_refused(admin):
    draft = start(admin)
    with pytest.raises(ValidationError) as error:
        setup.draft_cowriter_invite(draft=draft, by=admin, username="niemand")
    assert "Er is geen account “niemand”" in _errors(error)["person"][0]
    assert not RoleGrant.objects.filter(scope=draft.scope).exists()


def test_a_resident_is_not_made_editor_nor_a_civil_servant_cowriter(admin, resident, civil_servant):
    draft = start(admin)
    with pytest.raises(ValidationError) as error:
        setup.draft_editor_name(draft=draft, by=admin, username=resident.username)
    assert "is inwoner" in _errors(error)["person"][0]
    with pytest.raises(ValidationError) as error:
        setup.draft_cowriter_invite(draft=draft, by=admin, username=civil_servant.username)
    assert "is medewerker" in _errors(error)["person"][0]
    assert not RoleGrant.objects.filter(scope=draft.scope).exists()


def test_wrong_role_is_refused(admin, civil_servant, resident):
    draft = start(admin)
    setup.draft_editor_name(draft=draft, by=admin, username=civil_servant.username)
    setup.draft_cowriter_invite(draft=draft, by=civil_servant, username=resident.username)
    other = UserFactory(roles=[Role.RESIDENT])
    # A co-writer does not invite others; an editor of the nota does not name editors.
    with pytest.raises(PermissionError):
        setup.draft_cowriter_invite(draft=draft, by=resident, username=other.username)
    with pytest.raises(PermissionError):
        setup.draft_editor_name(
            draft=draft, by=civil_servant, username=UserFactory(is_staff=True).username
        )
    with pytest.raises(PermissionError):
        setup.draft_period_close(draft=draft, by=resident, now=timezone.now())
    with pytest.raises(PermissionError):
        setup.draft_member_remove(draft=draft, by=civil_servant, username=civil_servant.username)
    # The editor takes the co-writer's role away again.
    setup.draft_member_remove(draft=draft, by=civil_servant, username=resident.username)
    assert not rules.can_edit(resident, draft)


# The reaction period


def test_period_ending_before_it_starts_is_refused(admin):
    draft = start(admin)
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        setup.draft_period_set(
            draft=draft,
            by=admin,
            opens=now + timedelta(days=5),
            closes=now + timedelta(days=2),
            now=now,
        )
    assert _errors(error) == {
        "reactions_until": ["Het einde van de reactieperiode ligt vóór het begin."]
    }
    draft.refresh_from_db()
    assert (draft.reactions_from, draft.reactions_until) == (None, None)


def test_period_ending_in_the_past_is_refused(admin):
    draft = start(admin)
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        setup.draft_period_set(
            draft=draft,
            by=admin,
            opens=now - timedelta(days=9),
            closes=now - timedelta(days=1),
            now=now,
        )
    assert _errors(error) == {
        "reactions_until": ["Het einde van de reactieperiode ligt in het verleden."]
    }


def _open_nota(admin, resident, *, opens, closes):
    draft = make_draft(text=TEXT, kind="jeugdnota")
    version = publish(draft, admin)
    now = timezone.now()
    setup.draft_period_set(draft=draft, by=admin, opens=opens(now), closes=closes(now), now=now)
    draft.refresh_from_db()
    version.draft = draft
    return draft, version


def test_reactions_are_refused_before_the_period_opens(admin, resident):
    draft, version = _open_nota(
        admin,
        resident,
        opens=lambda now: now + timedelta(days=2),
        closes=lambda now: now + timedelta(days=30),
    )
    with pytest.raises(services.DraftError, match="U kunt reageren vanaf"):
        services.comment_add(
            version=version, by=resident, body="Graag ook op zaterdag.", passage=PASSAGE,
            start=TEXT.index(PASSAGE), now=timezone.now(),
        )  # fmt: skip
    assert not Comment.objects.exists()


def test_closing_the_period_early_stops_comments_amendments_and_support(admin, resident):
    draft, version = _open_nota(
        admin,
        resident,
        opens=lambda now: now - timedelta(days=1),
        closes=lambda now: now + timedelta(days=30),
    )
    amendment = services.amendment_propose(
        version=version, by=resident, passage=PASSAGE, start=TEXT.index(PASSAGE),
        replacement="vijf avonden per week", rationale="Ook in het weekend.", now=timezone.now(),
    )  # fmt: skip
    setup.draft_period_close(draft=draft, by=admin, now=timezone.now())
    draft.refresh_from_db()
    version.draft = amendment.draft = draft
    later = timezone.now() + timedelta(seconds=1)
    supporter = UserFactory(roles=[Role.RESIDENT])
    with pytest.raises(services.DraftError, match="De reactieperiode is gesloten sinds"):
        services.comment_add(
            version=version, by=resident, body="Nog iets.", passage=PASSAGE,
            start=TEXT.index(PASSAGE), now=later,
        )  # fmt: skip
    with pytest.raises(services.DraftError, match="De reactieperiode is gesloten sinds"):
        services.amendment_propose(
            version=version, by=resident, passage=PASSAGE, start=TEXT.index(PASSAGE),
            replacement="zes avonden", rationale="Meer.", now=later,
        )  # fmt: skip
    with pytest.raises(services.DraftError, match="De reactieperiode is gesloten sinds"):
        services.amendment_support(amendment=amendment, by=supporter, now=later)
    assert Comment.objects.count() == 0
    assert Amendment.objects.count() == 1
    assert not Support.objects.exists()
    with pytest.raises(ValidationError, match="al gesloten"):
        setup.draft_period_close(draft=draft, by=admin, now=later)


# Names of residents


def test_hidden_names_show_residents_as_numbered_inwoners_on_the_page(client, admin):
    draft = make_draft(text=TEXT, kind="jeugdnota")
    version = publish(draft, admin)
    anna = UserFactory(roles=[Role.RESIDENT], display_name="Anna Jansen")
    bram = UserFactory(roles=[Role.RESIDENT], display_name="Bram de Vries")
    now = timezone.now()
    first = services.comment_add(
        version=version,
        by=bram,
        body="Eerste.",
        passage=PASSAGE,
        start=TEXT.index(PASSAGE),
        now=now,
    )
    services.comment_add(
        version=version, by=anna, body="Eens.", parent=first, now=now + timedelta(seconds=1)
    )
    services.comment_add(
        version=version, by=admin, body="Dank u.", parent=first, now=now + timedelta(seconds=2)
    )
    setup.draft_names_visible_set(draft=draft, by=admin, visible=False)

    client.force_login(UserFactory(roles=[Role.RESIDENT]))
    page = client.get(reverse("drafts:detail", args=[draft.slug])).content.decode()
    assert "Anna Jansen" not in page and "Bram de Vries" not in page
    assert "<strong>Inwoner 1</strong>: Eerste." in page
    assert "<strong>Inwoner 2</strong>: Eens." in page
    assert f"<strong>{admin.public_name}</strong>: Dank u." in page
    # The same labels when the page asks for the changed discussion.
    part = client.get(reverse("drafts:discussion", args=[draft.slug]), {"versie": "1"})
    assert "<strong>Inwoner 1</strong>: Eerste." in part.content.decode()


# Pages


def test_workspace_pages_build_a_nota_and_refuse_bad_input_per_field(client, admin, resident):
    client.force_login(admin)
    new = reverse("drafts:workspace_create")
    answer = client.post(new, {"title": "", "kind": "jeugdnota", "start": "hoofdstukken"})
    assert answer.status_code == 400
    assert "Geef de nota een titel." in answer.content.decode()
    answer = client.post(
        new, {"title": "Jeugdnota 2027", "kind": "jeugdnota", "start": "hoofdstukken"}
    )
    assert answer.status_code == 302
    draft = Draft.objects.get(slug="jeugdnota-2027")
    page = reverse("drafts:workspace", args=[draft.slug])
    assert answer["Location"] == page
    answer = client.post(
        new, {"title": "Jeugdnota 2027", "kind": "jeugdnota", "start": "hoofdstukken"}
    )
    assert "Er is al een nota met de korte naam" in answer.content.decode()

    found = client.get(page, {"zoek": "yilm"}).content.decode()
    assert f"Nodig {resident.public_name} uit als meeschrijver" in found
    person = reverse("drafts:workspace_person", args=[draft.slug])
    client.post(person, {"person": resident.username, "actie": "meeschrijver"})
    again = client.post(person, {"person": resident.username, "actie": "meeschrijver"}, follow=True)
    assert "was al uitgenodigd om mee te schrijven" in again.content.decode()
    unknown = client.post(person, {"person": "niemand", "actie": "meeschrijver"})
    assert unknown.status_code == 400
    assert "Er is geen account “niemand”" in unknown.content.decode()

    period = reverse("drafts:workspace_period", args=[draft.slug])
    answer = client.post(
        period, {"reactions_from": "2030-03-10T09:00", "reactions_until": "2030-03-01T17:00"}
    )
    assert answer.status_code == 400
    assert "Het einde van de reactieperiode ligt vóór het begin." in answer.content.decode()
    answer = client.post(period, {"reactions_from": "", "reactions_until": "2030-03-01T17:00"})
    assert answer.status_code == 302
    draft.refresh_from_db()
    assert (
        timezone.localtime(draft.reactions_until).strftime("%Y-%m-%d %H:%M") == "2030-03-01 17:00"
    )

    client.post(reverse("drafts:workspace_publish", args=[draft.slug]), {"note": "Voor inspraak"})
    assert draft.versions.count() == 1
    listing = client.get(reverse("drafts:workspace_list")).content.decode()
    assert "Jeugdnota 2027" in listing and "Reactieperiode open tot 1 maart 2030, 17:00" in listing


def test_workspace_is_closed_to_residents_and_to_editors_of_other_notas(client, admin, resident):
    draft = start(admin)
    client.force_login(resident)
    assert client.get(reverse("drafts:workspace", args=[draft.slug])).status_code == 403
    assert client.get(reverse("drafts:workspace_create")).status_code == 403
    other_editor = UserFactory(is_staff=True)
    setup.draft_editor_name(
        draft=start(admin, slug="ander"), by=admin, username=other_editor.username
    )
    client.force_login(other_editor)
    assert client.get(reverse("drafts:workspace", args=[draft.slug])).status_code == 403
    answer = client.post(
        reverse("drafts:workspace_person", args=[draft.slug]),
        {"person": resident.username, "actie": "meeschrijver"},
    )
    assert answer.status_code == 403
    assert not rules.can_edit(resident, draft)


def test_workspace_section_lists_what_this_person_runs(rf, admin, civil_servant, resident):
    draft = start(admin)
    setup.draft_editor_name(draft=draft, by=admin, username=civil_servant.username)
    start(admin, slug="ander", title="Sportnota")

    def section(user):
        request = rf.get("/werkruimte/")
        request.user = user
        return workspace_sections(request)

    [mine] = section(civil_servant)
    assert mine["create_url"] is None
    assert [item["label"] for item in mine["items"]] == ["Jeugdnota 2027"]
    assert mine["items"][0]["description"] == "Jeugdnota · Concept: nog geen versie gepubliceerd"
    [everything] = section(admin)
    assert everything["create_url"] == reverse("drafts:workspace_create")
    assert len(everything["items"]) == 2
    assert section(resident) == []


def test_hidden_names_hold_for_the_cowriters_credited_under_a_version(client, admin):
    draft = make_draft(text=TEXT, kind="jeugdnota")
    writer = UserFactory(roles=[Role.RESIDENT], display_name="Chris Bakker")
    setup.draft_cowriter_invite(draft=draft, by=admin, username=writer.username)
    Typist(draft, writer).write("\nEen eigen plek voor jongeren.\n")
    publish(draft, admin)
    setup.draft_names_visible_set(draft=draft, by=admin, visible=False)

    client.force_login(UserFactory(roles=[Role.RESIDENT]))
    page = client.get(reverse("drafts:versions", args=[draft.slug])).content.decode()
    assert "Chris Bakker" not in page
    assert "Inwoner 1" in page
    # The writer's own cursor is labelled the same way for the others in the editor.
    client.force_login(writer)
    editor = client.get(reverse("drafts:editor", args=[draft.slug])).content.decode()
    assert 'data-user-name="Inwoner 1"' in editor


def test_every_string_of_the_nota_catalogue_has_english():
    from pathlib import Path

    import polib

    from samenspel import i18n

    path = Path(i18n.ROOT) / "deliberation" / "drafts" / "locale" / "en" / "LC_MESSAGES"
    catalogue = polib.pofile(str(path / "django.po"))
    assert "Nieuwe nota" in {entry.msgid for entry in catalogue}
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert catalogue.fuzzy_entries() == []


def test_nota_page_says_when_reactions_are_possible_and_hides_the_forms_after(
    client, admin, resident
):
    draft, _version = _open_nota(
        admin,
        resident,
        opens=lambda now: now - timedelta(days=1),
        closes=lambda now: now + timedelta(days=30),
    )
    client.force_login(resident)
    page = client.get(reverse("drafts:detail", args=[draft.slug])).content.decode()
    assert "U kunt reageren tot" in page and "Reactie plaatsen" in page
    setup.draft_period_close(draft=draft, by=admin, now=timezone.now())
    page = client.get(reverse("drafts:detail", args=[draft.slug])).content.decode()
    assert "De reactieperiode is gesloten sinds" in page
    assert "Reactie plaatsen" not in page and "Bekijk de wijziging" not in page


def test_a_cowriter_cannot_invite_others_to_the_nota(admin, resident):
    draft = start(admin)
    setup.draft_cowriter_invite(draft=draft, by=admin, username=resident.username)
    friend = UserFactory(roles=[Role.RESIDENT])
    with pytest.raises(PermissionError):
        services.draft_editor_invite(draft=draft, user=friend, by=resident)
    assert not rules.can_edit(friend, draft)


def test_staff_set_who_asked_for_the_nota_and_how_much_say_and_bad_input_is_refused(client, admin):
    draft = start(admin)
    client.force_login(admin)
    page = reverse("drafts:workspace", args=[draft.slug])
    form = client.get(page).content.decode()
    assert "Laat u dit leeg, dan staat in het participatieverslag: College van" in form
    assert 'id="ladder-advise" name="ladder" value="advise" checked' in form, "the default"
    details = reverse("drafts:workspace_details", args=[draft.slug])
    base = {"title": "Jeugdnota 2027", "summary": "Wat jongeren nodig hebben."}

    wrong = client.post(details, {**base, "commissioned_by": "Raad", "ladder": "veto"})
    assert wrong.status_code == 400
    assert "Kies hoeveel zeggenschap inwoners hebben." in wrong.content.decode()
    long = client.post(details, {**base, "commissioned_by": "R" * 201, "ladder": "advise"})
    assert long.status_code == 400
    assert "De opdrachtgever is hoogstens 200 tekens lang." in long.content.decode()
    draft.refresh_from_db()
    assert (draft.commissioned_by, draft.ladder) == ("", "advise"), "nothing stored"

    saved = client.post(
        details, {**base, "commissioned_by": " Gemeenteraad ", "ladder": "coproduce"}
    )
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert (draft.commissioned_by, draft.ladder) == ("Gemeenteraad", "coproduce")
    again = client.get(page).content.decode()
    assert 'value="Gemeenteraad"' in again
    assert 'id="ladder-coproduce" name="ladder" value="coproduce" checked' in again
