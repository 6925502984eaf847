"""The participation ladder: how much say residents have over the outcome of a summit, a
nota or a poll. It lives in the core because ``deliberation`` and ``voting`` both use it
and ``voting`` may not import ``deliberation``."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Ladder(models.TextChoices):
    """How much say the outcome has: the rungs of the participation ladder."""

    INFORM = "inform", _("Informeren")
    CONSULT = "consult", _("Raadplegen")
    ADVISE = "advise", _("Adviseren")
    COPRODUCE = "coproduce", _("Coproduceren")
    DECIDE = "decide", _("Meebeslissen")


# One sentence each, in plain words: what the rung means for what happens with the outcome.
LADDER_EXPLAINED = {
    Ladder.INFORM: _("De gemeente vertelt wat zij doet. Inwoners beslissen niet mee."),
    Ladder.CONSULT: _(
        "De gemeente vraagt wat inwoners vinden en besluit daarna zelf wat zij ermee doet."
    ),
    Ladder.ADVISE: _("Inwoners geven advies. De gemeente volgt het, of legt uit waarom niet."),
    Ladder.COPRODUCE: _(
        "Inwoners en gemeente maken samen het plan. De gemeente houdt zich aan de uitkomst."
    ),
    Ladder.DECIDE: _("Inwoners beslissen. De gemeente voert uit wat zij kiezen."),
}

# Who offers a nota or a poll when staff name nobody: the municipality's executive.
EXECUTIVE = "College van burgemeester en wethouders"
COMMISSIONED_BY_MAX_LENGTH = 200  # as the columns hold


def frame_errors(*, commissioned_by: str, ladder: str) -> dict[str, list[str]]:
    """What is wrong with who commissioned a nota or a poll and how much say residents have,
    per form field (the services of both check it the same way)."""
    errors: dict[str, list[str]] = {}
    if len(commissioned_by.strip()) > COMMISSIONED_BY_MAX_LENGTH:
        errors["commissioned_by"] = [gettext("De opdrachtgever is hoogstens 200 tekens lang.")]
    if ladder not in Ladder.values:
        errors["ladder"] = [gettext("Kies hoeveel zeggenschap inwoners hebben.")]
    return errors


def ladder_rungs(chosen: str) -> list[dict[str, Any]]:
    """Every rung for a form's radio buttons: value, label, explanation, and whether it is
    the ``chosen`` one."""
    return [
        {
            "value": value,
            "label": label,
            "explained": LADDER_EXPLAINED[Ladder(value)],
            "checked": value == chosen,
        }
        for value, label in Ladder.choices
    ]
