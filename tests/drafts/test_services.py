import pytest
from django.utils import timezone
from pycrdt import Doc

from deliberation.drafts import rules, selectors, services
from deliberation.drafts.models import Amendment, DraftSnapshot, DraftUpdate
from deliberation.drafts.outlines import OUTLINES, outline_for
from samenspel.models import Role
from tests.drafts.factories import Typist, make_draft, publish
from tests.factories import UserFactory
from voting import contexts
from voting.models import Poll

pytestmark = pytest.mark.django_db

TEXT = "# Sportnota\n\nDiemen wil dat iedereen kan sporten.\n\nHet zwembad blijft open.\n"


@pytest.fixture
def editor():
    return UserFactory(roles=[Role.EDITOR])


@pytest.fixture
def resident():
    return UserFactory(roles=[Role.RESIDENT])


def test_new_draft_starts_from_the_outline_of_its_kind():
    for kind in OUTLINES:
        draft = services.draft_create(
            slug=f"n-{kind}", title=kind, kind=kind, by=None, now=timezone.now()
        )
        text = selectors.draft_live_text(draft)
        assert text == outline_for(kind)
        assert "## 1. Inleiding" in text


def test_invited_resident_edits_only_that_draft(editor, resident):
    draft, other = make_draft(), make_draft()
    assert not rules.can_edit(resident, draft)
    with pytest.raises(PermissionError):
        services.draft_editor_invite(draft=draft, user=editor, by=resident)
    services.draft_editor_invite(draft=draft, user=resident, by=editor)
    assert rules.can_edit(resident, draft)
    assert not rules.can_edit(resident, other)


def test_versions_are_numbered_frozen_and_credit_contributors(editor, resident):
    draft = make_draft(text=TEXT)
    first = publish(draft, editor)
    assert (first.number, first.text) == (1, TEXT)
    services.draft_editor_invite(draft=draft, user=resident, by=editor)
    amendment = services.amendment_propose(
        version=first,
        by=resident,
        passage="blijft open",
        start=TEXT.index("blijft open"),
        replacement="gaat ook op zondag open",
        rationale="Gezinnen zwemmen in het weekend.",
        now=timezone.now(),
    )
    services.amendment_accept(amendment=amendment, by=editor, now=timezone.now())
    second = publish(draft, editor, note="Na de inspraak")
    first.refresh_from_db()
    assert first.text == TEXT
    assert second.number == 2
    assert "Het zwembad gaat ook op zondag open." in second.text
    assert list(second.contributors.all()) == [resident]
    with pytest.raises(PermissionError):
        publish(draft, resident)


def test_accepted_amendment_is_a_credited_edit_of_the_live_text(editor, resident):
    draft = make_draft(text=TEXT)
    version = publish(draft, editor)
    amendment = services.amendment_propose(
        version=version,
        by=resident,
        passage="iedereen",
        start=TEXT.index("iedereen"),
        replacement="elke inwoner",
        rationale="Duidelijker.",
        now=timezone.now(),
    )
    services.amendment_support(amendment=amendment, by=editor, now=timezone.now())
    services.amendment_support(amendment=amendment, by=editor, now=timezone.now())
    assert amendment.supports.count() == 1
    with pytest.raises(PermissionError):
        services.amendment_accept(amendment=amendment, by=resident, now=timezone.now())
    text = services.amendment_accept(amendment=amendment, by=editor, now=timezone.now())
    assert "Diemen wil dat elke inwoner kan sporten." in text
    assert selectors.draft_live_text(draft) == text
    assert DraftUpdate.objects.filter(draft=draft).last().author == resident
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.ACCEPTED
    with pytest.raises(services.DraftError):
        services.amendment_accept(amendment=amendment, by=editor, now=timezone.now())


def test_amendment_on_a_passage_that_no_longer_exists_is_refused_and_text_unchanged(
    editor, resident
):
    draft = make_draft(text=TEXT)
    version = publish(draft, editor)
    first, second = (
        services.amendment_propose(
            version=version,
            by=resident,
            passage="Het zwembad blijft open.",
            start=TEXT.index("Het zwembad"),
            replacement=replacement,
            rationale="Beter.",
            now=timezone.now(),
        )
        for replacement in ("Er komt een nieuw zwembad.", "Het zwembad sluit.")
    )
    services.amendment_accept(amendment=first, by=editor, now=timezone.now())
    before = selectors.draft_live_text(draft)
    with pytest.raises(services.DraftError, match="niet meer"):
        services.amendment_accept(amendment=second, by=editor, now=timezone.now())
    assert selectors.draft_live_text(draft) == before
    second.refresh_from_db()
    assert second.status == Amendment.Status.OPEN


def test_amendment_must_quote_the_version_and_rejection_needs_a_reason(editor, resident):
    draft = make_draft(text=TEXT)
    version = publish(draft, editor)
    with pytest.raises(services.DraftError):
        services.amendment_propose(
            version=version,
            by=resident,
            passage="staat er niet",
            start=0,
            replacement="x",
            rationale="y",
            now=timezone.now(),
        )
    amendment = services.amendment_propose(
        version=version,
        by=resident,
        passage="Sportnota",
        start=2,
        replacement="Sport- en beweegnota",
        rationale="Bewegen hoort erbij.",
        now=timezone.now(),
    )
    with pytest.raises(services.DraftError, match="reden"):
        services.amendment_reject(amendment=amendment, by=editor, reason=" ", now=timezone.now())
    services.amendment_reject(
        amendment=amendment, by=editor, reason="Past niet in de titel.", now=timezone.now()
    )
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.REJECTED
    assert amendment.decision_reason == "Past niet in de titel."


def test_a_batch_of_amendments_goes_to_a_vote_as_one_poll(editor, resident):
    draft = make_draft(text=TEXT)
    version = publish(draft, editor)
    amendments = [
        services.amendment_propose(
            version=version,
            by=resident,
            passage=passage,
            start=TEXT.index(passage),
            replacement=passage.upper(),
            rationale="Nadruk.",
            now=timezone.now(),
        )
        for passage in ("iedereen", "zwembad")
    ]
    batch = services.amendments_put_to_vote(amendments=amendments, by=editor, now=timezone.now())
    statuses = set(Amendment.objects.filter(vote_batch=batch).values_list("status", flat=True))
    assert statuses == {Amendment.Status.IN_VOTE}
    poll = Poll.objects.get()
    assert contexts.parse(poll.context) == contexts.PollContext(
        scope=draft.scope, amendments=batch
    )
    assert poll.options.count() == 2


def test_comments_thread_on_a_published_version_and_resolve(editor, resident):
    draft = make_draft(text=TEXT)
    with pytest.raises(services.DraftError, match="gepubliceerde"):
        services.comment_add(version=None, by=resident, body="Hoi", now=timezone.now())
    version = publish(draft, editor)
    comment = services.comment_add(
        version=version,
        by=resident,
        body="Ook voor mensen met een beperking?",
        passage="iedereen",
        start=TEXT.index("iedereen"),
        now=timezone.now(),
    )
    reply = services.comment_add(
        version=version, by=editor, body="Ja, zie hoofdstuk 6.", parent=comment, now=timezone.now()
    )
    nested = services.comment_add(
        version=version, by=resident, body="Dank!", parent=reply, now=timezone.now()
    )
    assert nested.parent == comment
    threads = selectors.comment_threads(version)
    assert [c.body for c in threads] == ["Ook voor mensen met een beperking?"]
    assert [r.body for r in threads[0].replies.all()] == ["Ja, zie hoofdstuk 6.", "Dank!"]
    other = UserFactory()
    with pytest.raises(PermissionError):
        services.comment_resolve(comment=comment, by=other, now=timezone.now())
    services.comment_resolve(comment=comment, by=editor, now=timezone.now())
    comment.refresh_from_db()
    assert comment.resolved_by == editor


def test_compaction_keeps_the_text_identical_and_the_authors(editor):
    draft = make_draft(text="")
    doc, _last = selectors.draft_document(draft.pk)
    text = selectors.live_text_of(doc)
    for index in range(30):
        before = doc.get_state()
        text.insert(len(str(text)), f"regel {index}\n")
        services.draft_update_store(
            draft_id=draft.pk, data=doc.get_update(before), author_id=editor.pk, now=timezone.now()
        )
    expected = selectors.draft_live_text(draft)
    services.draft_compact(draft_id=draft.pk, now=timezone.now())
    assert selectors.draft_live_text(draft) == expected == str(text)
    assert not DraftUpdate.objects.filter(draft=draft, compacted=False).exists()
    assert DraftUpdate.objects.filter(draft=draft, author=editor).count() == 30
    # Writing goes on after compaction, and a second compaction still agrees.
    before = doc.get_state()
    text.insert(0, "Kop\n")
    services.draft_update_store(
        draft_id=draft.pk, data=doc.get_update(before), author_id=editor.pk, now=timezone.now()
    )
    services.draft_compact(draft_id=draft.pk, now=timezone.now())
    assert selectors.draft_live_text(draft) == "Kop\n" + expected
    assert publish(draft, editor).contributors.get() == editor


def test_a_room_a_compaction_behind_catches_up_from_updates_and_one_further_behind_from_the_snapshot(
    editor,
):
    draft = make_draft(text="")
    typist = Typist(draft, editor)
    write = typist.write

    first_chunks, first_read = selectors.draft_updates_since(draft.pk, 0)
    een = write("een\n")
    services.draft_compact(draft_id=draft.pk, now=timezone.now())
    write("twee\n")
    _chunks, second_read = selectors.draft_updates_since(draft.pk, 0)
    drie = write("drie\n")
    services.draft_compact(draft_id=draft.pk, now=timezone.now())
    snapshot = DraftSnapshot.objects.get(draft=draft)

    # A room that read up to "twee" gets just "drie", though it is folded into the snapshot.
    chunks, last = selectors.draft_updates_since(draft.pk, second_read)
    assert chunks == [drie] and last == snapshot.last_update_id
    # A room that read the log before "een" was written lacks it, and the second compaction
    # emptied its bytes: that room gets the snapshot, and ends with the whole text.
    chunks, last = selectors.draft_updates_since(draft.pk, first_read)
    assert chunks == [bytes(snapshot.data)] and een not in chunks
    behind = Doc()
    for chunk in [*first_chunks, *chunks]:
        behind.apply_update(chunk)
    assert str(selectors.live_text_of(behind)) == "een\ntwee\ndrie\n" == str(typist.text)
    assert selectors.draft_live_text(draft) == str(typist.text)


def test_final_version_goes_to_the_council(editor):
    draft = make_draft(text=TEXT)
    publish(draft, editor)
    with pytest.raises(services.DraftError):
        services.draft_send_to_council(draft=draft, by=editor, now=timezone.now())
    final = publish(draft, editor, final=True)
    assert services.draft_send_to_council(draft=draft, by=editor, now=timezone.now()) == final
    draft.refresh_from_db()
    assert draft.sent_to_council_at is not None


def test_amendment_after_accents_and_euro_signs_replaces_exactly_the_passage(editor, resident):
    text = "# Financiën\n\nHet budget is € 2,1 miljoen; één deel gaat naar cafés.\n"
    draft = make_draft(text=text)
    version = publish(draft, editor)
    amendment = services.amendment_propose(
        version=version,
        by=resident,
        passage="naar cafés",
        start=text.index("naar cafés"),
        replacement="naar verenigingen",
        rationale="Sport eerst.",
        now=timezone.now(),
    )
    services.amendment_accept(amendment=amendment, by=editor, now=timezone.now())
    assert selectors.draft_live_text(draft) == text.replace("naar cafés", "naar verenigingen")


def test_an_amendment_already_in_a_vote_is_not_put_to_a_second_vote(editor, resident):
    draft = make_draft(text=TEXT)
    version = publish(draft, editor)
    amendment = services.amendment_propose(
        version=version,
        by=editor,
        passage="blijft open",
        start=TEXT.index("blijft open"),
        replacement="gaat ook op zondag open",
        rationale="Gezinnen zwemmen in het weekend.",
        now=timezone.now(),
    )
    services.amendments_put_to_vote(amendments=[amendment], by=editor, now=timezone.now())
    with pytest.raises(services.DraftError, match="al in stemming"):
        services.amendments_put_to_vote(amendments=[amendment], by=editor, now=timezone.now())
