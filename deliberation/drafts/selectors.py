"""Reads of co-writing: the live document from snapshot + log, versions, threads, diffs."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet
from pycrdt import Doc, Text

from samenspel.models import Role, RoleGrant, User

from .diff import Segment, word_diff
from .models import Amendment, Comment, Draft, DraftSnapshot, DraftUpdate, Support, Version

TEXT_NAME = "codemirror"  # the shared Y.Text every client edits (ydoc.getText("codemirror"))


def live_text_of(doc: Doc) -> Text:
    return doc.get(TEXT_NAME, type=Text)


def _updates_after(
    draft_id: int, start: int
) -> tuple[DraftSnapshot | None, list[tuple[int, bytes]]]:
    """The updates after ``start``, read without the draft's lock. When a compaction in
    another process emptied some of them meanwhile, the newest snapshot (made in the same
    transaction, so it folded them in) and the updates after it instead."""
    log = DraftUpdate.objects.filter(draft_id=draft_id)
    snapshot = None
    while True:
        rows = [
            (i, bytes(d))
            for i, d in log.filter(id__gt=start).order_by("id").values_list("id", "data")
        ]
        if all(data for _id, data in rows):
            return snapshot, rows
        newest = DraftSnapshot.objects.filter(draft_id=draft_id).first()
        if newest is None or newest.last_update_id <= start:
            # Not emptied by a compaction (nothing else writes empty updates).
            return snapshot, [(i, data) for i, data in rows if data]
        snapshot, start = newest, newest.last_update_id


def draft_document(draft_id: int) -> tuple[Doc, int]:
    """The document from the newest snapshot and the updates after it; and the last update id."""
    snapshot = DraftSnapshot.objects.filter(draft_id=draft_id).first()
    after = snapshot.last_update_id if snapshot is not None else 0
    newer, rows = _updates_after(draft_id, after)
    snapshot = newer or snapshot
    doc: Doc = Doc()
    if snapshot is not None:
        doc.apply_update(bytes(snapshot.data))
    for _id, data in rows:
        doc.apply_update(data)
    last = snapshot.last_update_id if snapshot is not None else 0
    return doc, rows[-1][0] if rows else last


def draft_live_text(draft: Draft) -> str:
    doc, _last = draft_document(draft.pk)
    return str(live_text_of(doc))


def latest_version(draft: Draft) -> Version | None:
    return draft.versions.order_by("-number").first()


def drafts_for_list() -> QuerySet[Draft]:
    return Draft.objects.annotate(version_count=Count("versions")).order_by("title")


def comment_threads(version: Version, *, newest: int | None = None) -> list[Comment]:
    """Top-level comments, oldest first, each with its replies (oldest first) in
    ``reply_list``; with ``newest``, only that many of the most recent. Two queries; the
    replies go in a plain list because a prefetched manager costs a queryset per comment,
    which a nota with a thousand comments notices."""
    replies = Comment.objects.select_related("author").order_by("created_at", "id")
    threads = (
        version.comments.filter(parent__isnull=True)
        .select_related("author", "resolved_by")
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="reply_list"))
    )
    if newest is None:
        return list(threads)
    return list(reversed(threads.order_by("-created_at", "-id")[:newest]))


def comment_thread_count(version: Version) -> int:
    return version.comments.filter(parent__isnull=True).count()


def open_comment_passages(version: Version) -> list[tuple[int, int, int]]:
    """(comment id, start, end) in the source of each passage an open thread is about."""
    rows = version.comments.filter(parent__isnull=True, resolved_at__isnull=True).values_list(
        "pk", "start", "passage"
    )
    return [(pk, start, start + len(passage)) for pk, start, passage in rows]


def comment_threads_newer(comment: Comment) -> int:
    """How many threads on the comment's version began after it (its place from the end)."""
    return (
        Comment.objects.filter(version_id=comment.version_id, parent__isnull=True)
        .filter(
            Q(created_at__gt=comment.created_at)
            | Q(created_at=comment.created_at, id__gt=comment.pk)
        )
        .count()
    )


def amendments_of(draft: Draft) -> list[Amendment]:
    """The nota's amendments, oldest first, with their support; each version's text is left
    out (read on first use): otherwise every amendment row carries the whole text of its
    version. The order is spelled out: a query that counts (GROUP BY) ignores the model's
    ordering, and PostgreSQL then hands the rows back in any order."""
    return list(
        draft.amendments.select_related("author", "version", "decided_by")
        .defer("version__text")
        .annotate(support_count=Count("supports"))
        .order_by("created_at", "id")
    )


@dataclass(frozen=True)
class VersionDiff:
    old: Version
    new: Version
    segments: list[Segment]


def version_diff(old: Version, new: Version) -> VersionDiff:
    return VersionDiff(old=old, new=new, segments=word_diff(old.text, new.text))


def draft_updates_since(draft_id: int, after: int) -> tuple[list[bytes], int]:
    """What a process that has applied the log up to ``after`` still lacks, and the new last id.

    The updates past ``after`` themselves while they still have their bytes (a snapshot
    keeps those of the last compaction, see ``draft_compact``); otherwise the snapshot's
    state first, then the updates past it. A compaction in another process may empty
    updates between the queries here; then the newest snapshot, which folded them in (it was
    made in the same transaction), is read and the updates after it.
    """
    snapshot, rows = _updates_after(draft_id, after)
    chunks = [bytes(snapshot.data)] if snapshot is not None else []
    chunks.extend(data for _id, data in rows)
    start = snapshot.last_update_id if snapshot is not None else after
    return chunks, max(after, rows[-1][0] if rows else start)


def draft_log_uncompacted(draft_id: int) -> int:
    """How many updates of the log no snapshot has folded in yet."""
    return DraftUpdate.objects.filter(draft_id=draft_id, compacted=False).count()


def draft_for_socket(slug: str, user: object) -> tuple[int, bool, bool] | None:
    """(draft id, may read, may edit) for a connecting socket, or None if there is no draft."""
    from . import rules

    draft = Draft.objects.filter(slug=slug).first()
    if draft is None:
        return None
    return draft.pk, rules.can_read(user, draft), rules.can_edit(user, draft)  # type: ignore[arg-type]


def discussion_stamp(draft: Draft) -> str:
    """A short fingerprint of what the read page shows besides the text: the latest version,
    the comments and replies (and which are resolved), the amendments, their status and
    support. It changes whenever any of them does; it names nobody."""
    comments = Comment.objects.filter(version__draft=draft).aggregate(
        count=Count("id"), last=Max("id"), resolved=Count("resolved_at"), hidden=Count("hidden_at")
    )
    amendments = list(
        Amendment.objects.filter(draft=draft).order_by("id").values_list("id", "status")
    )
    supports = Support.objects.filter(amendment__draft=draft).count()
    version = draft.versions.aggregate(last=Max("number"))["last"]
    seen = repr((version, sorted(comments.items()), amendments, supports))
    return hashlib.sha256(seen.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class DraftPeople:
    """Who holds the editor role in a nota's scope: civil servants run it, residents co-write."""

    editors: list[User]
    cowriters: list[User]


def draft_people(draft: Draft) -> DraftPeople:
    holders = list(
        User.objects.filter(role_grants__role=Role.EDITOR, role_grants__scope=draft.scope).order_by(
            "display_name", "username"
        )
    )
    staff = staff_ids([user.pk for user in holders])
    return DraftPeople(
        editors=[user for user in holders if user.pk in staff],
        cowriters=[user for user in holders if user.pk not in staff],
    )


def staff_ids(user_ids: list[int]) -> set[int]:
    """Which of these accounts are municipal ones (see ``rules.is_staff_account``)."""
    from . import rules

    flagged = User.objects.filter(pk__in=user_ids).filter(Q(is_staff=True) | Q(is_superuser=True))
    granted = RoleGrant.objects.filter(user_id__in=user_ids, role__in=rules.STAFF_ROLES, scope="")
    return set(flagged.values_list("pk", flat=True)) | set(
        granted.values_list("user_id", flat=True)
    )


def people_matching(query: str, limit: int = 10) -> list[User]:
    """Active accounts whose name, username or e-mail address contains ``query``."""
    query = query.strip()
    if len(query) < 2:
        return []
    found = User.objects.filter(is_active=True).filter(
        Q(username__icontains=query)
        | Q(display_name__icontains=query)
        | Q(first_name__icontains=query)
        | Q(last_name__icontains=query)
        | Q(email__icontains=query)
    )
    return list(found.order_by("display_name", "username")[:limit])


def author_labels(draft: Draft) -> dict[int, str]:
    """The name shown for each person who wrote in the nota (its text, comments or
    amendments) when it differs from their own; empty while names are visible. With
    ``names_visible`` off, residents are 'Inwoner 1', 'Inwoner 2', ...
    in the order they first wrote, the same on every page; staff keep their names."""
    from django.utils.translation import gettext as _

    if draft.names_visible:
        return {}  # everyone by their own name (``name_shown``); nothing to read
    firsts: dict[int, tuple[datetime, int]] = {}
    sources = [
        DraftUpdate.objects.filter(draft=draft, author__isnull=False),
        Comment.objects.filter(version__draft=draft),
        Amendment.objects.filter(draft=draft),
    ]
    for rows in sources:
        for author_id, first, pk in (
            rows.values("author_id")
            .annotate(first=Min("created_at"), pk=Min("id"))
            .values_list("author_id", "first", "pk")
        ):
            if author_id not in firsts or (first, pk) < firsts[author_id]:
                firsts[author_id] = (first, pk)
    users = {user.pk: user for user in User.objects.filter(pk__in=firsts)}
    staff = staff_ids(list(firsts))
    labels = {pk: users[pk].public_name for pk in staff if pk in users}
    residents = sorted((key, pk) for pk, key in firsts.items() if pk not in staff)
    for number, (_key, pk) in enumerate(residents, 1):
        labels[pk] = _("Inwoner %(number)d") % {"number": number}
    return labels


def name_shown(draft: Draft, user: User, labels: dict[int, str]) -> str:
    """How the nota shows ``user`` to others: their label, or 'Inwoner' for a resident who
    has not written yet while names are hidden."""
    from django.utils.translation import gettext as _

    if user.pk in labels:
        return labels[user.pk]
    if draft.names_visible or user.pk in staff_ids([user.pk]):
        return user.public_name
    return _("Inwoner")


def drafts_managed_by(user: User) -> list[Draft]:
    """The notas ``user`` may manage (``rules.can_manage``), with their version count."""
    from samenspel.rules import has_role

    from . import rules

    drafts = Draft.objects.annotate(version_count=Count("versions")).order_by("title")
    if has_role(user, str(Role.ADMINISTRATOR)):
        return list(drafts)
    if not rules.is_staff_account(user):
        return []
    if has_role(user, str(Role.EDITOR)):
        return list(drafts)
    scopes = RoleGrant.objects.filter(user=user, role=Role.EDITOR).values_list("scope", flat=True)
    slugs = [scope.removeprefix("draft:") for scope in scopes if scope.startswith("draft:")]
    return list(drafts.filter(slug__in=slugs))


def public_name_of(username: str) -> str:
    """The name a page shows for an account, or the username as typed when there is none."""
    user = User.objects.filter(username=username.strip()).first()
    return user.public_name if user is not None else username


def draft_state(draft: Draft, version_count: int, now: datetime) -> str:
    """The nota's state as the workspace list says it."""
    from django.utils import timezone
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    from . import rules

    if not version_count:
        return _("Concept: nog geen versie gepubliceerd")
    refusal = rules.reaction_refusal(draft, now)
    if draft.reactions_until is not None and now >= draft.reactions_until:
        return _("Gesloten")
    if refusal is not None:
        return _("Reactieperiode nog niet open")
    if draft.reactions_until is not None:
        return _("Reactieperiode open tot %(date)s") % {
            "date": date_format(timezone.localtime(draft.reactions_until), "j F Y, H:i")
        }
    return _("Reageren kan, zonder einddatum")


def report_mark_items(draft: Draft) -> tuple[list[Comment], list[tuple[int, Amendment]]]:
    """What a nota's editor can mark for the participation report: residents' comments on
    any version (not replies, not hidden), oldest first, and the turned-down amendments
    with their number in the report (every amendment counted, oldest first)."""
    comments = list(
        Comment.objects.filter(version__draft=draft, parent__isnull=True, hidden_at__isnull=True)
        .select_related("version")
        .defer("version__text")
        .order_by("created_at", "pk")
    )
    staff = staff_ids(list({c.author_id for c in comments}))
    amendments = Amendment.objects.filter(draft=draft).order_by("created_at", "pk")
    rejected = [
        (number, amendment)
        for number, amendment in enumerate(amendments, start=1)
        if amendment.status == Amendment.Status.REJECTED
    ]
    return [c for c in comments if c.author_id not in staff], rejected


def amendment_numbers(draft_ids: Iterable[int]) -> dict[int, int]:
    """Each amendment of these notas by its number in the nota: 1, 2, ... in the order they
    were proposed. The nota's report, its council page, the griffie's answers file and the
    residents' notices all number amendments this way."""
    numbers: dict[int, int] = {}
    counted: dict[int, int] = {}
    ordered = Amendment.objects.filter(draft_id__in=list(draft_ids)).order_by(
        "draft_id", "created_at", "pk"
    )
    for pk, draft_id in ordered.values_list("pk", "draft_id"):
        counted[draft_id] = counted.get(draft_id, 0) + 1
        numbers[pk] = counted[draft_id]
    return numbers
