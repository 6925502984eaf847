"""Drafts for tests, made through the services like everywhere else."""

from __future__ import annotations

import itertools

from django.utils import timezone

from deliberation.drafts import services
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
