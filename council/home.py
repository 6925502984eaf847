"""The council member's block on the home page: the reading room first, then what else they
can read (results of closed polls, the nota's, the summits) and where."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from deliberation.drafts.selectors import drafts_for_list
from deliberation.models import Summit
from samenspel.models import Role, User
from samenspel.rules import has_role
from voting import contexts
from voting.selectors import closed_polls

from . import notices


def home_sections(request: HttpRequest) -> list[dict[str, Any]]:
    user: User | AnonymousUser = request.user
    if not has_role(user, str(Role.COUNCIL_MEMBER)):
        # A resident's news about the council's answers on what they contributed to.
        return notices.home_sections(user) if isinstance(user, User) else []
    summits = list(Summit.objects.exclude(status=Summit.Status.DRAFT).order_by("-pk"))
    titles = {summit.slug: summit.title for summit in summits}
    items: list[dict[str, Any]] = [
        {
            "url": reverse("council_room"),
            "title": _("Leeskamer voor de raad"),
            "description": _(
                "Alle voorstellen van de burgertoppen, waar ze vandaan komen, en het antwoord "
                "van de raad op elk voorstel."
            ),
        }
    ]
    for poll in closed_polls()[:20]:
        closed = date_format(poll.closed_at, "j F Y") if poll.closed_at else ""
        summit = titles.get(contexts.summit_slug(poll.context))
        description = (
            _("Uitslag van de burgertop %(summit)s, gesloten op %(date)s.")
            % {"summit": summit, "date": closed}
            if summit
            else _("Uitslag, gesloten op %(date)s.") % {"date": closed}
        )
        items.append(
            {
                "url": reverse("poll_results", args=[poll.pk]),
                "title": poll.title,
                "description": description + " " + _("U ziet ook hoe er is geteld."),
            }
        )
    for draft in drafts_for_list():
        items.append(
            {
                "url": reverse("drafts:detail", args=[draft.slug]),
                "title": draft.title,
                "description": _(
                    "Nota. Lees de tekst, de reacties en de voorstellen tot wijziging."
                ),
            }
        )
    for summit in summits:
        items.append(
            {
                "url": reverse("council_public_outcome", args=[summit.slug]),
                "title": summit.title,
                "description": _(
                    "Burgertop (%(status)s). Wat is er met de voorstellen gedaan? De pagina die"
                    " ook inwoners zien."
                )
                % {"status": summit.get_status_display().lower()},
            }
        )
    return [
        {
            "title": _("Voor raadsleden: wat u kunt lezen"),
            "lead": _(
                "In de leeskamer voor de raad leest u de voorstellen van inwoners, waar ze"
                " vandaan komen en wat de raad erop antwoordde. Hier ook de uitslagen van"
                " stemmingen en de nota's. Als raadslid kunt u alles lezen; meepraten en"
                " stemmen doen inwoners."
            ),
            "items": items,
            "empty": _("Er is nog niets om te lezen."),
            # This block lists every result, nota and summit: the residents' sections would
            # only repeat them, unless the member takes part as a resident too.
            "instead_of_others": not has_role(user, str(Role.RESIDENT)),
        }
    ]
