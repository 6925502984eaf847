"""Drafts for tests, made through the services like everywhere else."""

from __future__ import annotations

import itertools

from django.utils import timezone

from deliberation.drafts import selectors, services
from deliberation.drafts.models import Draft, Version
from samenspel.models import User

_numbers = itertools.count(1)


def make_draft(
    *, text: str = "# Sportnota\n\nDiemen sport samen.\n", kind: str = "sportnota"
) -> Draft:
    number = next(_numbers)
    return services.draft_create(
        slug=f"nota-{number}",
        title=f"Nota {number}",
        kind=kind,
        by=None,
        now=timezone.now(),
        text=text,
    )


def publish(draft: Draft, editor: User, **kwargs: object) -> Version:
    return services.version_publish(draft=draft, by=editor, now=timezone.now(), **kwargs)  # type: ignore[arg-type]


class Typist:
    """Writes lines at the end of a draft's live text, each stored as one update in the log
    (as a room's saver stores an editor's edit)."""

    def __init__(self, draft: Draft, author: User | None = None) -> None:
        self.draft, self.author = draft, author
        self.doc, _last = selectors.draft_document(draft.pk)
        self.text = selectors.live_text_of(self.doc)

    def write(self, line: str) -> bytes:
        before = self.doc.get_state()
        self.text.insert(len(str(self.text)), line)
        update = self.doc.get_update(before)
        services.draft_updates_store(
            draft_id=self.draft.pk,
            updates=[(update, self.author.pk if self.author else None)],
            now=timezone.now(),
        )
        return update
