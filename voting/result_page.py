"""What the results page shows (the results view passes it as ``page``): the table rows,
the count explained in words (translated), the published files with what each one is, and
the exact command that recounts the result."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext, ngettext

from . import explain, selectors, services
from .models import Poll, Result


class _DjangoWords:
    """Translates the explanation's Dutch message ids into the request's language."""

    def gettext(self, message: str, /) -> str:
        return gettext(message)

    def ngettext(self, singular: str, plural: str, number: int, /) -> str:
        return ngettext(singular, plural, number)


WORDS = _DjangoWords()

FILE_KINDS = {
    **dict.fromkeys(("soi", "soc", "toi", "toc", "cat"), "PrefLib"),
    "pb": "Pabulib",
    "json": "JSON",
}


def _no_report(poll: Poll) -> str:
    return ""


# The address of a closed poll's participation report, or "" while it has none. Voting
# knows no reports (DESIGN.md: nothing it imports reads it); the app that makes them sets
# this: council, in CouncilConfig.ready. Unset: no link.
REPORT_PAGE: Callable[[Poll], str] = _no_report


def recount_command(poll: Poll, result: Result, spec: Any) -> str:
    """``python -m voting.recount FILE ...`` with every option this poll was counted with."""
    arguments = poll.voting_method.recount_arguments(spec)
    return shlex.join(["python", "-m", "voting.recount", result.file_name, *arguments])


def context(poll: Poll, result: Result) -> dict[str, Any]:
    """The results page's context (the table rows, the explanation, the files, the command)."""
    options = selectors.poll_options(poll)
    names = {option.key: option.title for option in options}
    rows = selectors.result_rows(poll, result.outcome)
    for row in rows:
        row["cost_text"] = explain.euro(row.get("cost") or 0)
    kind = poll.voting_method
    extension = result.file_name.rsplit(".", 1)[-1]
    return {
        "rows": rows,
        "value_label": selectors.value_label(poll),
        "explanation": kind.explanation(result.outcome, names, WORDS),
        "recount_command": recount_command(poll, result, services.poll_spec(poll, options)),
        "ballot_file": {
            "url": reverse("poll_file", args=[poll.pk]),
            "name": result.file_name,
            "sha256": result.file_sha256,
            "format": FILE_KINDS.get(extension, extension),
        },
        "tracker_file": {
            "url": reverse("poll_tracker_file", args=[poll.pk]),
            "name": result.tracker_file_name,
            "sha256": result.tracker_file_sha256,
        },
        "spent": explain.euro(result.outcome.get("spent") or 0),
        "budget": explain.euro(result.outcome.get("budget") or 0),
    }
