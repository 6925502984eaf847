"""The afternoon's theme proposals: each theme table's host writes one, live, during a
``proposals`` step; freezing them fixes the text a ballot names."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspel.models import User

from .. import events, rules, selectors
from ..models import (
    PROPOSAL_TEXT_MAX_LENGTH,
    PROPOSAL_TITLE_MAX_LENGTH,
    Idea,
    Proposal,
    Summit,
)
from .context import (
    CommandRefused,
    atomic,
    authorise,
    clean_text,
    emit,
    guarded,
    live_command,
    locked,
    only_now,
    row_id,
    table_of,
)

# More than any theme table picks; a bound on what one frame can make the server look up.
PROPOSAL_MAX_IDEAS = 50

# As ``context.clean_text``, but a proposal is markdown: line breaks and tabs stay.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _proposal_text(raw: Any) -> str:
    empty = _("Een voorstel heeft een tekst nodig.")
    if not isinstance(raw, str):
        raise CommandRefused("invalid", empty)
    lines = _UNWRITABLE.sub("", raw.replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    text = "\n".join(line.rstrip() for line in lines).strip()
    if not text:
        raise CommandRefused("invalid", empty)
    if len(text) > PROPOSAL_TEXT_MAX_LENGTH:
        raise CommandRefused(
            "too_long",
            _("De tekst van een voorstel is hoogstens %(limit)s tekens lang.")
            % {"limit": PROPOSAL_TEXT_MAX_LENGTH},
        )
    return text


def _proposal_title(raw: Any) -> str:
    return clean_text(
        raw,
        limit=PROPOSAL_TITLE_MAX_LENGTH,
        empty=_("Een voorstel heeft een titel nodig."),
        too_long=_("De titel van een voorstel is hoogstens %(limit)s tekens lang.")
        % {"limit": PROPOSAL_TITLE_MAX_LENGTH},
    )


def _version(raw: Any) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
        return raw
    raise CommandRefused("invalid", _("Dit voorstel mist de versie waarop het voortbouwt."))


def _ideas(summit: Summit, theme_id: int, raw: Any) -> list[int]:
    """The ids of the ideas picked, all visible ideas of this summit's ``theme_id``."""
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > PROPOSAL_MAX_IDEAS:
        raise CommandRefused("invalid", _("Kies de ideeën uit de lijst van dit thema."))
    wanted = {row_id(value) for value in raw}
    found = set(
        Idea.objects.filter(
            summit=summit, theme_id=theme_id, status=Idea.Status.VISIBLE, pk__in=wanted
        ).values_list("pk", flat=True)
    )
    if found != wanted:
        raise CommandRefused(
            "not_found",
            _("Een voorstel bouwt alleen voort op ideeën van het thema van deze tafel."),
        )
    return sorted(found)


def _refuse_frozen() -> CommandRefused:
    return CommandRefused(
        "frozen",
        _("De voorstellen staan vast, omdat de stemming erover begint. Wijzigen kan niet meer."),
    )


@live_command(
    "proposal.save",
    rules.WRITE_PROPOSAL,
    parse=lambda data, now: {
        "title": data.get("title"),
        "text": data.get("text"),
        "ideas": data.get("ideas"),
        "version": data.get("version"),
        "now": now,
    },
    keeps_lookups=True,
)
def proposal_save(
    *,
    summit: Summit,
    by: User,
    title: Any,
    text: Any,
    ideas: Any = None,
    version: Any,
    now: datetime,
) -> dict[str, Any]:
    """The host of a theme table writes (or rewrites) its proposal. ``version`` is the one
    the host's screen started from (0 for a new proposal): an older one is refused, so a
    change made meanwhile is never overwritten unseen."""
    with guarded(summit, by, "proposal.save") as (summit, roles):
        table = table_of(summit, by, roles)
        if table is None or table.host_id != by.pk:
            raise CommandRefused(
                "forbidden",
                _("Alleen de gastheer of gastvrouw van een thematafel schrijft het voorstel."),
            )
        if table.theme_id is None:
            raise CommandRefused(
                "no_theme",
                _("Deze tafel heeft nog geen thema. Het themateam verdeelt de thema's."),
            )
        proposal = Proposal.objects.filter(table=table).first()
        if proposal is not None and proposal.status == Proposal.Status.FROZEN:
            raise _refuse_frozen()
        if proposal is None and summit.proposals.filter(status=Proposal.Status.FROZEN).exists():
            raise _refuse_frozen()
        if _version(version) != (proposal.version if proposal is not None else 0):
            raise CommandRefused(
                "stale",
                _(
                    "Iemand anders heeft dit voorstel intussen aangepast. Uw tekst staat "
                    "nog in het vak: vergelijk hem met het voorstel en sla opnieuw op."
                ),
            )
        clean_title, clean_body = _proposal_title(title), _proposal_text(text)
        idea_ids = _ideas(summit, table.theme_id, ideas)
        if proposal is None:
            last = summit.proposals.aggregate(last=Max("number"))["last"] or 0
            proposal = Proposal.objects.create(
                summit=summit,
                number=last + 1,
                table=table,
                theme_id=table.theme_id,
                title=clean_title,
                text=clean_body,
                created_at=now,
                updated_at=now,
            )
        else:
            proposal.title, proposal.text = clean_title, clean_body
            proposal.theme_id = table.theme_id
            proposal.version += 1
            proposal.updated_at = now
            proposal.save(update_fields=["title", "text", "theme", "version", "updated_at"])
        proposal.ideas.set(idea_ids)
        proposal.table = table
        emit(summit, events.proposal_saved, selectors.proposal_data(proposal, idea_ids))
        return {"proposal": proposal.pk, "number": proposal.number, "version": proposal.version}


@live_command("proposals.freeze", rules.FREEZE_PROPOSALS, parse=only_now)
def proposals_freeze(
    *, summit: Summit, by: User | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """Fix every proposal of the summit as it is: from now on the ballot names this text.
    The vote step calls it when it opens (``by`` None); staff can call it themselves."""
    now = now or timezone.now()
    with atomic():
        summit = locked(summit)
        if by is not None:
            authorise(summit, by, "proposals.freeze")
        writing = list(
            summit.proposals.filter(status=Proposal.Status.WRITING)
            .select_for_update()
            .select_related("table")
            .prefetch_related("ideas")
        )
        for proposal in writing:
            proposal.status = Proposal.Status.FROZEN
            proposal.frozen_at = now
        Proposal.objects.bulk_update(writing, ["status", "frozen_at"])
        for proposal in writing:
            idea_ids = sorted(idea.pk for idea in proposal.ideas.all())
            emit(summit, events.proposal_saved, selectors.proposal_data(proposal, idea_ids))
        return {"frozen": len(writing)}
