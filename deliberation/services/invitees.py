"""Who is invited to a summit: add one person, import a file of invitees, issue their
letter codes. The staff workspace and the demo call these; each checks
``samenspel.rules.can_manage_participants`` and writes in one transaction with the summit
row locked, so two imports at once cannot invite one person twice."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from samenspel import rules as core_rules
from samenspel import services as core_services
from samenspel.models import InvitationCode, Neighbourhood, Role, RoleGrant, User
from voting import services as voting
from voting.models import Poll

from .. import invitee_file
from ..invitee_file import FileRefused, Invitee, InviteeTable, RowCheck
from ..models import Participant, Summit
from .context import locked

LETTER_CODE_VALID_DAYS = 90
# Letters one download prints: about half a minute of layout on a busy two-core server
# (bench/invitees.py); the next download continues with the next people.
LETTERS_PER_DOWNLOAD = 250


@dataclass(frozen=True)
class ImportCheck:
    """A file read with a column mapping: its rows, each with its errors."""

    table: InviteeTable
    mapping: dict[str, int | None]
    mapping_errors: dict[str, str]
    rows: list[RowCheck]

    @property
    def importable(self) -> list[RowCheck]:
        return [row for row in self.rows if row.importable]

    @property
    def with_errors(self) -> list[RowCheck]:
        return [row for row in self.rows if row.errors]

    @property
    def skipped(self) -> list[RowCheck]:
        return [row for row in self.rows if row.skip_reason and not row.errors]


@dataclass(frozen=True)
class ImportResult:
    added: list[Participant]
    skipped: int  # already invited
    refused: int  # rows with an error, not imported


@dataclass(frozen=True)
class LetterBatch:
    """Codes issued for letters; the plain codes exist only here (only hashes are stored)."""

    issued: list[core_services.IssuedCode]
    without_address: list[User]  # invitees who got no code because no letter can reach them


def _authorise(summit: Summit, by: User) -> None:
    if not core_rules.can_manage_participants(by, summit.scope):
        raise PermissionDenied(
            _("Alleen een beheerder of de gespreksleider van deze burgertop mag dit.")
        )


def _refuse_if_closed(summit: Summit) -> None:
    if summit.status not in {Summit.Status.DRAFT, Summit.Status.OPEN}:
        raise ValidationError(
            _("Deze burgertop is gesloten. Wie er is uitgenodigd, verandert niet meer.")
        )


def _neighbourhood_names() -> dict[str, str]:
    """Each neighbourhood's name and CBS code, folded to lower case, to its code; a buurt
    wins from a wijk of the same name."""
    names: dict[str, str] = {}
    for code, name, level in Neighbourhood.objects.values_list("code", "name", "level"):
        names[code.casefold()] = code
        if level == Neighbourhood.Level.BUURT or name.casefold() not in names:
            names[name.casefold()] = code
    return names


def _invitee_of(user: User) -> Invitee:
    return Invitee(
        name=user.get_full_name() or user.display_name or user.username,
        email=user.email,
        address=user.street_address,
        postcode=user.postcode,
        place=user.place,
    )


def _invited_keys(summit: Summit) -> set[tuple[str, ...]]:
    keys: set[tuple[str, ...]] = set()
    users = User.objects.filter(pk__in=Participant.objects.filter(summit=summit).values("user"))
    for user in users.only(
        "first_name", "last_name", "display_name", "username", "email", "street_address",
        "postcode", "place",
    ):
        keys |= invitee_file.person_keys(_invitee_of(user))
    return keys


def invitees_check(
    *, summit: Summit, content: bytes, mapping: Mapping[str, int | None] | None = None
) -> ImportCheck:
    """Read a file of invitees for the preview: every row with its errors. The mapping says
    which column holds which field (guessed from the headings when None). ValidationError
    on ``file`` when the file cannot be read at all."""
    try:
        table = invitee_file.read_table(content)
    except FileRefused as refusal:
        raise ValidationError({"file": str(refusal)}) from refusal
    chosen = dict(mapping) if mapping is not None else invitee_file.guess_mapping(table.header)
    chosen = {name: chosen.get(name) for name in invitee_file.FIELDS}
    mapping_errors = invitee_file.check_mapping(table.header, chosen)
    rows: list[RowCheck] = []
    if not mapping_errors:
        rows = invitee_file.check_rows(
            table, chosen, neighbourhoods=_neighbourhood_names(), invited=_invited_keys(summit)
        )
    return ImportCheck(table=table, mapping=chosen, mapping_errors=mapping_errors, rows=rows)


def _split_name(name: str) -> tuple[str, str, str]:
    """First name, the rest, and the name others see: 'Fatima El Amrani' is 'Fatima E.'
    on every screen; the full name is only for the letter and the staff."""
    first, _space, rest = name.partition(" ")
    shown = f"{first} {rest[0].upper()}." if rest else first
    return first[:150], rest[:150], shown[:100]


def _new_users(invitees: Iterable[Invitee], neighbourhoods: Mapping[str, int]) -> list[User]:
    """A user for each invitee, or the existing account with the same e-mail address."""
    invitees = list(invitees)
    emails = {invitee.email.casefold() for invitee in invitees if invitee.email}
    existing: dict[str, User] = {}
    if emails:
        for user in User.objects.filter(email__isnull=False).exclude(email=""):
            if user.email.casefold() in emails:
                existing.setdefault(user.email.casefold(), user)
    users: list[User] = []
    fresh: list[User] = []
    unusable = make_password(None)  # they log in with a code or a link, never a password
    for invitee in invitees:
        user = existing.get(invitee.email.casefold()) if invitee.email else None
        if user is None:
            first, last, shown = _split_name(invitee.name)
            user = User(
                username=f"genodigde-{uuid.uuid4().hex[:12]}",
                first_name=first,
                last_name=last,
                display_name=shown,
                email=invitee.email,
                street_address=invitee.address,
                postcode=invitee.postcode,
                place=invitee.place,
                neighbourhood_id=neighbourhoods.get(invitee.neighbourhood),
                password=unusable,
            )
            fresh.append(user)
        users.append(user)
    User.objects.bulk_create(fresh, batch_size=500)
    return users


def _invite(summit: Summit, users: list[User]) -> list[Participant]:
    # One insert for everyone (a grant one by one took 4 ms a person, bench/invitees.py).
    RoleGrant.objects.bulk_create(
        [RoleGrant(user=user, role=str(Role.RESIDENT), scope=summit.scope) for user in users],
        batch_size=500,
        ignore_conflicts=True,
    )
    participants = [Participant(summit=summit, user=user) for user in users]
    Participant.objects.bulk_create(participants, batch_size=500)
    return list(
        Participant.objects.filter(summit=summit, user__in=users).select_related("user")
    )


def invitees_import(
    *, summit: Summit, by: User, content: bytes, mapping: Mapping[str, int | None]
) -> ImportResult:
    """Invite every valid row of the file; rows with an error and people already invited
    are left out (the preview lists them), so importing the corrected file again adds
    only the rows that were wrong. All valid rows are stored, or none."""
    _authorise(summit, by)
    with transaction.atomic():
        summit = locked(summit)
        _refuse_if_closed(summit)
        check = invitees_check(summit=summit, content=content, mapping=mapping)
        if check.mapping_errors:
            raise ValidationError(check.mapping_errors)
        importable = check.importable
        if not importable:
            raise ValidationError(
                {
                    "file": _(
                        "Er is geen rij om in te lezen: elke rij heeft een fout of is al "
                        "uitgenodigd."
                    )
                }
            )
        codes = {code.casefold(): pk for code, pk in Neighbourhood.objects.values_list("code", "pk")}
        neighbourhoods = {
            row.invitee.neighbourhood: codes[row.invitee.neighbourhood.casefold()]
            for row in importable
            if row.invitee is not None and row.invitee.neighbourhood
        }
        users = _new_users((row.invitee for row in importable if row.invitee), neighbourhoods)
        # An existing account (same e-mail) may already be invited under another name.
        already = set(
            Participant.objects.filter(summit=summit, user__in=users).values_list(
                "user_id", flat=True
            )
        )
        added = _invite(summit, [user for user in users if user.pk not in already])
    return ImportResult(
        added=added,
        skipped=len(check.skipped) + len(already),
        refused=len(check.with_errors),
    )


def invitee_add(
    *,
    summit: Summit,
    by: User,
    name: str,
    email: str = "",
    address: str = "",
    postcode: str = "",
    place: str = "",
    neighbourhood: Neighbourhood | None = None,
) -> Participant:
    """Invite one person; ValidationError per field (and on ``name`` when they are invited
    already)."""
    _authorise(summit, by)
    cells = {"name": name, "email": email, "address": address, "postcode": postcode, "place": place}
    with transaction.atomic():
        summit = locked(summit)
        _refuse_if_closed(summit)
        invitee, errors = invitee_file.check_invitee(cells, {})
        if invitee is None:
            raise ValidationError(errors)
        if invitee_file.person_keys(invitee) & _invited_keys(summit):
            raise ValidationError({"name": _("Deze persoon is al uitgenodigd.")})
        neighbourhoods = {neighbourhood.code: neighbourhood.pk} if neighbourhood else {}
        if neighbourhood is not None:
            invitee = dataclasses.replace(invitee, neighbourhood=neighbourhood.code)
        users = _new_users([invitee], neighbourhoods)
        if Participant.objects.filter(summit=summit, user=users[0]).exists():
            raise ValidationError({"email": _("Iemand met dit e-mailadres is al uitgenodigd.")})
        return _invite(summit, users)[0]


def invitees_invite_accounts(
    *, summit: Summit, by: User, users: Iterable[User]
) -> list[Participant]:
    """Invite people who already have an account (from an earlier process), as an import
    invites them; anyone invited already is left out. Returns the new participants."""
    _authorise(summit, by)
    users = list(users)
    with transaction.atomic():
        summit = locked(summit)
        _refuse_if_closed(summit)
        already = set(Participant.objects.filter(summit=summit).values_list("user_id", flat=True))
        return _invite(summit, [user for user in users if user.pk not in already])


def invitees_without_code(summit: Summit, now: datetime) -> list[User]:
    """Invitees not yet checked in who never logged in with a code and hold none that still
    works."""
    unused = InvitationCode.objects.filter(used_at__isnull=True).exclude(expires_at__lte=now)
    used = InvitationCode.objects.filter(used_at__isnull=False)
    return list(
        User.objects.filter(
            pk__in=Participant.objects.filter(summit=summit, checked_in_at__isnull=True).values(
                "user"
            )
        )
        .exclude(pk__in=unused.values("user"))
        .exclude(pk__in=used.values("user"))
        .order_by("last_name", "first_name", "pk")
    )


def invitee_letters_issue(
    *, summit: Summit, by: User, now: datetime, again: bool = False, letters: bool = True
) -> LetterBatch:
    """Issue letter codes for the summit's invitees who have none yet. ``again`` first voids
    the unused codes of every invitee not checked in, so all of them get a new one. With
    ``letters`` only people with a full address get a code, at most LETTERS_PER_DOWNLOAD of
    them (the next call continues), and the others are named in ``without_address``."""
    _authorise(summit, by)
    with transaction.atomic():
        summit = locked(summit)
        _refuse_if_closed(summit)
        if again:
            InvitationCode.objects.filter(
                used_at__isnull=True,
                user__in=Participant.objects.filter(
                    summit=summit, checked_in_at__isnull=True
                ).values("user"),
            ).delete()
        people = invitees_without_code(summit, now)
        without_address = [user for user in people if not user.has_postal_address] if letters else []
        people = [user for user in people if user not in without_address]
        if letters:
            people = people[:LETTERS_PER_DOWNLOAD]
        if not people:
            if without_address:
                message = _(
                    "Niemand kan een brief krijgen: van deze mensen weten we het adres niet: "
                    "%(names)s."
                ) % {"names": ", ".join(str(user.get_full_name() or user) for user in without_address)}
            else:
                message = _(
                    "Iedereen heeft al een code. Kies 'Nieuwe codes voor iedereen' als u de "
                    "brieven opnieuw wilt maken."
                )
            raise ValidationError({"again": message})
        issued = core_services.invitation_codes_issue(
            users=people,
            now=now,
            valid_days=LETTER_CODE_VALID_DAYS,
            note=f"{summit.scope}",
        )
    return LetterBatch(issued=issued, without_address=without_address)


def summit_participants_vote(*, summit: Summit, by: User, poll: Poll) -> int:
    """Make everyone invited to ``summit`` (and the walk-ins) the voters of a draft poll for
    a list of names: a vote after the day, for the people who took part. Voting checks that
    ``by`` may change that poll; this, that they manage the summit's participants."""
    _authorise(summit, by)
    people = User.objects.filter(
        pk__in=Participant.objects.filter(summit=summit).values("user")
    ).order_by("pk")
    return voting.poll_voters_set(poll=poll, by=by, participants=people)
