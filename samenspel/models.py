"""Accounts, roles, invitation codes and the Diemen neighbourhoods."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("Inwoner")
    TABLE_HOST = "table_host", _("Tafelgastheer of -vrouw")
    FACILITATOR = "facilitator", _("Gespreksleider")
    THEME_TEAM = "theme_team", _("Themateam")
    EDITOR = "editor", _("Ambtenaar (redacteur)")
    COUNCIL_MEMBER = "council_member", _("Raadslid")
    ADMINISTRATOR = "administrator", _("Beheerder")


class Neighbourhood(models.Model):
    """A CBS wijk or buurt of the municipality; editable data, loaded by a migration."""

    class Level(models.TextChoices):
        WIJK = "wijk", _("Wijk")
        BUURT = "buurt", _("Buurt")

    code = models.CharField(_("CBS-code"), max_length=10, unique=True)
    name = models.CharField(_("naam"), max_length=100)
    level = models.CharField(_("niveau"), max_length=5, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="buurten"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("wijk of buurt")
        verbose_name_plural = _("wijken en buurten")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class User(AbstractUser):
    """A person using Samenspel. Residents usually have no password, only codes or links."""

    display_name = models.CharField(_("weergavenaam"), max_length=100, blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("wijk of buurt"),
    )
    birth_year = models.PositiveSmallIntegerField(_("geboortejaar"), null=True, blank=True)
    # Where a letter with a login code goes. Private: never shown to others, published,
    # exported to the council or served by the API.
    street_address = models.CharField(_("straat en huisnummer"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    place = models.CharField(_("woonplaats"), max_length=100, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def public_name(self) -> str:
        return self.display_name or self.first_name or self.username

    @property
    def has_postal_address(self) -> bool:
        return bool(self.street_address and self.postcode and self.place)


class RoleGrant(models.Model):
    """A role a user holds, everywhere (empty scope) or in one scope like 'summit:<slug>'."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    scope = models.CharField(
        _("bereik"),
        max_length=120,
        blank=True,
        help_text=_("Leeg voor overal, of bijvoorbeeld 'summit:burgertop-2026'."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "scope"], name="unique_role_grant")
        ]
        indexes = [models.Index(fields=["scope", "role"])]
        verbose_name = _("rol")
        verbose_name_plural = _("rollen")

    def __str__(self) -> str:
        where = self.scope or _("overal")
        return f"{self.user} – {self.get_role_display()} ({where})"


class InvitationCode(models.Model):
    """A single-use login code printed in a letter.

    The code reads as LOOKUP-SECRET: the lookup part finds the row (and is what failures are
    counted against), only a hash of the secret is stored.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitation_codes")
    lookup = models.CharField(max_length=8, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("aangemaakt"))
    expires_at = models.DateTimeField(_("verloopt"), null=True, blank=True)
    used_at = models.DateTimeField(_("gebruikt"), null=True, blank=True)
    note = models.CharField(_("notitie"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("uitnodigingscode")
        verbose_name_plural = _("uitnodigingscodes")

    def __str__(self) -> str:
        return f"{self.lookup}-•••• ({self.user})"


class LoginThrottle(models.Model):
    """Failed login attempts per code lookup or per account, not per IP address:
    a summit puts hundreds of people behind one venue network."""

    key = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.failures}"


MODERATION_REASON_MAX_LENGTH = 500


class ModerationAct(models.Model):
    """One moderation act on a piece of content, kept as a record: hidden (with the reason)
    or put back; who did it and when. Each app that moderates keeps its own table of these
    (a subclass with a foreign key to the process and one to the content)."""

    class Action(models.TextChoices):
        HIDE = "hide", _("Verborgen")
        RESTORE = "restore", _("Teruggezet")

    action = models.CharField(max_length=10, choices=Action.choices)
    reason = models.CharField(max_length=MODERATION_REASON_MAX_LENGTH, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        abstract = True
        ordering = ["-at", "-pk"]
