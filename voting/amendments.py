"""The vote on a batch of amendments, as a council clerk runs it: one decision per
amendment, each voted for, against or abstained on, adopted with more than half of the
for + against votes (abstentions are reported, not counted).

The caller (drafts, later the council) hands in the options and who may vote, inside its
own transaction; voting knows nothing of what an amendment is."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.utils.translation import gettext as _

from samenspel.models import User

from . import services
from .models import Method, Poll

TITLE_LIMIT = 200


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut with an ellipsis to at most ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def amendment_option(
    *, number: int, passage: str, replacement: str, current: str, new: str, rationale: str,
    reference: str,
) -> services.OptionSpec:
    """One decision point: its title says what changes in the words a reader sees
    (``passage``, ``replacement``); its description carries the text as written (``current``,
    ``new``) and the rationale."""
    passage, replacement = shorten(passage, 60), shorten(replacement, 60)
    if replacement:
        title = _("Amendement %(n)d: „%(old)s” wordt „%(new)s”") % {
            "n": number, "old": passage, "new": replacement,
        }
    else:
        title = _("Amendement %(n)d: „%(old)s” schrappen") % {"n": number, "old": passage}
    description = "\n\n".join(
        part for part in (
            _("Nu: %(text)s") % {"text": current},
            _("Wordt: %(text)s") % {"text": new} if new else "",
            _("Toelichting: %(text)s") % {"text": rationale} if rationale else "",
        ) if part
    )
    return services.OptionSpec(
        title=shorten(title, TITLE_LIMIT), description=description, reference=reference
    )


def amendment_vote_open(
    *,
    context: str,
    subject: str,
    options: Sequence[services.OptionSpec],
    eligible: Iterable[User],
    voters: str,
    by: User,
    now: datetime,
) -> Poll:
    """Create and open a yes/no/abstain poll with one decision per option.

    ``subject`` names what is amended (a nota's title); ``voters`` is a sentence saying who
    may vote, shown on the ballot; ``eligible`` are exactly those people. Whoever opened it
    (and the managers of the context's scope) close it."""
    rule = _(
        "Stem per amendement voor, tegen of onthoud u. Een amendement is aangenomen als "
        "meer dan de helft van de voor- en tegenstemmen voor is. Onthoudingen tellen niet mee."
    )
    poll = services.poll_create(
        title=_("Amendementen op %(draft)s") % {"draft": subject},
        description=f"{rule} {voters}".strip(),
        context=context,
        method=str(Method.YES_NO),
        options=options,
        eligible=eligible,
        majority_rule=str(Poll.MajorityRule.SIMPLE),
        by=by,
        now=now,
    )
    return services.poll_open(poll=poll, by=by, now=now)


def poll_of(context: str) -> Poll | None:
    """The poll opened for ``context`` (``contexts.draft_amendments``), or None."""
    return Poll.objects.filter(context=context).order_by("pk").first()
