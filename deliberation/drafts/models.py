"""Nota drafts: the live CRDT document (update log + snapshots), versions, comments, amendments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samenspel.ladder import COMMISSIONED_BY_MAX_LENGTH, Ladder
from samenspel.models import ModerationAct
from samenspel.reports import ContentReport

from .passages import plain_text


class NotaKind(models.TextChoices):
    SPORTNOTA = "sportnota", _("Sportnota")
    JEUGDNOTA = "jeugdnota", _("Jeugdnota")
    CULTUURNOTA = "cultuurnota", _("Cultuurnota")
    OMGEVINGSVISIE = "omgevingsvisie", _("Omgevingsvisie")


class Draft(models.Model):
    """A nota being co-written. Its live text is the CRDT document in the update log."""

    slug = models.SlugField(_("korte naam"), max_length=80, unique=True)
    title = models.CharField(_("titel"), max_length=200)
    kind = models.CharField(_("soort nota"), max_length=20, choices=NotaKind.choices)
    summary = models.TextField(_("samenvatting"), blank=True)
    created_at = models.DateTimeField(_("aangemaakt"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_to_council_at = models.DateTimeField(_("naar de raad"), null=True, blank=True)
    # The reaction period: comments and amendments are taken from/until these moments.
    # Neither set: no period was chosen, and reactions are taken whenever a version is out.
    reactions_from = models.DateTimeField(_("reageren kan vanaf"), null=True, blank=True)
    reactions_until = models.DateTimeField(_("reageren kan tot"), null=True, blank=True)
    names_visible = models.BooleanField(
        _("inwoners zien elkaars naam"),
        default=True,
        help_text=_("Zo niet, dan staan inwoners op de pagina als 'Inwoner 1', 'Inwoner 2'."),
    )
    # The frame of the participation report. No one named: the executive offers a nota.
    commissioned_by = models.CharField(
        _("opdrachtgever"), max_length=COMMISSIONED_BY_MAX_LENGTH, blank=True
    )
    ladder = models.CharField(
        _("zeggenschap"), max_length=12, choices=Ladder.choices, default=Ladder.ADVISE
    )

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reactions_from__isnull=True)
                | models.Q(reactions_until__isnull=True)
                | models.Q(reactions_until__gt=models.F("reactions_from")),
                name="reaction_period_ends_after_start",
            )
        ]
        verbose_name = _("nota")
        verbose_name_plural = _("nota's")

    def __str__(self) -> str:
        return self.title

    @property
    def scope(self) -> str:
        return f"draft:{self.slug}"


class DraftUpdate(models.Model):
    """One Yjs update as it arrived, in arrival order (the id). Compaction empties ``data``
    of rows a snapshot covers but keeps the row, so authorship stays in the log."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="updates")
    data = models.BinaryField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    compacted = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["draft", "compacted", "id"])]

    def __str__(self) -> str:
        return f"{self.draft_id}#{self.pk}"


class DraftSnapshot(models.Model):
    """The full document state after every update up to ``last_update_id``."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="snapshots")
    data = models.BinaryField()
    last_update_id = models.BigIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_update_id"]

    def __str__(self) -> str:
        return f"{self.draft_id}@{self.last_update_id}"


class Version(models.Model):
    """A numbered, frozen text published by an editor."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("versie"))
    text = models.TextField(_("tekst"))
    last_update_id = models.BigIntegerField(default=0)
    published_at = models.DateTimeField(_("gepubliceerd"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("toelichting"), max_length=300, blank=True)
    is_final = models.BooleanField(_("definitief"), default=False)
    contributors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="draft_versions"
    )

    class Meta:
        ordering = ["draft", "number"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "number"], name="unique_version_number")
        ]
        verbose_name = _("versie")
        verbose_name_plural = _("versies")

    def __str__(self) -> str:
        return f"{self.draft} v{self.number}"


class Comment(models.Model):
    """A remark on a passage of a published version; replies form a thread."""

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    passage = models.TextField(_("passage"), blank=True)
    start = models.PositiveIntegerField(default=0)
    body = models.TextField(_("opmerking"))
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set while an editor keeps it hidden (who and why: ``CommentModeration``).
    hidden_at = models.DateTimeField(null=True, blank=True)
    # Marked by an editor as a minority view or open question for the participation report.
    for_report = models.BooleanField(_("voor het verslag"), default=False)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class CommentModeration(ModerationAct):
    """A moderation act on a comment or reply. Written by ``services.comment_hide`` and
    ``services.comment_moderation_undo``."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="moderations")

    class Meta(ModerationAct.Meta):
        indexes = [models.Index(fields=["draft", "at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.comment_id}"


class CommentReport(ContentReport):
    """A reader's report of a comment or reply (``reports.comment_report``): once per person
    per comment."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")

    class Meta(ContentReport.Meta):
        constraints = [
            models.UniqueConstraint(fields=["comment", "by"], name="unique_comment_report")
        ]
        indexes = [models.Index(fields=["draft", "dismissed_at"])]

    def __str__(self) -> str:
        return f"{self.reason} {self.comment_id}"


class Amendment(models.Model):
    """A proposed replacement of a passage of a published version."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_VOTE = "in_vote", _("In stemming")
        ACCEPTED = "accepted", _("Overgenomen")
        REJECTED = "rejected", _("Afgewezen")

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="amendments")
    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="amendments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    passage = models.TextField(_("passage"))
    start = models.PositiveIntegerField(default=0)
    replacement = models.TextField(_("nieuwe tekst"), blank=True)
    rationale = models.TextField(_("toelichting"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField(_("reden"), blank=True)
    for_report = models.BooleanField(_("voor het verslag"), default=False)
    vote_batch = models.UUIDField(null=True, blank=True)
    supporters = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Support", related_name="supported_amendments"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("amendement")
        verbose_name_plural = _("amendementen")

    def __str__(self) -> str:
        return f"{self.passage[:30]} -> {self.replacement[:30]}"

    @property
    def passage_shown(self) -> str:
        """The passage as the page shows it (a ballot's option title uses this)."""
        return plain_text(self.passage)

    @property
    def replacement_shown(self) -> str:
        return plain_text(self.replacement)


class Support(models.Model):
    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["amendment", "user"], name="unique_amendment_support")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} steunt {self.amendment_id}"
