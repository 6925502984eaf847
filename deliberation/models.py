"""Live citizen summits: the agenda, tables, participants, ideas, themes, command answers."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samenspel import ladder
from samenspel.ladder import COMMISSIONED_BY_MAX_LENGTH
from samenspel.models import ModerationAct
from samenspel.reports import ContentReport

IDEA_MAX_LENGTH = 280


def new_hall_token() -> str:
    return secrets.token_urlsafe(18)


class Summit(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("In voorbereiding")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Gesloten")
        ARCHIVED = "archived", _("Gearchiveerd")

    # The rungs are the core's: a nota and a poll (voting) use the same ones.
    Ladder = ladder.Ladder

    class StepState(models.TextChoices):
        IDLE = "idle", _("Nog niet begonnen")
        RUNNING = "running", _("Loopt")
        PAUSED = "paused", _("Gepauzeerd")

    slug = models.SlugField(_("korte naam"), max_length=80, unique=True)
    title = models.CharField(_("titel"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="open")
    # Per-summit event counter: every broadcast event carries the next value (gapless).
    seq = models.PositiveBigIntegerField(default=0)
    hall_token = models.CharField(max_length=40, default=new_hall_token)
    current_step = models.ForeignKey(
        "Step", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    step_state = models.CharField(max_length=10, choices=StepState.choices, default=StepState.IDLE)
    step_deadline = models.DateTimeField(null=True, blank=True)
    paused_remaining_seconds = models.PositiveIntegerField(null=True, blank=True)
    message = models.CharField(_("mededeling"), max_length=280, blank=True)
    message_at = models.DateTimeField(null=True, blank=True)
    # The frame staff set in the workspace (deliberation/services/setup.py).
    date = models.DateField(_("datum"), null=True, blank=True)
    place = models.CharField(_("plaats"), max_length=200, blank=True)
    question = models.TextField(_("vraag"), blank=True)
    limits = models.TextField(_("kaders"), blank=True)
    commissioned_by = models.CharField(
        _("opdrachtgever"), max_length=COMMISSIONED_BY_MAX_LENGTH, blank=True
    )
    # The outcome page (proposals, their trail and the vote) is public from this moment.
    outcome_published_at = models.DateTimeField(_("uitkomst gepubliceerd"), null=True, blank=True)
    ladder = models.CharField(
        _("zeggenschap"), max_length=12, choices=Ladder.choices, default=Ladder.ADVISE
    )

    class Meta:
        verbose_name = _("burgertop")
        verbose_name_plural = _("burgertoppen")

    def __str__(self) -> str:
        return self.title

    @property
    def scope(self) -> str:
        return f"summit:{self.slug}"

    @property
    def group(self) -> str:
        return f"summit.{self.pk}"


class Step(models.Model):
    class Kind(models.TextChoices):
        WELCOME = "welcome", _("Welkom")
        TABLE_ROUND = "table_round", _("Tafelronde")
        IDEA_COLLECTION = "idea_collection", _("Ideeën verzamelen")
        CLUSTERING = "clustering", _("Clusteren door het themateam")
        THEME_CHOICE = "theme_choice", _("Thema's kiezen")
        PROPOSALS = "proposals", _("Voorstellen per thema")
        VOTE = "vote", _("Stemmen")
        CLOSING = "closing", _("Afsluiting")

    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(_("titel"), max_length=200)
    question = models.TextField(_("vraag"), blank=True)
    duration_seconds = models.PositiveIntegerField(_("duur in seconden"), default=0)
    # A vote step's poll, as the summit was prepared (deliberation/services/vote.py): the
    # method (one of VOTE_METHODS), its number (approval: at most this many choices; dot:
    # the points to spread) and whether the result shows as soon as the vote closes.
    vote_method = models.CharField(_("stemmethode"), max_length=20, blank=True)
    vote_number = models.PositiveSmallIntegerField(_("aantal keuzes of punten"), null=True, blank=True)
    vote_reveal_on_close = models.BooleanField(
        _("uitslag meteen bij sluiten tonen"),
        default=False,
        help_text=_("Anders toont de gespreksleider de uitslag zelf, na het sluiten."),
    )

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["summit", "position"], name="unique_step_position")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Theme(models.Model):
    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(_("naam"), max_length=120)
    featured = models.BooleanField(_("op het zaalscherm"), default=False)
    # Marked by the facilitator or theme team as a minority view or open question for the
    # participation report.
    for_report = models.BooleanField(_("voor het verslag"), default=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class SummitTable(models.Model):
    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="tables")
    number = models.PositiveSmallIntegerField(_("tafelnummer"))
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    capacity = models.PositiveSmallIntegerField(default=10)
    online = models.BooleanField(_("online tafel"), default=False)
    video_url = models.URLField(_("videolink"), blank=True)
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["summit", "number"], name="unique_table_number")
        ]

    def __str__(self) -> str:
        return f"{self.summit} – {_('tafel')} {self.number}"


class Participant(models.Model):
    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    checked_in_at = models.DateTimeField(null=True, blank=True)
    walk_in = models.BooleanField(default=False)
    table = models.ForeignKey(
        SummitTable, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["summit", "user"], name="unique_participant")
        ]

    def __str__(self) -> str:
        return str(self.user)


class Idea(models.Model):
    class Status(models.TextChoices):
        VISIBLE = "visible", _("Zichtbaar")
        WITHDRAWN = "withdrawn", _("Ingetrokken")
        HIDDEN = "hidden", _("Verborgen")
        MERGED = "merged", _("Samengevoegd")

    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="ideas")
    table = models.ForeignKey(SummitTable, on_delete=models.CASCADE, related_name="ideas")
    step = models.ForeignKey(Step, null=True, on_delete=models.SET_NULL, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=IDEA_MAX_LENGTH)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VISIBLE)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL)
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    for_report = models.BooleanField(_("voor het verslag"), default=False)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["summit", "status"])]

    def __str__(self) -> str:
        return self.text[:60]


class IdeaModeration(ModerationAct):
    """A moderation act on an idea. Written by the services that hide and restore
    (``deliberation/services/ideas.py``)."""

    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="+")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="moderations")

    class Meta(ModerationAct.Meta):
        indexes = [models.Index(fields=["summit", "at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.idea_id}"


class IdeaReport(ContentReport):
    """A resident's report of an idea (``services.idea_report``): once per person per idea."""

    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="+")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="reports")

    class Meta(ContentReport.Meta):
        constraints = [models.UniqueConstraint(fields=["idea", "by"], name="unique_idea_report")]
        indexes = [models.Index(fields=["summit", "dismissed_at"])]

    def __str__(self) -> str:
        return f"{self.reason} {self.idea_id}"


class CommandAnswer(models.Model):
    """The first answer to a command, so a resent command (same key) gets it again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.UUIDField()
    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="+")
    type = models.CharField(max_length=40)
    result = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="unique_command_key")]

    def __str__(self) -> str:
        return f"{self.type} {self.key}"


PROPOSAL_TITLE_MAX_LENGTH = 120
PROPOSAL_TEXT_MAX_LENGTH = 1500


class Proposal(models.Model):
    """A theme table's proposal, written during a ``proposals`` step by the table's host
    (``deliberation/services/proposals.py``). Frozen when the vote opens: a ballot names the
    frozen ``title`` and ``text`` and cites it by ``number`` (its address in the summit)."""

    class Status(models.TextChoices):
        WRITING = "writing", _("In de maak")
        FROZEN = "frozen", _("Vastgezet")

    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="proposals")
    number = models.PositiveSmallIntegerField(_("nummer"))
    table = models.ForeignKey(SummitTable, on_delete=models.PROTECT, related_name="proposals")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="proposals")
    title = models.CharField(_("titel"), max_length=PROPOSAL_TITLE_MAX_LENGTH)
    text = models.TextField(_("tekst"))
    ideas = models.ManyToManyField(Idea, blank=True, related_name="proposals")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WRITING)
    # Raised by every save: a save based on an older version is refused, never merged.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    frozen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["summit", "number"], name="unique_proposal_number"),
            models.UniqueConstraint(fields=["table"], name="one_proposal_per_table"),
            models.CheckConstraint(
                condition=models.Q(status="writing", frozen_at__isnull=True)
                | models.Q(status="frozen", frozen_at__isnull=False),
                name="proposal_frozen_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class SummitVote(models.Model):
    """The poll a vote step opened (``deliberation/services/vote.py``): the voting app holds
    the ballots and the count; this row says which summit step it belongs to and when the
    facilitator showed its result on the screens."""

    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="votes")
    step = models.OneToOneField(Step, on_delete=models.PROTECT, related_name="vote")
    poll = models.OneToOneField("voting.Poll", on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()
    revealed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.summit} – {self.step}"
