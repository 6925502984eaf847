"""Marks for the participation report: the theme team or a facilitator marks a theme or an
idea as a minority view or open question, and the council's report quotes it in the
participants' own words. A mark is a flag on the row, not an event: no screen shows it live,
and a finished summit can still be marked (the report is made after the summit)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from samenspel.models import User

from .. import rules
from ..models import Idea, Summit, Theme


class ReportMarkRefused(PermissionError):
    """Not allowed to mark this summit's themes and ideas; the message says why, in Dutch."""


def _check(summit: Summit, by: User) -> None:
    if not rules.can_mark_for_report(rules.summit_roles(by, summit)):
        raise ReportMarkRefused(
            _(
                "Alleen het themateam, de gespreksleiding en beheerders van deze burgertop "
                "mogen iets voor het verslag markeren."
            )
        )


def theme_mark_for_report(*, theme: Theme, by: User, marked: bool) -> bool:
    """Mark (or unmark) a theme for the report; True when its mark changed."""
    with transaction.atomic():
        theme = Theme.objects.select_for_update().select_related("summit").get(pk=theme.pk)
        _check(theme.summit, by)
        if theme.for_report == marked:
            return False
        theme.for_report = marked
        theme.save(update_fields=["for_report"])
    return True


def idea_mark_for_report(*, idea: Idea, by: User, marked: bool) -> bool:
    """Mark (or unmark) a visible idea for the report; True when its mark changed. A hidden
    or withdrawn idea is not in the report, so it cannot be marked."""
    with transaction.atomic():
        idea = Idea.objects.select_for_update().select_related("summit").get(pk=idea.pk)
        _check(idea.summit, by)
        if marked and idea.status != Idea.Status.VISIBLE:
            raise ReportMarkRefused(
                _("Dit idee is verborgen of ingetrokken en kan niet in het verslag.")
            )
        if idea.for_report == marked:
            return False
        idea.for_report = marked
        idea.save(update_fields=["for_report"])
    return True
