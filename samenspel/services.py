"""Every write of the core: roles, invitation codes, magic links, throttling, API tokens."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.authtoken.models import Token

from . import slowdown
from .models import InvitationCode, LoginThrottle, RoleGrant, User

# No 0/O, 1/I/L: codes are typed from paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LOOKUP_LENGTH = 4
SECRET_LENGTH = 8
MAGIC_LINK_SALT = "samenspel.magic-link"


class LoginRefused(Exception):
    """A login attempt that failed; ``str(error)`` is the message to show (translated)."""


@dataclass(frozen=True)
class IssuedCode:
    user: User
    code: str  # the only moment the plain code exists: print it, then forget it


def role_grant(*, user: User, role: str, scope: str = "") -> RoleGrant:
    grant, _created = RoleGrant.objects.get_or_create(user=user, role=role, scope=scope)
    return grant


def role_revoke(*, user: User, role: str, scope: str = "") -> None:
    RoleGrant.objects.filter(user=user, role=role, scope=scope).delete()


def _secret_hash(secret: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), secret.encode(), hashlib.sha256).hexdigest()


def normalise_code(raw: str) -> str:
    """Accept codes as people type them: any case, with spaces or dashes."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def format_code(lookup: str, secret: str) -> str:
    return f"{lookup}-{secret[:4]}-{secret[4:]}"


def invitation_codes_issue(
    *, users: list[User], now: datetime, valid_days: int | None = 60, note: str = ""
) -> list[IssuedCode]:
    """Give each user a fresh single-use code; earlier unused codes of theirs stop working."""
    issued = []
    expires_at = now + timedelta(days=valid_days) if valid_days else None
    with transaction.atomic():
        InvitationCode.objects.filter(user__in=users, used_at__isnull=True).delete()
        taken = set(InvitationCode.objects.values_list("lookup", flat=True))
        rows = []
        for user in users:
            lookup = _random_chars(LOOKUP_LENGTH)
            while lookup in taken:
                lookup = _random_chars(LOOKUP_LENGTH)
            taken.add(lookup)
            secret = _random_chars(SECRET_LENGTH)
            rows.append(
                InvitationCode(
                    user=user,
                    lookup=lookup,
                    secret_hash=_secret_hash(secret),
                    created_at=now,
                    expires_at=expires_at,
                    note=note,
                )
            )
            issued.append(IssuedCode(user=user, code=format_code(lookup, secret)))
        InvitationCode.objects.bulk_create(rows, batch_size=500)
    return issued


def _random_chars(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def _throttle_reserve(key: str, now: datetime) -> None:
    """Count a login attempt before it is checked; LoginRefused while the key is locked.

    The count is taken under the row's lock, so attempts sent at the same moment are
    counted one after the other and no more than LOGIN_MAX_FAILURES of them are ever
    checked: the attempt that reaches the limit locks the key at once, and a success
    releases it (_throttle_clear). Reading the count first and writing it after the check
    let every simultaneous guess through."""
    with transaction.atomic():
        row, _created = LoginThrottle.objects.select_for_update().get_or_create(key=key)
        if row.locked_until and row.locked_until > now:
            minutes = max(1, int((row.locked_until - now).total_seconds() // 60) + 1)
            raise LoginRefused(
                _("Te vaak geprobeerd. Probeer het over %(minutes)s minuten opnieuw.")
                % {"minutes": minutes}
            )
        if row.locked_until:  # an expired lock starts a fresh count
            row.failures = 0
            row.locked_until = None
        row.failures += 1
        row.last_failure_at = now
        if row.failures >= settings.LOGIN_MAX_FAILURES:
            row.locked_until = now + timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
        row.save(update_fields=["failures", "locked_until", "last_failure_at"])


def _throttle_clear(key: str) -> None:
    LoginThrottle.objects.filter(key=key).delete()


@dataclass(frozen=True)
class CodeAttempt:
    """A counted attempt at a letter code: check it with invitation_code_redeem at check_at."""

    lookup: str
    secret: str
    check_at: datetime
    counted: bool = True  # False: it would have had to wait, and may not; nothing counted

    def wait_seconds(self, now: datetime) -> float:
        return max(0.0, (self.check_at - now).total_seconds())


def _code_slowdown() -> slowdown.Slowdown:
    return slowdown.Slowdown(
        free_attempts=settings.LOGIN_MAX_FAILURES,
        first_delay=settings.LOGIN_CODE_DELAY_SECONDS,
        max_delay=settings.LOGIN_CODE_MAX_DELAY_SECONDS,
    )


def invitation_code_attempt(*, raw_code: str, now: datetime, may_wait: bool = True) -> CodeAttempt:
    """Count an attempt at a letter code before it is checked, and say when it may be.

    Guessing at a code never locks it: each attempt after LOGIN_MAX_FAILURES waits longer
    than the one before, up to LOGIN_CODE_MAX_DELAY_SECONDS, so the holder always gets in.
    The count is taken under the row's lock, so attempts sent at the same moment each get a
    moment of their own, one after the other. For code rows ``locked_until`` holds the moment
    before which the next attempt is not checked. An attempt that would have to wait while
    ``may_wait`` is false is not counted (``counted`` False): it is not checked either."""
    code = normalise_code(raw_code)
    if len(code) != LOOKUP_LENGTH + SECRET_LENGTH:
        raise LoginRefused(
            _("Deze code klopt niet. Een code heeft 12 tekens, zoals ABCD-EFGH-JKMN.")
        )
    lookup, secret = code[:LOOKUP_LENGTH], code[LOOKUP_LENGTH:]
    with transaction.atomic():
        row, _created = LoginThrottle.objects.select_for_update().get_or_create(
            key=f"code:{lookup}"
        )
        check_at, next_check = slowdown.check_times(
            counted=row.failures + 1, next_check=row.locked_until, now=now, policy=_code_slowdown()
        )
        if check_at > now and not may_wait:
            return CodeAttempt(lookup=lookup, secret=secret, check_at=check_at, counted=False)
        row.failures += 1
        row.locked_until = next_check
        row.last_failure_at = now
        row.save(update_fields=["failures", "locked_until", "last_failure_at"])
    return CodeAttempt(lookup=lookup, secret=secret, check_at=check_at)


def invitation_code_redeem(*, attempt: CodeAttempt, now: datetime) -> User:
    """Log in with a letter code counted by invitation_code_attempt, once its moment has come:
    it works once, unless expired."""
    throttle_key = f"code:{attempt.lookup}"
    refusal: LoginRefused | None = None
    with transaction.atomic():
        row = (
            InvitationCode.objects.select_for_update()
            .select_related("user")
            .filter(lookup=attempt.lookup)
            .first()
        )
        if row is None or not hmac.compare_digest(row.secret_hash, _secret_hash(attempt.secret)):
            # A wrong guess: the attempt stays counted, and says how long the next one waits.
            raise LoginRefused(_wrong_code_message(throttle_key, now))
        if row.used_at is not None:
            refusal = LoginRefused(
                _(
                    "Deze code is al gebruikt. Vraag bij de balie of de organisatie om een nieuwe."
                )
            )
        elif row.expires_at is not None and row.expires_at <= now:
            refusal = LoginRefused(_("Deze code is verlopen. Vraag om een nieuwe code."))
        elif not row.user.is_active:
            refusal = LoginRefused(_("Dit account is uitgeschakeld."))
        else:
            row.used_at = now
            row.save(update_fields=["used_at"])
    # The secret was right, so nothing was guessed: the count starts again.
    _throttle_clear(throttle_key)
    if refusal is not None:
        raise refusal
    return row.user


def _wrong_code_message(throttle_key: str, now: datetime) -> str:
    next_check = (
        LoginThrottle.objects.filter(key=throttle_key)
        .values_list("locked_until", flat=True)
        .first()
    )
    seconds = math.ceil((next_check - now).total_seconds()) if next_check else 0
    if seconds <= 0:
        return _("Deze code klopt niet. Kijk goed naar de letters en cijfers.")
    return ngettext(
        "Deze code klopt niet. Er is vaak een foute code geprobeerd: "
        "probeer het over %(seconds)s seconde opnieuw.",
        "Deze code klopt niet. Er is vaak een foute code geprobeerd: "
        "probeer het over %(seconds)s seconden opnieuw.",
        seconds,
    ) % {"seconds": seconds}


def code_try_again_message(seconds: float) -> str:
    """What a slowed attempt at a letter code is told when it cannot wait here."""
    whole = max(1, math.ceil(seconds))
    return ngettext(
        "Deze code wordt nu vaak geprobeerd. Probeer het over %(seconds)s seconde opnieuw.",
        "Deze code wordt nu vaak geprobeerd. Probeer het over %(seconds)s seconden opnieuw.",
        whole,
    ) % {"seconds": whole}


def password_login_check(*, username: str, now: datetime) -> None:
    """Count this attempt on the account before its password is checked; LoginRefused
    while the account is locked after repeated wrong passwords."""
    _throttle_reserve(f"account:{username.lower()}", now)


def password_login_succeeded(*, username: str) -> None:
    _throttle_clear(f"account:{username.lower()}")


def _last_login_stamp(user: User) -> int:
    return int(user.last_login.timestamp()) if user.last_login else 0


def magic_link_token(*, user: User) -> str:
    """A signed token for a login link; it dies after use (last_login changes) or max age."""
    return signing.dumps({"u": user.pk, "l": _last_login_stamp(user)}, salt=MAGIC_LINK_SALT)


def magic_link_request(*, email: str, now: datetime) -> User | None:
    """The user an emailed link should go to, or None; counts towards the account's limit."""
    key = f"magic:{email.strip().lower()}"
    _throttle_reserve(key, now)  # every request counts: stops mail bombing one address
    return User.objects.filter(email__iexact=email.strip(), is_active=True).first()


def magic_link_redeem(*, token: str) -> User:
    try:
        payload = signing.loads(
            token, salt=MAGIC_LINK_SALT, max_age=settings.MAGIC_LINK_MAX_AGE_SECONDS
        )
    except signing.SignatureExpired as error:
        raise LoginRefused(_("Deze inloglink is verlopen. Vraag een nieuwe link aan.")) from error
    except signing.BadSignature as error:
        raise LoginRefused(_("Deze inloglink klopt niet. Vraag een nieuwe link aan.")) from error
    user = User.objects.filter(pk=payload.get("u"), is_active=True).first()
    if user is None:
        raise LoginRefused(_("Deze inloglink klopt niet. Vraag een nieuwe link aan."))
    if payload.get("l") != _last_login_stamp(user):
        raise LoginRefused(_("Deze inloglink is al gebruikt. Vraag een nieuwe link aan."))
    return user


def api_token_for(*, user: User) -> str:
    token, _created = Token.objects.get_or_create(user=user)
    return token.key


SITE_NOTICE_MAX_LENGTH = 500


def site_notice_publish(*, text: str, by: User) -> None:
    """Show a short notice on every open page (e.g. 'De lunch begint om 12:30')."""
    from . import rules
    from .consumers import SITE_GROUP
    from .events import site_notice
    from .live.broadcast import broadcast

    if not (rules.can_manage_users(by) or by.is_staff):
        raise PermissionError(_("Alleen beheerders mogen een mededeling sturen."))
    text = text.strip()
    if not text:
        raise ValueError(_("Een mededeling mag niet leeg zijn."))
    if len(text) > SITE_NOTICE_MAX_LENGTH:
        raise ValueError(_("Een mededeling is hoogstens 500 tekens lang."))
    with transaction.atomic():
        broadcast(SITE_GROUP, site_notice(text))
