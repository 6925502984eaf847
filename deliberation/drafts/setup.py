"""Every write of preparing and running a nota: start it, its details, its editors and
co-writers, its reaction period and whether residents see each other's names.

Refusals: ``PermissionError`` for the wrong role, Django's ``ValidationError`` with a
message per field for bad input; nothing is stored then."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from samenspel import services as core_services
from samenspel.ladder import frame_errors
from samenspel.models import Role, RoleGrant, User

from . import rules
from .models import Draft, NotaKind
from .outlines import outline_for
from .services import draft_create

EDITOR = str(Role.EDITOR)
MAX_TITLE = 200


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionError(message)


def _clean_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Geef de nota een titel.")})
    if len(title) > MAX_TITLE:
        raise ValidationError({"title": _("Een titel is hoogstens 200 tekens lang.")})
    return title


def draft_start(
    *,
    by: User,
    title: str,
    kind: str,
    now: datetime,
    slug: str = "",
    summary: str = "",
    from_outline: bool = True,
    text: str | None = None,
) -> Draft:
    """A new nota: its text is ``text``, else the outline of its kind (``from_outline``),
    else only its title. The short name in its address comes from the title when not given."""
    _require(rules.can_create(by), _("Alleen een beheerder mag een nieuwe nota beginnen."))
    title = _clean_title(title)
    if kind not in NotaKind.values:
        raise ValidationError({"kind": _("Kies de soort nota.")})
    slug = slug.strip() or slugify(title)[:80]
    try:
        validate_slug(slug)
    except ValidationError:
        raise ValidationError(
            {"slug": _("Gebruik voor de korte naam alleen letters, cijfers en streepjes.")}
        ) from None
    if Draft.objects.filter(slug=slug).exists():
        raise ValidationError(
            {
                "slug": _("Er is al een nota met de korte naam “%(slug)s”. Kies een andere.")
                % {"slug": slug}
            }
        )
    if text is None:
        text = outline_for(kind, title) if from_outline else f"# {title}\n"
    return draft_create(
        slug=slug, title=title, kind=kind, by=by, now=now, text=text, summary=summary.strip()
    )


def draft_details_change(
    *, draft: Draft, by: User, title: str, summary: str, commissioned_by: str, ladder: str
) -> None:
    """Change the title and the summary readers see in the list, and the frame of the
    participation report: who asked for the nota and how much say residents have."""
    _require(rules.can_manage(by, draft), _("Alleen de redacteuren van deze nota mogen dit."))
    title = _clean_title(title)
    errors = frame_errors(commissioned_by=commissioned_by, ladder=ladder)
    if errors:
        raise ValidationError(errors)
    draft.title, draft.summary = title, summary.strip()
    draft.commissioned_by, draft.ladder = commissioned_by.strip(), ladder
    draft.save(update_fields=["title", "summary", "commissioned_by", "ladder"])


def draft_period_set(
    *, draft: Draft, by: User, opens: datetime | None, closes: datetime, now: datetime
) -> None:
    """Take comments and amendments from ``opens`` (now when not given) until ``closes``."""
    _require(rules.can_manage(by, draft), _("Alleen de redacteuren van deze nota mogen dit."))
    opens = opens or now
    if closes <= opens:
        raise ValidationError(
            {"reactions_until": _("Het einde van de reactieperiode ligt vóór het begin.")}
        )
    if closes <= now:
        raise ValidationError(
            {"reactions_until": _("Het einde van de reactieperiode ligt in het verleden.")}
        )
    draft.reactions_from, draft.reactions_until = opens, closes
    draft.save(update_fields=["reactions_from", "reactions_until"])


def draft_period_close(*, draft: Draft, by: User, now: datetime) -> None:
    """End the reaction period now, before its planned end."""
    _require(rules.can_manage(by, draft), _("Alleen de redacteuren van deze nota mogen dit."))
    with transaction.atomic():
        locked = Draft.objects.select_for_update().get(pk=draft.pk)
        if locked.reactions_until is not None and locked.reactions_until <= now:
            raise ValidationError(_("De reactieperiode is al gesloten."))
        if locked.reactions_from is not None and locked.reactions_from >= now:
            locked.reactions_from = None  # it never opened
        locked.reactions_until = now
        locked.save(update_fields=["reactions_from", "reactions_until"])
    draft.reactions_from, draft.reactions_until = locked.reactions_from, locked.reactions_until


def draft_names_visible_set(*, draft: Draft, by: User, visible: bool) -> None:
    """Whether residents see each other's names, or 'Inwoner 1', 'Inwoner 2'."""
    _require(rules.can_manage(by, draft), _("Alleen de redacteuren van deze nota mogen dit."))
    draft.names_visible = visible
    draft.save(update_fields=["names_visible"])


def _person(username: str) -> User:
    username = username.strip()
    person = User.objects.filter(username=username, is_active=True).first() if username else None
    if person is None:
        raise ValidationError(
            {
                "person": _("Er is geen account “%(name)s”. Zoek de persoon op naam of e-mail.")
                % {"name": username}
            }
        )
    return person


def draft_editor_name(*, draft: Draft, by: User, username: str) -> bool:
    """Make a civil servant editor of this nota; False when they were already."""
    _require(
        rules.can_name_editors(by, draft), _("Alleen een beheerder mag redacteuren aanwijzen.")
    )
    person = _person(username)
    if not rules.is_staff_account(person):
        raise ValidationError(
            {
                "person": _(
                    "%(name)s is inwoner, geen medewerker. Nodig een inwoner uit als meeschrijver."
                )
                % {"name": person.public_name}
            }
        )
    return _grant(person, draft)


def draft_cowriter_invite(*, draft: Draft, by: User, username: str) -> bool:
    """Let a resident co-write this nota; False when they already could."""
    _require(
        rules.can_manage(by, draft),
        _("Alleen de redacteuren van deze nota mogen mensen uitnodigen."),
    )
    person = _person(username)
    if rules.is_staff_account(person):
        raise ValidationError(
            {
                "person": _(
                    "%(name)s is medewerker van de gemeente. Maak een medewerker redacteur."
                )
                % {"name": person.public_name}
            }
        )
    return _grant(person, draft)


def _grant(person: User, draft: Draft) -> bool:
    held = RoleGrant.objects.filter(user=person, role=EDITOR, scope=draft.scope).exists()
    if not held:
        core_services.role_grant(user=person, role=EDITOR, scope=draft.scope)
    return not held


def draft_member_remove(*, draft: Draft, by: User, username: str) -> None:
    """Take the editor role of this nota from someone: a civil servant (administrators only)
    or an invited resident (the nota's editors too)."""
    person = _person(username)
    if rules.is_staff_account(person):
        _require(
            rules.can_name_editors(by, draft),
            _("Alleen een beheerder mag redacteuren aanwijzen."),
        )
    else:
        _require(
            rules.can_manage(by, draft),
            _("Alleen de redacteuren van deze nota mogen mensen uitnodigen."),
        )
    core_services.role_revoke(user=person, role=EDITOR, scope=draft.scope)
