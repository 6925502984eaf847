"""The council member's block on the home page, until the council's own pages exist: what
they can read (results of closed polls, the nota's, the summits) and where."""

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


def home_sections(request: HttpRequest) -> list[dict[str, Any]]:
    user: User | AnonymousUser = request.user
    if not has_role(user, str(Role.COUNCIL_MEMBER)):
        return []
    summits = list(Summit.objects.exclude(status=Summit.Status.DRAFT).order_by("-pk"))
    titles = {summit.slug: summit.title for summit in summits}
    items: list[dict[str, Any]] = []
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
                "url": "",
                "title": summit.title,
                "description": _(
                    "Burgertop (%(status)s). De schermen zijn voor wie meedoet. De uitslagen van"
                    " de stemmingen staan hierboven."
                )
                % {"status": summit.get_status_display().lower()},
            }
        )
    return [
        {
            "title": _("Voor raadsleden: wat u kunt lezen"),
            "lead": _(
                "De pagina's voor de gemeenteraad komen nog. Tot dan leest u hier wat inwoners"
                " hebben gedaan: de uitslagen van stemmingen, de nota's en de burgertoppen. Als"
                " raadslid kunt u alles lezen; meepraten en stemmen doen inwoners."
            ),
            "items": items,
            "empty": _("Er is nog niets om te lezen."),
            # This block lists every result, nota and summit: the residents' sections would
            # only repeat them, unless the member takes part as a resident too.
            "instead_of_others": not has_role(user, str(Role.RESIDENT)),
        }
    ]
