"""The council's answers: per summit proposal (and later per nota amendment) a status from
the municipality's own list, the reasons, the decision, dated milestones, and a history of
every change for accountability."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from deliberation.drafts.models import Amendment
from deliberation.models import Proposal

REASONS_MAX_LENGTH = 5000
REFERENCE_MAX_LENGTH = 200
MILESTONE_MAX_LENGTH = 300
MILESTONES_MAX = 20


class AnswerStatus(models.Model):
    """One entry of the list of statuses the municipality manages (aangenomen, ...)."""

    key = models.SlugField(_("sleutel"), max_length=40, unique=True)
    label = models.CharField(_("naam"), max_length=80, unique=True)
    progress = models.PositiveSmallIntegerField(_("voortgang in procenten"), default=0)
    order = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("status van een antwoord")
        verbose_name_plural = _("statussen van antwoorden")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="council_status_progress_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return self.label


class Answer(models.Model):
    """The council's current answer on one proposal.

    What it answers is one of two nullable foreign keys, exactly one set (a check
    constraint): the database keeps the link intact (a proposal with an answer cannot be
    deleted) and each target has its own unique constraint, which a generic kind + id pair
    cannot give. Only proposals are answered so far; the amendment key is there so nota
    amendments need no change of this table.
    """

    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amendment = models.ForeignKey(
        Amendment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.ForeignKey(AnswerStatus, on_delete=models.PROTECT, related_name="answers")
    reasons = models.TextField(_("toelichting"), blank=True)
    decision_date = models.DateField(_("datum van het besluit"), null=True, blank=True)
    decision_reference = models.CharField(
        _("raadsbesluit"), max_length=REFERENCE_MAX_LENGTH, blank=True
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("antwoord van de raad")
        verbose_name_plural = _("antwoorden van de raad")
        permissions = [("record_answer", _("Antwoorden van de raad vastleggen"))]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(proposal__isnull=False, amendment__isnull=True)
                    | models.Q(proposal__isnull=True, amendment__isnull=False)
                ),
                name="council_answer_has_one_target",
            ),
            models.UniqueConstraint(fields=["proposal"], name="council_one_answer_per_proposal"),
            models.UniqueConstraint(fields=["amendment"], name="council_one_answer_per_amendment"),
        ]

    def __str__(self) -> str:
        return f"{self.status.label}: {self.proposal_id or self.amendment_id}"


class Milestone(models.Model):
    """A dated step after the decision, with how far the work is by then."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="milestones")
    date = models.DateField(_("datum"))
    progress = models.PositiveSmallIntegerField(_("voortgang in procenten"))
    description = models.CharField(_("wat er is gebeurd"), max_length=MILESTONE_MAX_LENGTH)

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100),
                name="council_milestone_progress_at_most_100",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.description}"


class AnswerChange(models.Model):
    """Who changed an answer, when, and what (each changed field: before and after). Only
    staff change answers; nothing about residents is in here."""

    class Source(models.TextChoices):
        FORM = "form", _("formulier")
        FILE = "file", _("CSV-bestand")

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    changes = models.JSONField()  # {field: [before, after]}

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.changed_at}: {', '.join(self.changes)}"


class Report(models.Model):
    """A participation report as it was made: the ZIP of all its files. Each making is kept
    (what the council was sent stays as it was); pages show the newest.

    What it reports on is a finished summit, a nota whose reaction period is over, or a
    closed poll of the workspace: three nullable foreign keys, exactly one set (a check
    constraint), as for ``Answer``."""

    summit = models.ForeignKey(
        "deliberation.Summit", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    draft = models.ForeignKey(
        "drafts.Draft", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    poll = models.ForeignKey(
        "voting.Poll", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    generated_at = models.DateTimeField(_("gemaakt"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    archive = models.BinaryField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-generated_at", "-pk"]
        verbose_name = _("participatieverslag")
        verbose_name_plural = _("participatieverslagen")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(summit__isnull=False, draft__isnull=True, poll__isnull=True)
                    | models.Q(summit__isnull=True, draft__isnull=False, poll__isnull=True)
                    | models.Q(summit__isnull=True, draft__isnull=True, poll__isnull=False)
                ),
                name="council_report_has_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.summit_id or self.draft_id or self.poll_id}: {self.generated_at}"


class Notice(models.Model):
    """A resident's notice that the council's answer on something they contributed to
    changed (one per person per ``AnswerChange``). It names the proposal or amendment and
    what changed, never another resident. ``emailed_at`` is set when a daily e-mail
    (``send_council_notices``) carried it; ``read_at`` when they marked it read."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="council_notices"
    )
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="+")
    change = models.ForeignKey(AnswerChange, on_delete=models.CASCADE, related_name="notices")
    # The status as residents read it (the label at the time), before and after the change;
    # before is empty when the council answered for the first time.
    status_before = models.CharField(_("status ervoor"), max_length=80, blank=True)
    status_after = models.CharField(_("status erna"), max_length=80)
    changed = models.JSONField(default=list)  # the names of the changed fields
    created_at = models.DateTimeField(_("gemaakt"))
    read_at = models.DateTimeField(_("gelezen"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("gemaild"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("bericht over een antwoord")
        verbose_name_plural = _("berichten over antwoorden")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "change"], name="council_one_notice_per_change"
            )
        ]
        indexes = [
            models.Index(fields=["person", "read_at"], name="council_notice_unread"),
            models.Index(fields=["emailed_at", "person"], name="council_notice_unsent"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.status_before} -> {self.status_after}"


class NoticeSetting(models.Model):
    """A resident's choice whether the daily e-mail (``send_council_notices``) may mail
    them their notices. No row means yes: whoever gave an e-mail address gets it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="council_notice_setting",
    )
    email = models.BooleanField(_("e-mail over de raad"), default=True)
    changed_at = models.DateTimeField(_("gewijzigd"))

    class Meta:
        verbose_name = _("keuze voor e-mail over de raad")
        verbose_name_plural = _("keuzes voor e-mail over de raad")

    def __str__(self) -> str:
        return f"{self.user_id}: {'e-mail' if self.email else 'geen e-mail'}"
