"""Preparing a summit's frame in the workspace: the summit and its details, the agenda, the
tables, who holds which role in it, and its status (open, close, archive).

Each service checks ``rules.can_manage_summit`` (creating one: ``rules.can_create_summit``),
writes in one transaction with the summit row locked, and raises ``ValidationError`` with a
Dutch message per field when the input cannot be stored; nothing is then written. A change
to the agenda of an open summit reaches its screens as ``agenda.changed``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date as Date  # noqa: N812 - the field is called date
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samenspel import services as core_services
from samenspel.models import RoleGrant, User
from voting import contexts
from voting.models import Method, Poll

from .. import events, rules
from ..models import Step, Summit, SummitTable
from .context import emit, locked
from .vote import VOTE_METHODS

TITLE_MAX_LENGTH = 200
STEP_MAX_MINUTES = 600
VOTE_MAX_CHOICES = 50
VOTE_MAX_POINTS = 100
TABLES_MAX = 300
CAPACITY_MAX = 50
SLUG_MAX_LENGTH = 80
# Short names the workspace's own addresses use (/werkruimte/burgertop/nieuw/).
RESERVED_SLUGS = frozenset({"nieuw"})


@dataclass(frozen=True)
class TemplateStep:
    kind: str
    title: Any  # a lazy translation: the title in the language of whoever creates the summit
    question: Any
    minutes: int


# The G1000 day: from welcome to closing, as the municipality's template for a new summit.
G1000_DAY = (
    TemplateStep(str(Step.Kind.WELCOME), gettext_lazy("Welkom"), "", 15),
    TemplateStep(
        str(Step.Kind.TABLE_ROUND),
        gettext_lazy("Tafelronde: kennismaken"),
        gettext_lazy("Wat maakt onze gemeente voor u een fijne plek om te wonen?"),
        20,
    ),
    TemplateStep(
        str(Step.Kind.IDEA_COLLECTION),
        gettext_lazy("Ideeën verzamelen"),
        gettext_lazy("Wat moet er de komende jaren beter?"),
        30,
    ),
    TemplateStep(str(Step.Kind.CLUSTERING), gettext_lazy("Het themateam ordent de ideeën"), "", 20),
    TemplateStep(str(Step.Kind.THEME_CHOICE), gettext_lazy("Thema's kiezen"), "", 10),
    TemplateStep(
        str(Step.Kind.PROPOSALS),
        gettext_lazy("Voorstellen per thema"),
        gettext_lazy("Welk voorstel doet uw tafel aan de gemeenteraad?"),
        45,
    ),
    TemplateStep(str(Step.Kind.VOTE), gettext_lazy("Stemmen op de voorstellen"), "", 20),
    TemplateStep(str(Step.Kind.CLOSING), gettext_lazy("Afsluiting en vervolg"), "", 10),
)
TEMPLATES = {"g1000": G1000_DAY, "empty": ()}


# Shared checks --------------------------------------------------------------------------


@contextmanager
def _managed(summit: Summit, by: User) -> Iterator[Summit]:
    """A setup service's body: its transaction, the summit locked, the rule checked, and a
    closed or archived summit refused."""
    with transaction.atomic():
        row = locked(summit)
        if not rules.can_manage_summit(by, row):
            raise PermissionDenied(_("U mag deze burgertop niet beheren."))
        if not rules.summit_is_editable(row):
            raise ValidationError(
                _("Deze burgertop is gesloten: er kan niets meer worden veranderd.")
            )
        yield row


def _text(value: str, *, field: str, limit: int, required: str | None = None) -> str:
    text = " ".join(value.split()) if "\n" not in value else value.strip()
    if required is not None and not text:
        raise ValidationError({field: required})
    if len(text) > limit:
        raise ValidationError(
            {field: _("Dit is te lang: hoogstens %(limit)d tekens.") % {"limit": limit}}
        )
    return text


def _check_date(value: Date | None, now: datetime) -> None:
    if value is not None and value < timezone.localdate(now):
        raise ValidationError({"date": _("Deze datum is al voorbij. Kies vandaag of later.")})


def _free_slug(title: str) -> str:
    base = slugify(title)[: SLUG_MAX_LENGTH - 4].strip("-") or "burgertop"
    slug, number = base, 2
    while slug in RESERVED_SLUGS or Summit.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def _agenda_changed(summit: Summit) -> None:
    """Tell the screens of an open summit its new agenda (a draft summit has none open)."""
    if summit.status != Summit.Status.OPEN:
        return
    agenda: list[events.AgendaStepData] = [
        {"id": s.pk, "position": s.position, "kind": s.kind, "title": s.title}
        for s in summit.steps.order_by("position")
    ]
    emit(summit, events.agenda_changed, {"agenda": agenda})


def _has_vote(summit: Summit, position: int) -> bool:
    """True when a poll hangs on the step at ``position`` (its context names the position)."""
    return Poll.objects.filter(context=contexts.summit_step(summit.slug, position)).exists()


def _not_yet_run(summit: Summit, step: Step) -> bool:
    current = summit.current_step
    return current is None or step.position > current.position


# The summit -------------------------------------------------------------------------------


def summit_create(
    *,
    by: User,
    title: str,
    template: str = "g1000",
    date: Date | None = None,
    place: str = "",
    now: datetime,
) -> Summit:
    """A new summit in preparation, with the agenda of ``template`` ('g1000' or 'empty')."""
    if not rules.can_create_summit(by):
        raise PermissionDenied(_("Alleen een beheerder mag een nieuwe burgertop maken."))
    title = _text(
        title, field="title", limit=TITLE_MAX_LENGTH, required=_("Geef de burgertop een titel.")
    )
    if template not in TEMPLATES:
        raise ValidationError({"template": _("Kies een sjabloon.")})
    _check_date(date, now)
    place = _text(place, field="place", limit=200)
    with transaction.atomic():
        summit = Summit.objects.create(
            slug=_free_slug(title),
            title=title,
            status=Summit.Status.DRAFT,
            date=date,
            place=place,
        )
        Step.objects.bulk_create(
            Step(
                summit=summit,
                position=position,
                kind=step.kind,
                title=str(step.title),
                question=str(step.question),
                duration_seconds=step.minutes * 60,
            )
            for position, step in enumerate(TEMPLATES[template], start=1)
        )
    return summit


def summit_update(
    *,
    summit: Summit,
    by: User,
    title: str,
    slug: str,
    date: Date | None,
    place: str,
    question: str,
    limits: str,
    commissioned_by: str,
    ladder: str,
    now: datetime,
) -> Summit:
    """The summit's details; its short name (the address) only while it is in preparation."""
    with _managed(summit, by) as row:
        title = _text(
            title,
            field="title",
            limit=TITLE_MAX_LENGTH,
            required=_("Geef de burgertop een titel."),
        )
        slug = slug.strip().lower()
        if slug != row.slug:
            if row.status != Summit.Status.DRAFT:
                raise ValidationError(
                    {"slug": _("De korte naam staat vast zodra de burgertop open is.")}
                )
            if not slug or slugify(slug) != slug or len(slug) > SLUG_MAX_LENGTH:
                raise ValidationError(
                    {
                        "slug": _(
                            "Gebruik alleen kleine letters, cijfers en streepjes, "
                            "hoogstens 80 tekens."
                        )
                    }
                )
            if Poll.objects.filter(context__startswith=row.scope).exists():
                raise ValidationError(
                    {
                        "slug": _(
                            "Er hangt al een stemming aan deze burgertop; de korte naam blijft."
                        )
                    }
                )
            if (
                slug in RESERVED_SLUGS
                or Summit.objects.filter(slug=slug).exclude(pk=row.pk).exists()
            ):
                raise ValidationError(
                    {"slug": _("Deze korte naam is al in gebruik. Kies een andere.")}
                )
        if date != row.date:
            _check_date(date, now)
        if ladder not in Summit.Ladder.values:
            raise ValidationError({"ladder": _("Kies hoeveel zeggenschap de uitkomst heeft.")})
        old_scope = row.scope
        row.title = title
        row.slug = slug
        row.date = date
        row.place = _text(place, field="place", limit=200)
        row.question = _text(question, field="question", limit=2000)
        row.limits = _text(limits, field="limits", limit=2000)
        row.commissioned_by = _text(commissioned_by, field="commissioned_by", limit=200)
        row.ladder = ladder
        row.save(
            update_fields=[
                "title",
                "slug",
                "date",
                "place",
                "question",
                "limits",
                "commissioned_by",
                "ladder",
            ]
        )
        if row.scope != old_scope:
            # Roles are granted per scope; they move with the summit's new name.
            RoleGrant.objects.filter(scope=old_scope).update(scope=row.scope)
        return row


def summit_open(*, summit: Summit, by: User, now: datetime) -> Summit:
    """Open a summit in preparation: its screens, check-in and live commands start working."""
    with _managed(summit, by) as row:
        if row.status != Summit.Status.DRAFT:
            raise ValidationError(_("Deze burgertop is al open."))
        if not row.steps.exists():
            raise ValidationError(_("Geef de burgertop eerst een agenda met minstens één stap."))
        if not row.tables.exists():
            raise ValidationError(_("Geef de burgertop eerst minstens één tafel."))
        row.status = Summit.Status.OPEN
        row.save(update_fields=["status"])
        return row


def summit_close(*, summit: Summit, by: User, now: datetime) -> Summit:
    """Close an open summit: from now on it is read-only, live commands are refused."""
    with _managed(summit, by) as row:
        if row.status != Summit.Status.OPEN:
            raise ValidationError(_("Alleen een open burgertop kan worden gesloten."))
        row.status = Summit.Status.CLOSED
        row.save(update_fields=["status"])
        return row


def summit_archive(*, summit: Summit, by: User, now: datetime) -> Summit:
    """Archive a closed summit (or one never opened): off the active lists, still readable."""
    with transaction.atomic():
        row = locked(summit)
        if not rules.can_manage_summit(by, row):
            raise PermissionDenied(_("U mag deze burgertop niet beheren."))
        if row.status not in {Summit.Status.CLOSED, Summit.Status.DRAFT}:
            raise ValidationError(_("Sluit de burgertop eerst; daarna kunt u hem archiveren."))
        row.status = Summit.Status.ARCHIVED
        row.save(update_fields=["status"])
        return row


# The agenda -------------------------------------------------------------------------------


def _step_fields(kind: str, title: str, question: str, minutes: int) -> tuple[str, str, int]:
    if kind not in Step.Kind.values:
        raise ValidationError({"kind": _("Kies wat voor stap dit is.")})
    title = _text(title, field="title", limit=200, required=_("Geef de stap een titel."))
    question = _text(question, field="question", limit=1000)
    if not 1 <= minutes <= STEP_MAX_MINUTES:
        raise ValidationError({"minutes": _("Plan een stap van 1 tot 600 minuten (10 uur).")})
    return title, question, minutes * 60


def _vote_fields(
    kind: str, method: str | None, number: int | None, reveal_on_close: bool
) -> dict[str, Any]:
    """A vote step's method, its number and when its result shows; blank for other steps."""
    if kind != Step.Kind.VOTE:
        return {"vote_method": "", "vote_number": None, "vote_reveal_on_close": False}
    method = method or ""
    if method and method not in VOTE_METHODS:
        raise ValidationError({"vote_method": _("Kies een stemmethode uit de lijst.")})
    if number is not None:
        if method in ("", Method.APPROVAL) and not 1 <= number <= VOTE_MAX_CHOICES:
            raise ValidationError(
                {"vote_number": _("Kies hoogstens 1 tot 50 voorstellen, of laat het leeg.")}
            )
        if method == Method.DOT and not 1 <= number <= VOTE_MAX_POINTS:
            raise ValidationError(
                {"vote_number": _("Geef 1 tot 100 punten om te verdelen, of laat het leeg.")}
            )
        if method not in ("", Method.APPROVAL, Method.DOT):
            number = None  # the other methods ask no number
    return {
        "vote_method": method,
        "vote_number": number,
        "vote_reveal_on_close": bool(reveal_on_close),
    }


def summit_step_add(
    *,
    summit: Summit,
    by: User,
    kind: str,
    title: str,
    question: str,
    minutes: int,
    vote_method: str | None = "",
    vote_number: int | None = None,
    vote_reveal_on_close: bool = False,
) -> Step:
    """A step at the end of the agenda; a vote step with how the hall will vote."""
    with _managed(summit, by) as row:
        title, question, seconds = _step_fields(kind, title, question, minutes)
        vote = _vote_fields(kind, vote_method, vote_number, vote_reveal_on_close)
        last = row.steps.aggregate(last=Max("position"))["last"] or 0
        step = Step.objects.create(
            summit=row,
            position=last + 1,
            kind=kind,
            title=title,
            question=question,
            duration_seconds=seconds,
            **vote,
        )
        _agenda_changed(row)
        return step


def summit_step_update(
    *,
    step: Step,
    by: User,
    kind: str,
    title: str,
    question: str,
    minutes: int,
    vote_method: str | None = "",
    vote_number: int | None = None,
    vote_reveal_on_close: bool = False,
) -> Step:
    """Change a step; in an open summit only a step that has not run yet."""
    with _managed(step.summit, by) as row:
        step = Step.objects.get(pk=step.pk, summit=row)
        if not _not_yet_run(row, step):
            raise ValidationError(
                _("Deze stap is al geweest of loopt nu; die kunt u niet meer veranderen.")
            )
        title, question, seconds = _step_fields(kind, title, question, minutes)
        if kind != step.kind and step.kind == Step.Kind.VOTE and _has_vote(row, step.position):
            raise ValidationError(
                {"kind": _("Aan deze stemstap hangt een stemming; hij blijft een stemstap.")}
            )
        vote = _vote_fields(kind, vote_method, vote_number, vote_reveal_on_close)
        step.kind, step.title, step.question = kind, title, question
        step.duration_seconds = seconds
        for name, value in vote.items():
            setattr(step, name, value)
        step.save(update_fields=["kind", "title", "question", "duration_seconds", *vote])
        _agenda_changed(row)
        return step


def summit_step_remove(*, step: Step, by: User) -> None:
    """Remove a step that has not run yet; the later steps move up one place."""
    with _managed(step.summit, by) as row:
        step = Step.objects.get(pk=step.pk, summit=row)
        if not _not_yet_run(row, step):
            raise ValidationError(
                _("Deze stap is al geweest of loopt nu; die kunt u niet weghalen.")
            )
        later = list(row.steps.filter(position__gte=step.position).order_by("position"))
        if any(_has_vote(row, s.position) for s in later):
            raise ValidationError(
                _("Aan deze of een latere stemstap hangt een stemming; haal eerst de stemming weg.")
            )
        step.delete()
        # One row at a time, upwards: the position stays unique after every update.
        for moved in later[1:]:
            moved.position -= 1
            moved.save(update_fields=["position"])
        _agenda_changed(row)


def summit_step_move(*, step: Step, by: User, up: bool) -> Step:
    """Swap a step with the one above (``up``) or below it."""
    with _managed(step.summit, by) as row:
        step = Step.objects.get(pk=step.pk, summit=row)
        steps = row.steps.order_by("-position" if up else "position")
        other = steps.filter(
            **({"position__lt": step.position} if up else {"position__gt": step.position})
        ).first()
        if other is None:
            raise ValidationError(
                _("Deze stap staat al bovenaan.") if up else _("Deze stap staat al onderaan.")
            )
        if not (_not_yet_run(row, step) and _not_yet_run(row, other)):
            raise ValidationError(
                _("Een stap die al geweest is of nu loopt, blijft op zijn plaats.")
            )
        if _has_vote(row, step.position) or _has_vote(row, other.position):
            raise ValidationError(
                _("Aan een van deze stappen hangt een stemming; die blijft op zijn plaats.")
            )
        mine, theirs = step.position, other.position
        step.position = 0  # free while the other one moves: positions are unique
        step.save(update_fields=["position"])
        other.position = mine
        other.save(update_fields=["position"])
        step.position = theirs
        step.save(update_fields=["position"])
        _agenda_changed(row)
        return step


# The tables -------------------------------------------------------------------------------


def summit_tables_add(
    *, summit: Summit, by: User, hall: int, online: int, capacity: int
) -> list[SummitTable]:
    """``hall`` hall tables and ``online`` online tables, numbered after the last table."""
    with _managed(summit, by) as row:
        if hall < 0 or online < 0 or hall + online == 0:
            raise ValidationError({"hall": _("Kies minstens één tafel.")})
        if row.tables.count() + hall + online > TABLES_MAX:
            raise ValidationError(
                {"hall": _("Een burgertop heeft hoogstens %(max)d tafels.") % {"max": TABLES_MAX}}
            )
        _check_capacity(capacity)
        last = row.tables.aggregate(last=Max("number"))["last"] or 0
        return SummitTable.objects.bulk_create(
            SummitTable(
                summit=row, number=last + 1 + index, capacity=capacity, online=index >= hall
            )
            for index in range(hall + online)
        )


def _check_capacity(capacity: int) -> None:
    if not 1 <= capacity <= CAPACITY_MAX:
        raise ValidationError(
            {"capacity": _("Aan een tafel zitten 1 tot %(max)d mensen.") % {"max": CAPACITY_MAX}}
        )


def summit_table_update(
    *, table: SummitTable, by: User, capacity: int, video_url: str, host: User | None
) -> SummitTable:
    """A table's capacity, video link (online tables, https only) and host. A host who has
    no table-host role yet gets it in this summit's scope."""
    with _managed(table.summit, by) as row:
        table = SummitTable.objects.get(pk=table.pk, summit=row)
        _check_capacity(capacity)
        video_url = video_url.strip()
        if video_url:
            if not table.online:
                raise ValidationError(
                    {"video_url": _("Alleen een online tafel heeft een videolink.")}
                )
            try:
                URLValidator(schemes=["https"])(video_url)
            except ValidationError:
                raise ValidationError(
                    {
                        "video_url": _(
                            "Geef een volledige link die met https:// begint, "
                            "bijvoorbeeld https://video.example.nl/tafel-1."
                        )
                    }
                ) from None
        if host is not None and rules.TABLE_HOST not in rules.summit_roles(host, row):
            core_services.role_grant(user=host, role=rules.TABLE_HOST, scope=row.scope)
        table.capacity = capacity
        table.video_url = video_url
        table.host = host
        table.save(update_fields=["capacity", "video_url", "host"])
        return table


# Roles in the summit's scope ------------------------------------------------------------


def _role_checked(summit: Summit, by: User, role: str) -> None:
    if not rules.can_manage_summit_roles(by, summit):
        raise PermissionDenied(_("Alleen een beheerder mag rollen geven en afnemen."))
    if role not in rules.SCOPED_ROLES:
        raise ValidationError({"role": _("Kies een rol.")})


def summit_role_grant(*, summit: Summit, by: User, user: User, role: str) -> RoleGrant:
    """Give ``user`` a role in this summit only."""
    with _managed(summit, by) as row:
        _role_checked(row, by, role)
        return core_services.role_grant(user=user, role=role, scope=row.scope)


def summit_role_revoke(*, summit: Summit, by: User, user: User, role: str) -> None:
    """Take a role in this summit away (a role held everywhere is changed in the admin)."""
    with _managed(summit, by) as row:
        _role_checked(row, by, role)
        core_services.role_revoke(user=user, role=role, scope=row.scope)
        if role == rules.TABLE_HOST and rules.TABLE_HOST not in rules.summit_roles(user, row):
            # No table keeps a host who may no longer host it; the desk shows it without one.
            row.tables.filter(host=user).update(host=None)
