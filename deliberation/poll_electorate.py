"""'The participants of a summit' as a workspace poll's electorate: registered with voting
at start-up (``DeliberationConfig.ready``), since voting knows no summits. A key is the
summit's scope ('summit:<slug>'); its members are everyone on the summit's participant list
(invited or walked in) when the poll opens."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samenspel.models import User
from samenspel.rules import can_manage_participants

from .models import Participant, Summit

PREFIX = "summit:"


def summit_choices(user: User) -> list[tuple[str, str]]:
    """The summits whose participants this person may make a poll's voters: those whose
    participants they may manage (administrators, the summit's facilitators); archived
    summits are left out."""
    summits = Summit.objects.exclude(status=Summit.Status.ARCHIVED).order_by("-pk")
    return [
        (summit.scope, summit.title)
        for summit in summits.only("pk", "slug", "title")
        if can_manage_participants(user, summit.scope)
    ]


def summit_members(key: str) -> QuerySet[User]:
    slug = key.removeprefix(PREFIX)
    people = Participant.objects.filter(summit__slug=slug).values("user_id")
    return User.objects.filter(pk__in=people)


def summit_described(key: str) -> str:
    summit = Summit.objects.filter(slug=key.removeprefix(PREFIX)).only("title").first()
    if summit is None:
        return gettext("Deelnemers van een burgertop die niet meer bestaat")
    return gettext("Deelnemers van %(summit)s") % {"summit": summit.title}


def register() -> None:
    from voting import electorates

    electorates.register(
        electorates.ElectorateSource(
            kind="summit",
            label=_("Deelnemers van een burgertop"),
            pick_label=_("Welke burgertop? (alleen bij „Deelnemers van een burgertop”)"),
            choices=summit_choices,
            members=summit_members,
            describe=summit_described,
            missing=lambda: gettext("Kies de burgertop waarvan de deelnemers mogen stemmen."),
            refused=lambda: gettext(
                "U kunt deze burgertop niet kiezen: alleen een beheerder of een gespreksleider "
                "van de burgertop kan haar deelnemers laten stemmen."
            ),
        )
    )
