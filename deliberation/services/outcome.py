"""Publishing a summit's outcome: from ``Summit.outcome_published_at`` on, anyone may read
its outcome page and its proposals' pages (``deliberation/outcome_views.py``).

Allowed to whoever may manage the summit (``rules.can_manage_summit``: its facilitator and
administrators), also after the summit closed: the outcome is published after the day.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from samenspel.models import User
from voting.models import Poll

from .. import rules
from ..models import Summit, SummitVote
from .context import locked


def _checked(summit: Summit, by: User) -> Summit:
    row = locked(summit)
    if not rules.can_manage_summit(by, row):
        raise PermissionDenied(_("U mag de uitkomst van deze burgertop niet publiceren."))
    return row


def summit_outcome_publish(*, summit: Summit, by: User, now: datetime) -> Summit:
    """Make the outcome page public. Refused while no vote of the summit has closed: the
    page is there to show what the summit decided. Publishing again keeps the first time."""
    with transaction.atomic():
        row = _checked(summit, by)
        if not SummitVote.objects.filter(summit=row, poll__status=Poll.Status.CLOSED).exists():
            raise ValidationError(
                _(
                    "U kunt de uitkomst nog niet publiceren: er is nog geen gesloten stemming. "
                    "Sluit eerst de stemming over de voorstellen."
                )
            )
        if row.outcome_published_at is None:
            row.outcome_published_at = now
            row.save(update_fields=["outcome_published_at"])
        return row


def summit_outcome_withdraw(*, summit: Summit, by: User, now: datetime) -> Summit:
    """Take the outcome page offline again: only the summit's staff can read it then."""
    with transaction.atomic():
        row = _checked(summit, by)
        if row.outcome_published_at is not None:
            row.outcome_published_at = None
            row.save(update_fields=["outcome_published_at"])
        return row
