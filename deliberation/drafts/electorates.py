"""Who may vote on a nota's amendments: the editor chooses when putting them to a vote.

Three electorates: the nota's invited co-writers, the residents, or the residents of one
wijk (its buurten included). Staff (accounts that may use the admin, and anyone who holds a
staff role everywhere: civil servant, facilitator, theme team, administrator) and council
members are in none of them: they read and decide, they do not vote on a nota's text."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samenspel.models import Neighbourhood, Role, RoleGrant, User

from .models import Draft

COWRITERS = "meeschrijvers"
RESIDENTS = "inwoners"
NEIGHBOURHOOD = "wijk"
KINDS = [
    (COWRITERS, gettext_lazy("De uitgenodigde meeschrijvers van deze nota")),
    (RESIDENTS, gettext_lazy("Alle inwoners")),
    (NEIGHBOURHOOD, gettext_lazy("De inwoners van één wijk")),
]
STAFF_ROLES = [Role.EDITOR, Role.ADMINISTRATOR, Role.FACILITATOR, Role.THEME_TEAM]


@dataclass(frozen=True)
class Electorate:
    """The people who may vote: ``kind`` is one of KINDS; ``wijk`` with NEIGHBOURHOOD."""

    kind: str
    wijk: Neighbourhood | None = None

    def describe(self) -> str:
        """Who may vote, as one sentence for the ballot."""
        if self.kind == COWRITERS:
            return _("Stemmen mogen: de uitgenodigde meeschrijvers van deze nota.")
        if self.kind == NEIGHBOURHOOD and self.wijk is not None:
            return _("Stemmen mogen: de inwoners van %(wijk)s.") % {"wijk": self.wijk.name}
        return _("Stemmen mogen: de inwoners van de gemeente.")


def wijken() -> QuerySet[Neighbourhood]:
    return Neighbourhood.objects.filter(level=Neighbourhood.Level.WIJK).order_by("name")


def _not_staff(users: QuerySet[User]) -> QuerySet[User]:
    staff = RoleGrant.objects.filter(
        Q(role=Role.COUNCIL_MEMBER) | Q(role__in=STAFF_ROLES, scope="")
    ).values("user_id")
    return users.filter(is_active=True, is_staff=False, is_superuser=False).exclude(pk__in=staff)


def members(draft: Draft, electorate: Electorate) -> QuerySet[User]:
    """The accounts that may vote on ``draft``'s amendments under ``electorate``."""
    if electorate.kind == COWRITERS:
        grants = RoleGrant.objects.filter(role=Role.EDITOR, scope=draft.scope)
    else:
        grants = RoleGrant.objects.filter(role=Role.RESIDENT)
    users = User.objects.filter(pk__in=grants.values("user_id"))
    if electorate.kind == NEIGHBOURHOOD:
        wijk = electorate.wijk
        users = users.filter(Q(neighbourhood=wijk) | Q(neighbourhood__parent=wijk))
    return _not_staff(users)
