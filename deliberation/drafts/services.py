"""Every write of co-writing: drafts, the update log, versions, comments, amendments."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from pycrdt import Doc, create_update_message, merge_updates

from samenspel import services as core_services
from samenspel.live.broadcast import broadcast
from samenspel.models import MODERATION_REASON_MAX_LENGTH, Role, User
from voting import amendments as voting_amendments
from voting import contexts
from voting.services import OptionSpec

from . import electorates, rules
from .electorates import Electorate
from .models import (
    Amendment,
    Comment,
    CommentModeration,
    Draft,
    DraftSnapshot,
    DraftUpdate,
    Support,
    Version,
)
from .outlines import outline_for
from .passages import VersionText
from .selectors import draft_document, draft_log_uncompacted, live_text_of

# Compact once this many updates have arrived since the last snapshot. A room that is being
# typed in waits for a quiet moment, until the log has grown to COMPACT_BUSY_FACTOR times it.
COMPACT_AFTER = settings.DRAFT_COMPACT_AFTER
COMPACT_BUSY_FACTOR = 4
MAX_PASSAGE = 5000
MAX_BODY = 5000


class DraftError(ValueError):
    """A refused change; ``str(error)`` is the message to show (translated)."""


def draft_group(slug: str) -> str:
    return f"draft.{slug}"


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionError(message)


def draft_create(
    *,
    slug: str,
    title: str,
    kind: str,
    by: User | None,
    now: datetime,
    text: str | None = None,
    summary: str = "",
) -> Draft:
    """A new draft whose live text starts as ``text`` or the outline of its kind."""
    with transaction.atomic():
        draft = Draft.objects.create(
            slug=slug, title=title, kind=kind, summary=summary, created_at=now, created_by=by
        )
        doc: Doc = Doc()
        live_text_of(doc).insert(0, text if text is not None else outline_for(kind))
        DraftUpdate.objects.create(draft=draft, data=doc.get_update(), author=by, created_at=now)
    return draft


def draft_update_store(*, draft_id: int, data: bytes, author_id: int | None, now: datetime) -> None:
    """Append one update a connected editor made (see draft_updates_store)."""
    draft_updates_store(draft_id=draft_id, updates=[(data, author_id)], now=now)


def draft_updates_store(
    *, draft_id: int, updates: Sequence[tuple[bytes, int | None]], now: datetime
) -> None:
    """Append updates editors made, in arrival order, and compact the log here once
    ``COMPACT_AFTER`` updates have not been folded in (a script or a test: no room to do it)."""
    draft_updates_append(draft_id=draft_id, updates=updates, now=now)
    if draft_log_uncompacted(draft_id) >= COMPACT_AFTER:
        draft_compact(draft_id=draft_id, now=now)


def draft_updates_append(
    *, draft_id: int, updates: Sequence[tuple[bytes, int | None]], now: datetime
) -> None:
    """Append updates editors made, in arrival order, and nothing else: a room compacts the
    log itself, in a quiet moment (``updatelog.compact_quiet``).

    The consumer checked ``drafts.edit`` when the socket connected and refuses readers' frames.

    The rows are written holding the draft's lock, as every writer of the log does: so the
    ids of one draft's rows become visible in the order they were given out. Without it a
    process could commit ids 11-20 while another still held 1-10 uncommitted, and a room
    reading "after 0" in between would move past 1-10 and never read them.
    """
    rows = [
        DraftUpdate(draft_id=draft_id, data=data, author_id=author_id, created_at=now)
        for data, author_id in updates
    ]
    with transaction.atomic():
        Draft.objects.select_for_update().only("pk").get(pk=draft_id)
        DraftUpdate.objects.bulk_create(rows)


def compact_check_every() -> int:
    """How many stored updates a room lets pass before it asks whether to compact: counting
    the log for every batch was a query in the database thread four to ten times a second."""
    return max(1, min(100, COMPACT_AFTER // 5))


def draft_compact(*, draft_id: int, now: datetime) -> DraftSnapshot:
    """Fold the log into one snapshot; the text stays identical and authorship is kept.

    The snapshot is the previous one merged with the updates after it (``merge_updates``),
    not a document rebuilt from them: a document leaves out of its encoding the updates it
    holds back because one they build on has not arrived (an edit stored by one process
    before the edit it builds on is stored by another), and such an update, once folded
    and emptied, would be lost for good. A merge keeps it until the missing one comes.
    Merging took 3.5 ms for 500 updates on a 6,000-word draft (rebuilding 6.4 ms).

    The updates this snapshot folds in keep their bytes until the next compaction: a room
    that read the log up to somewhere before this snapshot (every room a moment ago) catches
    up from those few updates instead of applying the whole snapshot to its document, which
    took 11 ms of the event loop for a 6,000-word draft, after every compaction, in every
    process. The updates the previous snapshot folded in are emptied now.
    """
    with transaction.atomic():
        Draft.objects.select_for_update().only("pk").get(pk=draft_id)
        previous = DraftSnapshot.objects.filter(draft_id=draft_id).first()
        after = previous.last_update_id if previous is not None else 0
        log = DraftUpdate.objects.filter(draft_id=draft_id)
        rows = list(log.filter(id__gt=after).order_by("id").values_list("id", "data"))
        if not rows:
            assert previous is not None  # draft_create writes the first update
            return previous  # nothing written since
        parts = [bytes(previous.data)] if previous is not None else []
        parts += [bytes(data) for _id, data in rows]
        last = rows[-1][0]
        snapshot = DraftSnapshot.objects.create(
            draft_id=draft_id,
            data=merge_updates(*parts) if len(parts) > 1 else parts[0],
            last_update_id=last,
            created_at=now,
        )
        log.filter(id__lte=last, compacted=False).update(compacted=True)
        if previous is not None:
            log.filter(id__lte=previous.last_update_id, compacted=True).exclude(data=b"").update(
                data=b""
            )
        DraftSnapshot.objects.filter(draft_id=draft_id).exclude(pk=snapshot.pk).delete()
    return snapshot


def _apply_edit(
    *, draft: Draft, author: User | None, now: datetime, edit: Callable[[Doc], None]
) -> str:
    """Change the live text on the server like any client would, log it and send it out."""
    doc, _last = draft_document(draft.pk)
    before = doc.get_state()
    with doc.transaction():
        edit(doc)
    update = doc.get_update(before)
    DraftUpdate.objects.create(draft=draft, data=update, author=author, created_at=now)
    broadcast(draft_group(draft.slug), create_update_message(update))
    return str(live_text_of(doc))


def draft_editor_invite(*, draft: Draft, user: User, by: User) -> None:
    """An editor lets a resident co-write this draft (a co-writer does not invite others;
    the workspace's ``setup.draft_cowriter_invite`` also says whether they already could)."""
    _require(rules.can_manage(by, draft), _("Alleen redacteuren mogen mensen uitnodigen."))
    core_services.role_grant(user=user, role=str(Role.EDITOR), scope=draft.scope)


def version_publish(
    *, draft: Draft, by: User, now: datetime, note: str = "", final: bool = False
) -> Version:
    """Freeze the live text as the next numbered version, crediting everyone who wrote
    since the previous version (from the update log)."""
    _require(rules.can_decide(by, draft), _("Alleen redacteuren mogen een versie publiceren."))
    with transaction.atomic():
        Draft.objects.select_for_update().get(pk=draft.pk)
        previous = draft.versions.order_by("-number").first()
        doc, last = draft_document(draft.pk)
        version = Version.objects.create(
            draft=draft,
            number=(previous.number + 1) if previous else 1,
            text=str(live_text_of(doc)),
            last_update_id=last,
            published_at=now,
            published_by=by,
            note=note[:300],
            is_final=final,
        )
        since = previous.last_update_id if previous else 0
        author_ids = set(
            DraftUpdate.objects.filter(draft=draft, id__gt=since, id__lte=last)
            .exclude(author=None)
            .values_list("author_id", flat=True)
        )
        version.contributors.set(author_ids)
    return version


def draft_send_to_council(*, draft: Draft, by: User, now: datetime) -> Version:
    """Mark the draft as sent to the council; its final version is what the council reads."""
    _require(rules.can_decide(by, draft), _("Alleen redacteuren mogen een nota aanbieden."))
    with transaction.atomic():
        locked = Draft.objects.select_for_update().get(pk=draft.pk)
        final = locked.versions.filter(is_final=True).order_by("-number").first()
        if final is None:
            raise DraftError(_("Publiceer eerst een definitieve versie."))
        locked.sent_to_council_at = now
        locked.save(update_fields=["sent_to_council_at"])
    draft.sent_to_council_at = now
    return final


def _check_period(draft: Draft, by: User, now: datetime) -> None:
    """Outside the reaction period only the nota's editors still write (an answer, say)."""
    refusal = rules.reaction_refusal(draft, now)
    if refusal is not None and not rules.can_decide(by, draft):
        raise DraftError(refusal)


def _check_passage(version: Version, passage: str, start: int) -> None:
    if not passage or len(passage) > MAX_PASSAGE:
        raise DraftError(_("Kies een stuk tekst van de versie."))
    if version.text[start : start + len(passage)] != passage:
        raise DraftError(_("Dit stuk tekst staat niet (meer) op die plek in de versie."))


def passage_find(
    *, version: Version, quoted: str, near: int | None = None, whole: bool = False
) -> tuple[str, int]:
    """The passage a reader quoted from the page, as (slice of the version's markdown, offset).

    ``quoted`` is text as the page shows it (a selection) or a piece of the markdown itself;
    ``near`` picks among repeats (an offset in the shown text). With ``whole`` (amendments)
    the slice must not begin or end inside a link or a table, which replacing would break.
    """
    if not quoted.strip() or len(quoted) > MAX_PASSAGE:
        raise DraftError(_("Kies een stuk tekst van de versie."))
    found = VersionText(version.text).locate(quoted, near=near)
    if found is None:
        raise DraftError(_("Dit stuk tekst staat niet (meer) op die plek in de versie."))
    if whole and not found.whole:
        raise DraftError(
            _(
                "Dit stuk tekst begint of eindigt midden in een link, lijst of tabel. "
                "Kies iets meer of iets minder tekst."
            )
        )
    return found.text, found.start


def comment_add(
    *,
    version: Version | None,
    by: User,
    body: str,
    now: datetime,
    passage: str = "",
    start: int = 0,
    parent: Comment | None = None,
) -> Comment:
    """Comment on a passage of a published version, or reply to a comment."""
    if version is None or version.pk is None:
        raise DraftError(_("Reageren kan alleen op een gepubliceerde versie."))
    _require(rules.can_react(by, version.draft), _("Log in om te reageren."))
    _check_period(version.draft, by, now)
    body = body.strip()
    if not body or len(body) > MAX_BODY:
        raise DraftError(_("Een reactie is 1 tot 5000 tekens lang."))
    if parent is not None:
        if parent.version_id != version.pk:
            raise DraftError(_("Dit antwoord hoort bij een andere versie."))
        parent = parent.parent or parent  # threads are one level deep
        passage, start = "", 0
    else:
        _check_passage(version, passage, start)
    return Comment.objects.create(
        version=version,
        parent=parent,
        author=by,
        passage=passage,
        start=start,
        body=body,
        created_at=now,
    )


def comment_resolve(*, comment: Comment, by: User, now: datetime) -> None:
    """Close a thread: an editor or the person who started it."""
    draft = comment.version.draft
    _require(
        rules.can_decide(by, draft) or comment.author_id == by.pk,
        _("Alleen de schrijver of een redacteur mag dit afronden."),
    )
    comment.resolved_at = now
    comment.resolved_by = by
    comment.save(update_fields=["resolved_at", "resolved_by"])


def _moderation_allowed(comment: Comment, by: User) -> Draft:
    draft = comment.version.draft
    _require(rules.can_moderate(by, draft), _("U mag de reacties op deze nota niet modereren."))
    if draft.sent_to_council_at is not None:
        raise DraftError(
            _("Deze nota is naar de raad gestuurd: de reacties blijven zoals ze waren.")
        )
    return draft


def comment_hide(*, comment: Comment, by: User, reason: str, now: datetime) -> bool:
    """Hide a comment or reply from the nota's pages, with a reason (1 to 500 characters);
    the text stays stored and the moderation queue shows it. False when it was hidden already."""
    reason = " ".join(reason.split())
    if not reason:
        raise DraftError(_("Geef een reden op waarom u dit verbergt."))
    if len(reason) > MODERATION_REASON_MAX_LENGTH:
        raise DraftError(
            _("Een reden is hoogstens %(limit)s tekens lang.")
            % {"limit": MODERATION_REASON_MAX_LENGTH}
        )
    with transaction.atomic():
        comment = (
            Comment.objects.select_for_update().select_related("version__draft").get(pk=comment.pk)
        )
        draft = _moderation_allowed(comment, by)
        if comment.hidden_at is not None:
            return False
        comment.hidden_at = now
        comment.save(update_fields=["hidden_at"])
        CommentModeration.objects.create(
            draft=draft,
            comment=comment,
            action=CommentModeration.Action.HIDE,
            reason=reason,
            by=by,
            at=now,
        )
        return True


def comment_moderation_undo(*, comment_id: int, by: User, now: datetime) -> bool:
    """Put a hidden comment back on the nota's pages. False when it was visible already."""
    with transaction.atomic():
        comment = (
            Comment.objects.select_for_update().select_related("version__draft").get(pk=comment_id)
        )
        draft = _moderation_allowed(comment, by)
        if comment.hidden_at is None:
            return False
        comment.hidden_at = None
        comment.save(update_fields=["hidden_at"])
        CommentModeration.objects.create(
            draft=draft, comment=comment, action=CommentModeration.Action.RESTORE, by=by, at=now
        )
        return True


def amendment_propose(
    *,
    version: Version,
    by: User,
    passage: str,
    start: int,
    replacement: str,
    rationale: str,
    now: datetime,
) -> Amendment:
    """Propose to replace a passage of a published version, with a reason."""
    _require(rules.can_react(by, version.draft), _("Log in om een amendement in te dienen."))
    _check_period(version.draft, by, now)
    _check_passage(version, passage, start)
    rationale = rationale.strip()
    if not rationale:
        raise DraftError(_("Leg uit waarom u dit wilt veranderen."))
    if replacement == passage:
        raise DraftError(_("De nieuwe tekst is gelijk aan de oude."))
    if len(replacement) > MAX_PASSAGE or len(rationale) > MAX_BODY:
        raise DraftError(_("Het amendement is te lang."))
    return Amendment.objects.create(
        draft=version.draft,
        version=version,
        author=by,
        passage=passage,
        start=start,
        replacement=replacement,
        rationale=rationale,
        created_at=now,
    )


def amendment_support(*, amendment: Amendment, by: User, now: datetime) -> None:
    """Support an open amendment; supporting twice counts once."""
    _require(rules.can_react(by, amendment.draft), _("Log in om te steunen."))
    _check_period(amendment.draft, by, now)
    if amendment.status != Amendment.Status.OPEN:
        raise DraftError(_("Over dit amendement is al besloten."))
    Support.objects.get_or_create(amendment=amendment, user=by, defaults={"created_at": now})


def _lock_open(amendment: Amendment, statuses: Sequence[str]) -> Amendment:
    locked = Amendment.objects.select_for_update().select_related("draft").get(pk=amendment.pk)
    if locked.status not in statuses:
        if locked.status == Amendment.Status.IN_VOTE:
            raise DraftError(_("Dit amendement is al in stemming."))
        raise DraftError(_("Over dit amendement is al besloten."))
    return locked


def amendment_accept(*, amendment: Amendment, by: User, now: datetime) -> str:
    """Apply the amendment to the live text as a normal edit credited to its author.

    Refused when the passage is no longer in the live text; returns the new live text.
    """
    _require(rules.can_decide(by, amendment.draft), _("Alleen redacteuren besluiten."))
    with transaction.atomic():
        Draft.objects.select_for_update().get(pk=amendment.draft_id)
        locked = _lock_open(amendment, [str(Amendment.Status.OPEN), str(Amendment.Status.IN_VOTE)])
        doc, _last = draft_document(locked.draft_id)
        current = str(live_text_of(doc))
        # The passage may have moved since the version: prefer its old place, else the first.
        if current[locked.start : locked.start + len(locked.passage)] == locked.passage:
            at = locked.start
        else:
            at = current.find(locked.passage)
        if at < 0:
            raise DraftError(
                _(
                    "Deze passage staat niet meer in de tekst; het amendement kan niet worden overgenomen."
                )
            )

        # pycrdt counts positions in UTF-8 bytes, Python in characters.
        begin = len(current[:at].encode())
        end = begin + len(locked.passage.encode())

        def edit(doc: Doc) -> None:
            text = live_text_of(doc)
            del text[begin:end]
            text.insert(begin, locked.replacement)

        new_text = _apply_edit(draft=locked.draft, author=locked.author, now=now, edit=edit)
        locked.status = Amendment.Status.ACCEPTED
        locked.decided_at, locked.decided_by = now, by
        locked.save(update_fields=["status", "decided_at", "decided_by"])
    amendment.status = Amendment.Status.ACCEPTED
    return new_text


def amendment_reject(*, amendment: Amendment, by: User, reason: str, now: datetime) -> None:
    _require(rules.can_decide(by, amendment.draft), _("Alleen redacteuren besluiten."))
    reason = reason.strip()
    if not reason:
        raise DraftError(_("Geef een reden waarom het amendement wordt afgewezen."))
    with transaction.atomic():
        locked = _lock_open(amendment, [str(Amendment.Status.OPEN), str(Amendment.Status.IN_VOTE)])
        locked.status = Amendment.Status.REJECTED
        locked.decided_at, locked.decided_by, locked.decision_reason = now, by, reason
        locked.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    amendment.status = Amendment.Status.REJECTED


def _vote_option(number: int, amendment: Amendment) -> OptionSpec:
    # The title as the draft page shows the passage (no markdown marks).
    return voting_amendments.amendment_option(
        number=number,
        passage=amendment.passage_shown,
        replacement=amendment.replacement_shown,
        current=amendment.passage,
        new=amendment.replacement,
        rationale=amendment.rationale,
        reference=f"amendment:{amendment.pk}",
    )


def amendments_put_to_vote(
    *,
    amendments: Sequence[Amendment],
    by: User,
    now: datetime,
    electorate: Electorate | None = None,
) -> uuid.UUID:
    """Put a batch of open amendments of one draft to a vote; returns the batch id.

    Opens a yes/no/abstain poll with one decision per amendment (``voting.amendments``) in
    the same transaction, open to ``electorate`` only (the residents when not given; never
    staff or council members)."""
    electorate = electorate or Electorate(electorates.RESIDENTS)
    if not amendments:
        raise DraftError(_("Kies minstens één amendement."))
    draft = amendments[0].draft
    _require(rules.can_decide(by, draft), _("Alleen redacteuren besluiten."))
    if electorate.kind == electorates.NEIGHBOURHOOD and electorate.wijk is None:
        raise DraftError(_("Kies de wijk waarvan de inwoners mogen stemmen."))
    batch = uuid.uuid4()
    with transaction.atomic():
        locked = [_lock_open(item, [str(Amendment.Status.OPEN)]) for item in amendments]
        if any(item.draft_id != draft.pk for item in locked):
            raise DraftError(_("Alle amendementen moeten bij dezelfde nota horen."))
        voters = list(electorates.members(draft, electorate))
        if not voters:
            raise DraftError(
                _("Niemand kan zo stemmen: in deze groep zit nog niemand. Kies een andere groep.")
            )
        for item in locked:
            item.status, item.vote_batch = Amendment.Status.IN_VOTE, batch
            item.save(update_fields=["status", "vote_batch"])
        voting_amendments.amendment_vote_open(
            context=contexts.draft_amendments(draft.slug, batch),
            subject=draft.title,
            options=[_vote_option(number, item) for number, item in enumerate(locked, 1)],
            eligible=voters,
            voters=electorate.describe(),
            by=by,
            now=now,
        )
    return batch


def comment_mark_for_report(*, comment: Comment, by: User, marked: bool) -> bool:
    """Mark (or unmark) a comment as a minority view or open question for the nota's
    participation report: the nota's editors. True when its mark changed; a hidden comment
    is not in the report, so it cannot be marked."""
    with transaction.atomic():
        comment = (
            Comment.objects.select_for_update().select_related("version__draft").get(pk=comment.pk)
        )
        _require(
            rules.can_decide(by, comment.version.draft),
            _("Alleen de redactie van deze nota mag reacties voor het verslag markeren."),
        )
        if marked and comment.hidden_at is not None:
            raise DraftError(_("Deze reactie is verborgen en kan niet in het verslag."))
        if comment.for_report == marked:
            return False
        comment.for_report = marked
        comment.save(update_fields=["for_report"])
    return True


def amendment_mark_for_report(*, amendment: Amendment, by: User, marked: bool) -> bool:
    """Mark (or unmark) a turned-down amendment for the nota's participation report, as a
    minority view: the nota's editors. True when its mark changed."""
    with transaction.atomic():
        amendment = (
            Amendment.objects.select_for_update().select_related("draft").get(pk=amendment.pk)
        )
        _require(
            rules.can_decide(by, amendment.draft),
            _("Alleen de redactie van deze nota mag amendementen voor het verslag markeren."),
        )
        if marked and amendment.status != Amendment.Status.REJECTED:
            raise DraftError(
                _("Alleen een afgewezen amendement kan als minderheidsstandpunt in het verslag.")
            )
        if amendment.for_report == marked:
            return False
        amendment.for_report = marked
        amendment.save(update_fields=["for_report"])
    return True
