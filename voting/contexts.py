"""Where a poll belongs: its ``context`` string, built and read here and nowhere else.

A context is a role scope (``summit:<slug>``, ``draft:<slug>``) optionally followed by what
in that scope the poll is for: ``summit:<slug>/step:<n>`` (a summit's vote step) or
``draft:<slug>/amendments:<batch>`` (a batch of a nota's amendments). The scope comes first
so that the people who hold a role there manage the poll (``voting.rules``). Pure: no
Django, no database."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

SUMMIT = "summit"
DRAFT = "draft"
_STEP = "step"
_AMENDMENTS = "amendments"


@dataclass(frozen=True)
class PollContext:
    """A poll's context, read: ``scope`` is its first part (a role scope, or '')."""

    scope: str = ""
    step: int | None = None
    amendments: uuid.UUID | None = None

    @property
    def kind(self) -> str:
        """'summit', 'draft', or another scope's kind; '' without a scope."""
        kind, colon, _slug = self.scope.partition(":")
        return kind if colon else ""

    @property
    def slug(self) -> str:
        kind, colon, slug = self.scope.partition(":")
        return slug if colon else ""

    def __str__(self) -> str:
        parts = [self.scope]
        if self.step is not None:
            parts.append(f"{_STEP}:{self.step}")
        if self.amendments is not None:
            parts.append(f"{_AMENDMENTS}:{self.amendments}")
        return "/".join(parts)


def summit_step(slug: str, step: int) -> str:
    """The context of a summit's vote step: 'summit:<slug>/step:<n>'."""
    return str(PollContext(scope=f"{SUMMIT}:{slug}", step=step))


def draft_amendments(slug: str, batch: uuid.UUID) -> str:
    """The context of a batch of a nota's amendments: 'draft:<slug>/amendments:<batch>'."""
    return str(PollContext(scope=f"{DRAFT}:{slug}", amendments=batch))


def parse(context: str) -> PollContext:
    """Read a context; parts it does not know (a context typed in the admin) are left out,
    the scope is always its first part."""
    scope, *rest = context.split("/")
    step: int | None = None
    batch: uuid.UUID | None = None
    for part in rest:
        name, _colon, value = part.partition(":")
        if name == _STEP and value.isdigit():
            step = int(value)
        elif name == _AMENDMENTS:
            try:
                batch = uuid.UUID(value)
            except ValueError:
                continue
    return PollContext(scope=scope, step=step, amendments=batch)


def scope_of(context: str) -> str:
    """The role scope a poll lives in: 'summit:<slug>' for 'summit:<slug>/step:4'."""
    return parse(context).scope


def summit_slug(context: str) -> str:
    """The summit a poll belongs to ('' for a poll outside a summit)."""
    read = parse(context)
    return read.slug if read.kind == SUMMIT else ""
