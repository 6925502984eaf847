"""The vote on a batch of draft amendments, as a council clerk runs it: one decision per
amendment, each voted for, against or abstained on, adopted with more than half of the
for + against votes (abstentions are reported, not counted).

Drafts calls this through its ``AMENDMENT_VOTE_OPENER`` hook (set in ``DraftsConfig.ready``),
inside the transaction that marks the batch "in vote". Voting does not import drafts: the
amendments are read by their attributes only (``pk``, ``passage``, ``replacement``,
``rationale``, ``draft.title``, ``draft.scope``)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from samenspel.models import User

from . import services
from .models import Method, Poll

TITLE_LIMIT = 200


def batch_context(scope: str, batch: uuid.UUID) -> str:
    """The poll's context: the draft's role scope first, so the draft's editors manage it."""
    return f"{scope}/amendments:{batch}"


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _option(number: int, amendment: Any) -> services.OptionSpec:
    # As the draft page shows them (no markdown marks) when the amendment can say so.
    passage = _shorten(getattr(amendment, "passage_shown", amendment.passage), 60)
    replacement = _shorten(getattr(amendment, "replacement_shown", amendment.replacement), 60)
    if replacement:
        title = _("Amendement %(n)d: „%(old)s” wordt „%(new)s”") % {
            "n": number, "old": passage, "new": replacement,
        }
    else:
        title = _("Amendement %(n)d: „%(old)s” schrappen") % {"n": number, "old": passage}
    description = "\n\n".join(
        part for part in (
            _("Nu: %(text)s") % {"text": amendment.passage},
            _("Wordt: %(text)s") % {"text": amendment.replacement} if amendment.replacement else "",
            _("Toelichting: %(text)s") % {"text": amendment.rationale} if amendment.rationale else "",
        ) if part
    )
    return services.OptionSpec(
        title=_shorten(title, TITLE_LIMIT),
        description=description,
        reference=f"amendment:{amendment.pk}",
    )


def amendment_batch_vote_open(
    batch: uuid.UUID, amendments: Sequence[Any], by: User, now: datetime
) -> Poll:
    """Create and open a yes/no/abstain poll with one decision per amendment of the batch.

    Eligible: every active account, the same people who may react to a draft (comment,
    propose, support). The editor who put the batch to the vote manages (closes) the poll."""
    draft = amendments[0].draft
    poll = services.poll_create(
        title=_("Amendementen op %(draft)s") % {"draft": draft.title},
        description=_(
            "Stem per amendement voor, tegen of onthoud u. Een amendement is aangenomen als "
            "meer dan de helft van de voor- en tegenstemmen voor is. Onthoudingen tellen niet mee."
        ),
        context=batch_context(draft.scope, batch),
        method=str(Method.YES_NO),
        options=[_option(number, item) for number, item in enumerate(amendments, 1)],
        eligible=User.objects.filter(is_active=True),
        majority_rule=str(Poll.MajorityRule.SIMPLE),
        by=by,
        now=now,
    )
    return services.poll_open(poll=poll, by=by, now=now)


def poll_for_batch(batch: uuid.UUID) -> Poll | None:
    """The poll of an amendment batch (for a link from the draft page)."""
    return Poll.objects.filter(context__endswith=f"/amendments:{batch}").first()


def open_amendment_vote(batch: uuid.UUID, amendments: Sequence[Any], by: User, now: datetime) -> None:
    """The drafts hook's signature: returns nothing."""
    amendment_batch_vote_open(batch, amendments, by, now)
