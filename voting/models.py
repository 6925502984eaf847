"""Polls, their options, who may vote, what was voted, and the published result.

Secrecy by design: ``Eligibility`` says *who* voted, ``Ballot`` says *what* was voted, and
no foreign key or timestamp joins them. While a poll is open a ballot waits sealed in
``PendingBallot``; closing stores all of them at once, shuffled, so neither a shared
transaction id nor the physical or id order joins a ballot to a mark either. A ballot carries ``voter_key``, an HMAC of the poll
and the voter under the server's SECRET_KEY, so a re-vote can find and replace the earlier
ballot and the database can hold one ballot per voter per poll. Honestly stated: an operator
who holds SECRET_KEY and the database can recompute the key and link a ballot to a person;
the published ballot file cannot, because it carries neither keys nor times nor row order.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samenspel.ladder import COMMISSIONED_BY_MAX_LENGTH, Ladder

from . import methods


class Method(models.TextChoices):
    YES_NO = "yes_no", _("Voor / tegen / onthouding")
    APPROVAL = "approval", _("Goedkeuren (meerdere keuzes)")
    IRV = "irv", _("Rangschikken (instant runoff)")
    STV = "stv", _("Rangschikken, meerdere zetels (STV)")
    SCHULZE = "schulze", _("Rangschikken (Schulze)")
    BORDA = "borda", _("Rangschikken (Borda)")
    COPELAND = "copeland", _("Rangschikken (Copeland)")
    SCORE = "score", _("Cijfers geven (0-5)")
    MAJORITY_JUDGMENT = "majority_judgment", _("Oordelen (majority judgment)")
    DOT = "dot", _("Punten verdelen")
    BUDGET_GREEDY = "budget_greedy", _("Begroten (meeste stemmen eerst)")
    BUDGET_MES = "budget_mes", _("Begroten (gelijke aandelen)")


# What each method is and does lives in voting.methods (one entry per value above).
RANKED_METHODS = methods.keys_of(methods.RANKING)
BUDGET_METHODS = frozenset(m.key for m in methods.REGISTRY.values() if m.needs_budget)
GRADED_METHODS = methods.keys_of(methods.GRADES)


class Poll(models.Model):
    """A vote on a set of options, for the participants the caller made eligible."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("In voorbereiding")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Gesloten")

    class MajorityRule(models.TextChoices):
        SIMPLE = "simple", _("Meer dan de helft van voor + tegen")
        TWO_THIRDS = "two_thirds", _("Ten minste twee derde van voor + tegen")

    class Electorate(models.TextChoices):
        # Who may vote (docs/voting.md, "Who may vote"): the list the caller hands in (a
        # summit's participants, a nota's voters, a CSV), every resident, or the residents
        # of one wijk or buurt. The last two are turned into marks at opening and for
        # whoever joins the electorate while the poll is open.
        LIST = "list", _("Een lijst met namen")
        ALL = "all", _("Alle inwoners")
        NEIGHBOURHOOD = "neighbourhood", _("Inwoners van één wijk of buurt")
        # A group another app defines, such as a summit's participants
        # (``voting/electorates.py``); its key is in ``electorate_source``.
        SOURCE = "source", _("Een groep uit een burgertop of ander onderdeel")

    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("toelichting"), blank=True)
    context = models.CharField(
        _("context"),
        max_length=200,
        blank=True,
        db_index=True,
        help_text=_("Waar de stemming bij hoort, bijvoorbeeld 'summit:burgertop-2026/step:4'."),
    )
    method = models.CharField(_("methode"), max_length=20, choices=Method.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    seats = models.PositiveSmallIntegerField(_("aantal winnaars"), default=1)
    min_choices = models.PositiveSmallIntegerField(_("minimaal aantal keuzes"), default=0)
    max_choices = models.PositiveSmallIntegerField(
        _("maximaal aantal keuzes"), null=True, blank=True
    )
    budget = models.PositiveBigIntegerField(_("budget (euro)"), null=True, blank=True)
    points = models.PositiveSmallIntegerField(_("punten per deelnemer"), null=True, blank=True)
    majority_rule = models.CharField(
        _("meerderheidsregel"),
        max_length=12,
        choices=MajorityRule.choices,
        default=MajorityRule.SIMPLE,
    )
    seed = models.CharField(
        _("lotingszaad"),
        max_length=64,
        help_text=_("Beslist gelijke standen; wordt met de uitslag gepubliceerd."),
    )
    # Never published: keys the ballot trackers and the shuffle of the published file.
    secret = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    electorate = models.CharField(
        _("wie mag stemmen"), max_length=14, choices=Electorate.choices, default=Electorate.LIST
    )
    neighbourhood = models.ForeignKey(
        "samenspel.Neighbourhood",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("wijk of buurt"),
    )
    electorate_source = models.CharField(
        _("groep die mag stemmen"),
        max_length=200,
        blank=True,
        help_text=_("Bij een groep uit een ander onderdeel, bijvoorbeeld 'summit:burgertop-2026'."),
    )
    opens_at = models.DateTimeField(_("gaat open op"), null=True, blank=True)
    closes_at = models.DateTimeField(_("sluit op"), null=True, blank=True)
    live_turnout = models.BooleanField(
        _("opkomst live tonen"),
        default=True,
        help_text=_("De uitslag komt altijd pas bij het sluiten; dit gaat alleen over de opkomst."),
    )
    created_at = models.DateTimeField(_("aangemaakt"))
    opened_at = models.DateTimeField(_("geopend"), null=True, blank=True)
    closed_at = models.DateTimeField(_("gesloten"), null=True, blank=True)
    # The frame of the participation report (the question is the title and description).
    limits = models.TextField(_("kaders"), blank=True)
    commissioned_by = models.CharField(
        _("opdrachtgever"), max_length=COMMISSIONED_BY_MAX_LENGTH, blank=True
    )
    ladder = models.CharField(
        _("zeggenschap"), max_length=12, choices=Ladder.choices, default=Ladder.CONSULT
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("stemming")
        verbose_name_plural = _("stemmingen")
        constraints = [
            models.CheckConstraint(condition=models.Q(seats__gte=1), name="poll_seats_positive"),
            models.CheckConstraint(
                condition=models.Q(max_choices__isnull=True)
                | models.Q(max_choices__gte=models.F("min_choices")),
                name="poll_max_choices_not_below_min",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def voting_method(self) -> methods.VotingMethod:
        """This poll's entry in the registry of voting methods (voting.methods)."""
        return methods.get(self.method)

    @property
    def is_ranked(self) -> bool:
        return self.voting_method.shape is methods.RANKING

    @property
    def is_budget(self) -> bool:
        return self.voting_method.needs_budget

    @property
    def group(self) -> str:
        """The live group of this poll's screens (turnout and reveal)."""
        return f"poll.{self.pk}"


class Option(models.Model):
    """One thing to vote on: an idea, theme, amendment, decision point or project."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(_("volgorde"))
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("toelichting"), blank=True)
    cost = models.PositiveBigIntegerField(_("kosten (euro)"), null=True, blank=True)
    reference = models.CharField(
        _("verwijzing"),
        max_length=100,
        blank=True,
        help_text=_("Waar de optie vandaan komt, bijvoorbeeld 'idea:12' of 'amendment:3'."),
    )

    class Meta:
        ordering = ["poll", "position"]
        verbose_name = _("optie")
        verbose_name_plural = _("opties")
        constraints = [
            models.UniqueConstraint(fields=["poll", "position"], name="unique_option_position")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def key(self) -> str:
        """The option's id in ballots, counts and published files ("1", "2", ...)."""
        return str(self.position)


class CastVia(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("Papier")


class Eligibility(models.Model):
    """Who may vote in a poll and whether they did; never what they voted."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="eligibilities")
    # PROTECT: deleting a person (in the admin) must not take the mark that they voted with
    # them; a vote's turnout is evidence.
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="poll_eligibilities"
    )
    has_voted = models.BooleanField(_("heeft gestemd"), default=False)
    cast_via = models.CharField(
        _("gestemd via"), max_length=10, choices=CastVia.choices, blank=True
    )
    # Counts the casts, so a form opened before an earlier cast (a second tab) is refused.
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("stemgerechtigde")
        verbose_name_plural = _("stemgerechtigden")
        constraints = [
            models.UniqueConstraint(fields=["poll", "participant"], name="unique_eligibility")
        ]
        indexes = [models.Index(fields=["poll", "has_voted"])]

    def __str__(self) -> str:
        return f"{self.participant} – {self.poll}"


class Ballot(models.Model):
    """What one voter voted: no user, no time. A random id, so row order tells nothing."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    voter_key = models.CharField(max_length=64)
    content = models.JSONField()
    tracker = models.CharField(max_length=14)
    source = models.CharField(max_length=10, choices=CastVia.choices, default=CastVia.ONLINE)

    class Meta:
        verbose_name = _("stembiljet")
        verbose_name_plural = _("stembiljetten")
        constraints = [
            models.UniqueConstraint(fields=["poll", "voter_key"], name="one_ballot_per_voter"),
            models.UniqueConstraint(fields=["poll", "tracker"], name="unique_ballot_tracker"),
        ]

    def __str__(self) -> str:
        return self.tracker


class PendingBallot(models.Model):
    """A ballot cast in a poll that is still open, sealed (voting/sealing.py) until closing.

    It is written with the voter's eligibility mark, so the database may show whose it is;
    what it holds (content, ballot id, voter key) is sealed with a key derived from
    SECRET_KEY. Closing opens the seals, stores them as ``Ballot`` rows in a random order and
    deletes these rows, so no transaction id, physical place or value joins a ballot to a
    mark. ``lookup`` is an HMAC under SECRET_KEY, other than the ballot's ``voter_key``: a
    re-vote replaces the voter's row, and the voter finds their tracker before closing."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="+")
    lookup = models.CharField(max_length=64)
    sealed = models.BinaryField()

    class Meta:
        verbose_name = _("verzegelde stem")
        verbose_name_plural = _("verzegelde stemmen")
        constraints = [
            models.UniqueConstraint(fields=["poll", "lookup"], name="one_pending_ballot_per_voter")
        ]

    def __str__(self) -> str:
        return str(self.id)


class ReplacedReceipt(models.Model):
    """The receipt (tracker) of a ballot that its voter replaced by a later one before the
    poll closed. Stored at closing, shuffled apart from the ballots, with a random id and
    nothing that names the voter or the ballot that replaced it, so that an old receipt
    looked up says "replaced by a later ballot" instead of "not found"."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="+")
    tracker = models.CharField(max_length=14)

    class Meta:
        verbose_name = _("vervangen bewijscode")
        verbose_name_plural = _("vervangen bewijscodes")
        constraints = [
            models.UniqueConstraint(fields=["poll", "tracker"], name="unique_replaced_receipt")
        ]

    def __str__(self) -> str:
        return self.tracker


class Result(models.Model):
    """The stored count and the published, shuffled ballot files with their SHA-256."""

    poll = models.OneToOneField(Poll, on_delete=models.CASCADE, related_name="result")
    outcome = models.JSONField()
    explanation = models.JSONField(default=list)
    ballots_counted = models.PositiveIntegerField()
    paper_ballots = models.PositiveIntegerField(default=0)
    eligible = models.PositiveIntegerField()
    file_name = models.CharField(max_length=120)
    file_text = models.TextField()
    file_sha256 = models.CharField(max_length=64)
    tracker_file_name = models.CharField(max_length=120)
    tracker_file_text = models.TextField()
    tracker_file_sha256 = models.CharField(max_length=64)
    counted_at = models.DateTimeField(_("geteld"))

    class Meta:
        verbose_name = _("uitslag")
        verbose_name_plural = _("uitslagen")

    def __str__(self) -> str:
        return str(self.poll)
