"""What the tables write: ideas, and how the theme team curates them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from samenspel.models import MODERATION_REASON_MAX_LENGTH, Role, User

from .. import events, rules
from ..models import IDEA_MAX_LENGTH, Idea, IdeaModeration, Summit
from .context import (
    CommandRefused,
    atomic,
    authorise,
    clean_text,
    emit,
    guarded,
    live_command,
    locked,
    row_id,
    table_of,
)


def _idea_text(raw: Any) -> str:
    return clean_text(
        raw,
        limit=IDEA_MAX_LENGTH,
        empty=_("Een idee mag niet leeg zijn."),
        too_long=_("Een idee is hoogstens %(limit)s tekens lang.") % {"limit": IDEA_MAX_LENGTH},
    )


def new_idea(summit: Summit, by: User, text: Any, now: datetime) -> Idea:
    """The idea ``by`` may write now, checked and not yet saved; refusals come first."""
    roles = authorise(summit, by, "idea.create")
    text = _idea_text(text)
    table = table_of(summit, by, roles)
    if table is None:
        raise CommandRefused("no_table", _("U zit nog niet aan een tafel."))
    return Idea(
        summit=summit,
        table=table,
        step=summit.current_step,
        author=by,
        text=text,
        created_at=now,
        updated_at=now,
    )


def idea_created(summit: Summit, idea: Idea) -> None:
    emit(
        summit,
        events.idea_created,
        {"id": idea.pk, "table": idea.table.number, "text": idea.text, "theme": None},
    )


@live_command(
    "idea.create",
    rules.WRITE_IDEAS,
    parse=lambda data, now: {"text": data.get("text"), "now": now},
    keeps_lookups=True,
    lock_late=True,
)
def idea_create(*, summit: Summit, by: User, text: Any, now: datetime) -> dict[str, Any]:
    """A host writes for their table; a seated participant for the table they sit at."""
    with atomic():
        summit = locked(summit)
        idea = new_idea(summit, by, text, now)
        idea.save()
        idea_created(summit, idea)
        return {"idea": idea.pk}


def _own_idea(summit: Summit, by: User, roles: set[str], idea_id: Any) -> Idea:
    idea = Idea.objects.select_related("table").filter(summit=summit, pk=row_id(idea_id)).first()
    if idea is None or idea.status != Idea.Status.VISIBLE:
        raise CommandRefused("not_found", _("Dit idee bestaat niet (meer)."))
    hosts_it = Role.TABLE_HOST in roles and idea.table.host_id == by.pk
    if idea.author_id != by.pk and not hosts_it:
        raise CommandRefused("forbidden", _("U kunt alleen ideeën van uw eigen tafel wijzigen."))
    return idea


@live_command(
    "idea.edit",
    rules.WRITE_IDEAS,
    parse=lambda data, now: {"idea_id": data.get("idea"), "text": data.get("text"), "now": now},
    keeps_lookups=True,
)
def idea_edit(
    *, summit: Summit, by: User, idea_id: Any, text: Any, now: datetime
) -> dict[str, Any]:
    with guarded(summit, by, "idea.edit") as (summit, roles):
        idea = _own_idea(summit, by, roles, idea_id)
        idea.text = _idea_text(text)
        idea.updated_at = now
        idea.save(update_fields=["text", "updated_at"])
        emit(summit, events.idea_edited, {"id": idea.pk, "text": idea.text})
        return {"idea": idea.pk}


@live_command(
    "idea.withdraw",
    rules.WRITE_IDEAS,
    parse=lambda data, now: {"idea_id": data.get("idea"), "now": now},
    keeps_lookups=True,
)
def idea_withdraw(*, summit: Summit, by: User, idea_id: Any, now: datetime) -> dict[str, Any]:
    with guarded(summit, by, "idea.withdraw") as (summit, roles):
        idea = _own_idea(summit, by, roles, idea_id)
        _set_status(idea, Idea.Status.WITHDRAWN, now)
        emit(summit, events.idea_withdrawn, {"id": idea.pk})
        return {"idea": idea.pk}


def _set_status(idea: Idea, status: Any, now: datetime, *also: str) -> None:
    """Store an idea's new status (and the ``also`` fields set before), stamped ``now``."""
    idea.status = status
    idea.updated_at = now
    idea.save(update_fields=["status", "updated_at", *also])


def curated_idea(summit: Summit, idea_id: Any) -> Idea:
    idea = Idea.objects.filter(summit=summit, pk=row_id(idea_id)).first()
    if idea is None or idea.status != Idea.Status.VISIBLE:
        raise CommandRefused("not_found", _("Dit idee bestaat niet (meer)."))
    return idea


def moderation_reason(raw: Any) -> str:
    """Why something is hidden: required, and at most 500 characters."""
    return clean_text(
        raw,
        limit=MODERATION_REASON_MAX_LENGTH,
        empty=_("Geef een reden op waarom u dit verbergt."),
        too_long=_("Een reden is hoogstens %(limit)s tekens lang.")
        % {"limit": MODERATION_REASON_MAX_LENGTH},
    )


def _record(summit: Summit, idea: Idea, action: Any, by: User, now: datetime, reason: str) -> None:
    IdeaModeration.objects.create(
        summit=summit, idea=idea, action=action, reason=reason, by=by, at=now
    )


@live_command(
    "idea.hide",
    rules.CURATE,
    parse=lambda data, now: {
        "idea_id": data.get("idea"),
        "reason": data.get("reason"),
        "now": now,
    },
    keeps_lookups=True,
)
def idea_hide(
    *, summit: Summit, by: User, idea_id: Any, reason: Any, now: datetime
) -> dict[str, Any]:
    """Take an idea off every screen (e.g. a personal attack); the text stays stored, and
    the moderation queue shows the reason, who hid it and when."""
    with guarded(summit, by, "idea.hide") as (summit, _roles):
        idea = curated_idea(summit, idea_id)
        reason = moderation_reason(reason)
        _set_status(idea, Idea.Status.HIDDEN, now)
        _record(summit, idea, IdeaModeration.Action.HIDE, by, now, reason)
        emit(summit, events.idea_hidden, {"id": idea.pk})
        return {"idea": idea.pk}


@live_command(
    "idea.merge",
    rules.CURATE,
    parse=lambda data, now: {"idea_id": data.get("idea"), "into_id": data.get("into"), "now": now},
    keeps_lookups=True,
)
def idea_merge(
    *, summit: Summit, by: User, idea_id: Any, into_id: Any, now: datetime
) -> dict[str, Any]:
    """Fold a duplicate into another idea; the duplicate leaves the lists."""
    with guarded(summit, by, "idea.merge") as (summit, _roles):
        idea = curated_idea(summit, idea_id)
        into = curated_idea(summit, into_id)
        if idea.pk == into.pk:
            raise CommandRefused(
                "invalid", _("Een idee kan niet met zichzelf worden samengevoegd.")
            )
        idea.merged_into = into
        _set_status(idea, Idea.Status.MERGED, now, "merged_into")
        emit(summit, events.idea_merged, {"id": idea.pk, "into": into.pk})
        return {"idea": idea.pk, "into": into.pk}


def idea_data(idea: Idea) -> events.IdeaData:
    return {"id": idea.pk, "table": idea.table.number, "text": idea.text, "theme": idea.theme_id}


@live_command(
    "idea.restore",
    rules.CURATE,
    parse=lambda data, now: {"idea_id": data.get("idea"), "now": now},
    keeps_lookups=True,
)
def idea_restore(*, summit: Summit, by: User, idea_id: Any, now: datetime) -> dict[str, Any]:
    """Undo a hide or a merge: the idea is back on every screen, in the theme it had."""
    with guarded(summit, by, "idea.restore") as (summit, _roles):
        idea = (
            Idea.objects.select_related("table").filter(summit=summit, pk=row_id(idea_id)).first()
        )
        if idea is None or idea.status not in (Idea.Status.HIDDEN, Idea.Status.MERGED):
            raise CommandRefused(
                "not_found", _("Dit idee is niet verborgen of samengevoegd (meer).")
            )
        _put_back(summit, idea, by, now)
        return {"idea": idea.pk}


def _put_back(summit: Summit, idea: Idea, by: User, now: datetime) -> None:
    """A hidden or merged idea back on every screen; a hidden one's undo is recorded."""
    if idea.status == Idea.Status.HIDDEN:
        _record(summit, idea, IdeaModeration.Action.RESTORE, by, now, "")
    idea.merged_into = None
    _set_status(idea, Idea.Status.VISIBLE, now, "merged_into")
    emit(summit, events.idea_restored, idea_data(idea))


def idea_moderation_undo(*, idea_id: int, by: User, now: datetime) -> bool:
    """The moderation queue's undo: a hidden idea back on every screen, in any step, by the
    summit's theme team, facilitators or an administrator (``rules.can_moderate_ideas``).
    False when it was visible already (undone before); refused while the summit is closed,
    since what a closed summit produced is its outcome."""
    summit = Summit.objects.filter(ideas__pk=idea_id).first()
    if summit is None:
        raise CommandRefused("not_found", _("Dit idee bestaat niet (meer)."))
    with atomic():
        summit = locked(summit)
        if not rules.can_moderate_ideas(rules.summit_roles(by, summit)):
            raise CommandRefused(
                "forbidden", _("U mag de ideeën van deze burgertop niet modereren.")
            )
        if summit.status in {Summit.Status.CLOSED, Summit.Status.ARCHIVED}:
            raise CommandRefused(
                "summit_closed",
                _("Deze burgertop is gesloten: wat verborgen was, blijft verborgen."),
            )
        idea = Idea.objects.select_related("table").select_for_update(of=("self",)).get(pk=idea_id)
        if idea.status != Idea.Status.HIDDEN:
            return False
        _put_back(summit, idea, by, now)
        return True
