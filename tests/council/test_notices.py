"""Residents are told when the council's answer on what they contributed to changes: in the
platform (``/raad/nieuws/`` and the home page) and in one e-mail a day at most; staff never,
and a notice names no other resident."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from html import unescape
from io import StringIO

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from council import notices, services
from council.models import Notice, NoticeSetting
from deliberation.drafts.models import Amendment, Draft, Support, Version
from deliberation.models import Idea, Participant
from samenspel.models import Role, User
from tests.council.factories import council_setup
from tests.factories import UserFactory
from tests.privacy import as_a_word
from voting import contexts
from voting.models import Eligibility, Option, Poll

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what services do after commit, as a real request would."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def poll_with(context: str, references: list[str], *, voted: list[User], idle=()) -> Poll:
    poll = Poll.objects.create(
        title="Stemming",
        method="approval",
        context=context,
        status=Poll.Status.CLOSED,
        created_at=timezone.now(),
    )
    for position, reference in enumerate(references, start=1):
        Option.objects.create(poll=poll, position=position, title=reference, reference=reference)
    for person in voted:
        Eligibility.objects.create(poll=poll, participant=person, has_voted=True)
    for person in idle:
        Eligibility.objects.create(poll=poll, participant=person, has_voted=False)
    return poll


def answer_proposal(committed, setup, proposal, status_key="adopted", **given):
    return committed(
        services.answer_record,
        proposal=proposal,
        by=setup.griffie,
        given=services.AnswerInput(status_key=status_key, **given),
    )


def told() -> set[str]:
    return set(Notice.objects.values_list("person__username", flat=True))


def test_idea_authors_table_members_and_voters_are_told_others_and_staff_not(committed):
    setup = council_setup()
    summit, proposal = setup.summit, setup.proposals[0]
    # Table 1 seats residents 0 and 2; resident 0 wrote the idea of every proposal.
    participants = Participant.objects.filter(summit=summit).select_related("user", "table")
    at_table_1 = {p.user.username for p in participants if p.table and p.table.number == 1}
    elsewhere = {p.user.username for p in participants} - at_table_1
    author_elsewhere = UserFactory(roles=[(Role.RESIDENT, summit.scope)])
    Idea.objects.create(
        summit=summit,
        table=proposal.table,
        author=author_elsewhere,
        text="Bomen langs de Arent Krijtsstraat",
        created_at=timezone.now(),
        updated_at=timezone.now(),
    ).proposals.add(proposal)
    hidden_author = UserFactory(roles=[(Role.RESIDENT, summit.scope)])
    Idea.objects.create(
        summit=summit,
        table=proposal.table,
        author=hidden_author,
        text="Verborgen idee",
        status=Idea.Status.HIDDEN,
        created_at=timezone.now(),
        updated_at=timezone.now(),
    ).proposals.add(proposal)
    voter, idle, other_voter = (UserFactory(roles=[(Role.RESIDENT, summit.scope)]) for _ in "abc")
    step = contexts.summit_step(summit.slug, 7)
    poll_with(step, ["proposal:1", "proposal:2"], voted=[voter], idle=[idle])
    poll_with(step.replace("7", "8"), ["proposal:2"], voted=[other_voter])
    # Staff who took part are never told: a council member's idea, the griffie at the table.
    staff_idea = Idea.objects.create(
        summit=summit,
        table=proposal.table,
        author=setup.member,
        text="Idee van een raadslid",
        created_at=timezone.now(),
        updated_at=timezone.now(),
    )
    staff_idea.proposals.add(proposal)
    Participant.objects.create(summit=summit, user=setup.griffie, table=proposal.table)

    answer_proposal(committed, setup, proposal)

    expected = at_table_1 | {author_elsewhere.username, voter.username}
    assert told() == expected
    assert not told() & elsewhere
    for left_out in (hidden_author, idle, other_voter, setup.member, setup.griffie):
        assert left_out.username not in told()
    notice = Notice.objects.get(person__username=voter.username)
    assert (notice.status_before, notice.status_after) == ("", "aangenomen")


def draft_with_amendment() -> tuple[Draft, Amendment, User, User]:
    now = timezone.now()
    editor = UserFactory(roles=[Role.EDITOR])
    draft = Draft.objects.create(slug="sportnota", title="Sportnota", kind="sport", created_at=now)
    version = Version.objects.create(
        draft=draft, number=1, text="De sporthal gaat om 22 uur dicht.", published_at=now
    )
    author, supporter = UserFactory(), UserFactory()
    amendment = Amendment.objects.create(
        draft=draft,
        version=version,
        author=author,
        passage="22 uur",
        replacement="23 uur",
        rationale="Teams trainen laat.",
        created_at=now,
    )
    Support.objects.create(amendment=amendment, user=supporter, created_at=now)
    Support.objects.create(amendment=amendment, user=editor, created_at=now)
    return draft, amendment, author, supporter


def test_an_amendments_proposer_supporters_and_voters_are_told_staff_not(committed):
    setup = council_setup()
    draft, amendment, author, supporter = draft_with_amendment()
    voter, bystander = UserFactory(), UserFactory()
    batch = contexts.draft_amendments(draft.slug, uuid.uuid4())
    poll_with(batch, [f"amendment:{amendment.pk}"], voted=[voter], idle=[bystander])
    committed(
        services.amendment_answer_record,
        amendment=amendment,
        by=setup.griffie,
        given=services.AnswerInput(status_key="in_progress"),
    )
    assert told() == {author.username, supporter.username, voter.username}
    views = notices.notices_of(User.objects.get(pk=author.pk))
    assert views[0].subject == "Amendement 1 op Sportnota"
    assert views[0].url == "/raad/nota/sportnota/#amendement-1"


def test_each_change_is_one_notice_in_words_and_saving_the_same_answer_again_tells_nobody(
    committed,
):
    setup = council_setup()
    proposal = setup.proposals[0]
    answer_proposal(committed, setup, proposal, "in_progress")
    answer_proposal(committed, setup, proposal, "adopted")
    answer_proposal(committed, setup, proposal, "adopted", reasons="Vanaf mei.")
    answer_proposal(committed, setup, proposal, "adopted", reasons="Vanaf mei.")
    views = notices.notices_of(User.objects.get(pk=setup.resident.pk))
    assert [view.summary for view in views] == [
        "De raad heeft de toelichting bijgewerkt. De status blijft: aangenomen.",
        "De status is veranderd van 'in behandeling' in 'aangenomen'.",
        "De raad heeft geantwoord: in behandeling.",
    ]
    assert views[0].subject == "Voorstel 1: Voorstel over bomen 1"
    assert views[0].url == f"/raad/burgertop/{setup.summit.slug}/#voorstel-1"


def test_an_imported_file_tells_the_contributors_too(committed):
    setup = council_setup()
    data = (
        "burgertop,voorstel,titel,status,toelichting,besluitdatum,raadsbesluit,mijlpalen\n"
        f"{setup.summit.slug},1,,adopted,Goed plan,,,\n"
        f"{setup.summit.slug},2,,not_adopted,Te duur,,,\n"
    ).encode()
    committed(services.answer_file_import, by=setup.griffie, data=data)
    # Resident 0 wrote the ideas of both; resident 1 sat at table 2 only.
    per_person = {
        name: sorted(
            Notice.objects.filter(person__username=name).values_list(
                "answer__proposal__number", flat=True
            )
        )
        for name in told()
    }
    assert per_person[setup.resident.username] == [1, 2]
    at_table_2 = Participant.objects.filter(summit=setup.summit, table__number=2)
    for name in at_table_2.values_list("user__username", flat=True):
        assert per_person[name] == [2]


def send(now=None) -> str:
    out = StringIO()
    if now is None:
        call_command(
            "send_council_notices", "--site-url", "https://samenspel.diemen.nl", stdout=out
        )
    else:
        run = notices.notice_digests_send(now=now, site_url="https://samenspel.diemen.nl")
        out.write(f"sent {run.sent} held back {run.held_back}")
    return out.getvalue()


def test_two_changes_in_a_day_make_one_email_and_a_second_run_sends_nothing(committed):
    setup = council_setup()
    answer_proposal(committed, setup, setup.proposals[0], "in_progress")
    answer_proposal(committed, setup, setup.proposals[1], "not_adopted")
    resident = setup.resident
    output = send()
    mine = [m for m in mail.outbox if m.to == [resident.email]]
    assert len(mine) == 1
    body = mine[0].body
    assert "Voorstel 1: Voorstel over bomen 1" in body
    assert "Voorstel 2: Voorstel over bomen 2" in body
    assert f"https://samenspel.diemen.nl/raad/burgertop/{setup.summit.slug}/#voorstel-2" in body
    # Only the reader's own news: no other resident is named.
    others = User.objects.exclude(pk=resident.pk)
    for other in others:
        assert as_a_word(body, other.public_name) is None, other.public_name
        assert other.email not in body
    assert "sent" in output
    sent_before = len(mail.outbox)
    assert "sent 0 e-mails" in send()
    assert len(mail.outbox) == sent_before


def test_nobody_gets_a_second_email_within_24_hours_but_gets_it_the_next_day(committed):
    setup = council_setup()
    now = timezone.now()
    answer_proposal(committed, setup, setup.proposals[0], "in_progress")
    send(now)  # every contributor mailed once
    first = len(mail.outbox)
    assert first >= 1
    answer_proposal(committed, setup, setup.proposals[0], "adopted")
    later = send(now + timedelta(hours=5))
    assert len(mail.outbox) == first
    assert f"held back {first}" in later
    send(now + timedelta(hours=25))
    assert len(mail.outbox) == 2 * first
    assert "'in behandeling' in 'aangenomen'" in mail.outbox[-1].body


def test_someone_without_an_email_address_reads_it_in_the_platform_only(committed):
    setup = council_setup()
    User.objects.filter(pk=setup.resident.pk).update(email="")
    answer_proposal(committed, setup, setup.proposals[0])
    output = send()
    assert all(setup.resident.email not in m.to for m in mail.outbox)
    assert "1 people without an e-mail address" in output
    assert Notice.objects.filter(person=setup.resident).exists()


def page(client: Client, url: str = "/raad/nieuws/") -> str:
    return unescape(client.get(url).content.decode())


def test_the_resident_reads_the_news_and_marks_it_read(committed):
    setup = council_setup()
    answer_proposal(committed, setup, setup.proposals[0], "adopted")
    answer_proposal(committed, setup, setup.proposals[1], "not_adopted")
    client = Client()
    client.force_login(setup.resident)
    home = page(client, "/")
    assert "Nieuws over uw voorstellen" in home
    assert "Al uw berichten (2 nieuw)" in home
    news = page(client)
    assert "Voorstel 1: Voorstel over bomen 1" in news
    assert "De raad heeft geantwoord: niet aangenomen." in news
    assert f'href="/raad/burgertop/{setup.summit.slug}/#voorstel-1"' in news
    first = Notice.objects.filter(person=setup.resident).order_by("pk").first()
    assert first is not None
    response = client.post("/raad/nieuws/gelezen/", {"notice": first.pk}, follow=True)
    assert "Het bericht staat op gelezen." in unescape(response.content.decode())
    assert "Al uw berichten (1 nieuw)" in page(client, "/")
    client.post("/raad/nieuws/gelezen/")
    assert "Al uw berichten (0 nieuw)" in page(client, "/")
    assert not Notice.objects.filter(read_at__isnull=True, person=setup.resident).exists()


def test_nobody_marks_or_reads_someone_elses_notices(committed):
    setup = council_setup()
    answer_proposal(committed, setup, setup.proposals[0])
    notice = Notice.objects.filter(person=setup.resident).get()
    stranger = UserFactory(roles=[Role.RESIDENT])
    client = Client()
    client.force_login(stranger)
    client.post("/raad/nieuws/gelezen/", {"notice": notice.pk})
    notice.refresh_from_db()
    assert notice.read_at is None
    assert "Voorstel over bomen" not in page(client)
    assert "Nieuws over uw voorstellen" not in page(client, "/")
    assert Client().get("/raad/nieuws/").status_code == 302


STOP_LINK = re.compile(r"https://samenspel\.diemen\.nl(/raad/nieuws/stoppen/[^/\s]+/)")


def test_a_resident_who_turned_the_email_off_gets_none_while_another_does(committed):
    setup = council_setup()
    answer_proposal(committed, setup, setup.proposals[0])
    other = next(
        person
        for person in User.objects.filter(council_notices__isnull=False).distinct()
        if person.pk != setup.resident.pk and person.email
    )
    notices.notice_email_set(person=setup.resident, email=False, now=timezone.now())
    assert "1 people who turned the e-mail off" in send()
    assert all(message.to != [setup.resident.email] for message in mail.outbox)
    assert any(message.to == [other.email] for message in mail.outbox)
    # Still in the platform, and not marked mailed: turning it on again mails it.
    assert "Voorstel over bomen 1" in page(logged_in(setup.resident))
    assert Notice.objects.filter(person=setup.resident, emailed_at__isnull=True).exists()
    notices.notice_email_set(person=setup.resident, email=True, now=timezone.now())
    send()
    assert [m for m in mail.outbox if m.to == [setup.resident.email]]


def logged_in(person: User) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_every_email_says_how_to_stop_and_its_link_stops_it_without_logging_in(committed):
    setup = council_setup()
    answer_proposal(committed, setup, setup.proposals[0])
    send()
    body = next(m.body for m in mail.outbox if m.to == [setup.resident.email])
    assert "Wilt u deze e-mails niet meer? Zet ze uit op" in body
    assert "https://samenspel.diemen.nl/raad/nieuws/#email" in body
    found = STOP_LINK.search(body)
    assert found is not None
    stranger = Client(enforce_csrf_checks=True)
    shown = stranger.get(found.group(1))
    assert shown.status_code == 200
    text = unescape(shown.content.decode())
    assert "Stop deze e-mails" in text
    assert notices.notice_email_wanted(setup.resident)  # a GET (a mail scanner) changes nothing
    token = shown.cookies["csrftoken"].value
    stopped = stranger.post(found.group(1), {"csrfmiddlewaretoken": token})
    assert stopped.status_code == 200
    text = unescape(stopped.content.decode())
    assert "U krijgt geen e-mails meer" in text
    assert 'href="/raad/nieuws/#email"' in text
    assert not notices.notice_email_wanted(setup.resident)
    # Without the CSRF token a POST changes nothing.
    notices.notice_email_set(person=setup.resident, email=True, now=timezone.now())
    assert Client(enforce_csrf_checks=True).post(found.group(1)).status_code == 403
    assert notices.notice_email_wanted(setup.resident)


def test_a_tampered_stop_link_gives_a_dutch_page_and_changes_nothing(committed):
    setup = council_setup()
    token = notices.stop_token(setup.resident.pk)
    other = UserFactory(roles=[Role.RESIDENT])
    # Another person's payload under this token's signature, another app's salt, a cut.
    forged = notices.stop_token(other.pk).split(":")[0] + ":" + token.split(":", 1)[1]
    salted = signing.dumps({"user": setup.resident.pk}, salt="samenspel.other")
    for bad in (forged, salted, token[:-2] + "xx", "onzin"):
        for response in (
            Client().get(f"/raad/nieuws/stoppen/{bad}/"),
            Client().post(f"/raad/nieuws/stoppen/{bad}/"),
        ):
            assert response.status_code == 400
            assert "Deze link werkt niet." in unescape(response.content.decode())
    assert notices.notice_email_wanted(setup.resident)
    assert notices.notice_email_wanted(other)


def test_the_resident_turns_the_email_off_and_on_again_on_the_news_page(committed):
    setup = council_setup()
    client = logged_in(setup.resident)
    news = page(client)
    assert "E-mail mij als de raad iets doet met mijn voorstellen" in news
    assert 'name="email" aria-describedby="id_email-help" checked' in news
    response = client.post("/raad/nieuws/email/", {}, follow=True)
    text = unescape(response.content.decode())
    assert "Opgeslagen: u krijgt geen e-mail meer." in text
    assert 'name="email" aria-describedby="id_email-help">' in text
    assert not notices.notice_email_wanted(setup.resident)
    response = client.post("/raad/nieuws/email/", {"email": "on"}, follow=True)
    text = unescape(response.content.decode())
    assert "Opgeslagen: u krijgt een e-mail als er nieuws is." in text
    assert 'aria-describedby="id_email-help" checked' in text
    assert notices.notice_email_wanted(setup.resident)


def test_staff_and_anonymous_users_cannot_change_someone_elses_choice(committed):
    setup = council_setup()
    anonymous = Client().post("/raad/nieuws/email/", {"user": setup.resident.pk})
    assert anonymous.status_code == 302
    assert not NoticeSetting.objects.filter(user=setup.resident).exists()
    staff = logged_in(setup.griffie)
    staff.post("/raad/nieuws/email/", {"user": setup.resident.pk, "person": setup.resident.pk})
    assert notices.notice_email_wanted(setup.resident)
    # The staff member changed only their own choice.
    assert not notices.notice_email_wanted(setup.griffie)
    assert list(NoticeSetting.objects.values_list("user_id", flat=True)) == [setup.griffie.pk]
