"""Electorates that other apps define: "the participants of a summit" is a group that
voting does not know. An app registers a source at start-up (``AppConfig.ready``); a poll
for it stores the group's key (``Poll.electorate_source``, such as 'summit:burgertop-2026'),
and at opening its members get their marks, like a neighbourhood's residents do. Voting
asks the source; it imports no app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext

from samenspel.models import User


@dataclass(frozen=True)
class ElectorateSource:
    """A kind of group whose members may be a poll's voters.

    ``kind`` is the key's prefix and the poll form's choice; ``label`` that choice's text,
    ``pick_label`` the label of the list of groups; ``choices(user)`` the groups this staff
    member may use, as (key, title); ``members(key)`` its people now; ``describe(key)`` how
    the workspace names a poll's voters; ``missing`` and ``refused`` the messages for no
    group chosen and for a group this person may not use (all translated when called)."""

    kind: str
    label: Any
    pick_label: Any
    choices: Callable[[User], list[tuple[str, str]]]
    members: Callable[[str], QuerySet[User]]
    describe: Callable[[str], str]
    missing: Callable[[], str]
    refused: Callable[[], str]


SOURCES: dict[str, ElectorateSource] = {}


def register(source: ElectorateSource) -> None:
    SOURCES[source.kind] = source


def source_of(key: str) -> ElectorateSource | None:
    """The source of a key ('summit:<slug>' belongs to 'summit'), or None."""
    return SOURCES.get(key.partition(":")[0])


def refusal(key: str, user: User) -> str | None:
    """Why ``user`` cannot make the group ``key`` a poll's voters, or None when they can."""
    source = source_of(key)
    if source is None:
        return gettext("Kies wie mag stemmen.")
    if not key.partition(":")[2]:
        return source.missing()
    if key not in dict(source.choices(user)):
        return source.refused()
    return None
