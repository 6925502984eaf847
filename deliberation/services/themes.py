"""The themes the theme team clusters ideas into, and the afternoon's theme tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from samenspel.models import User

from .. import events, rules
from ..models import Summit, SummitTable, Theme
from .context import (
    CommandRefused,
    clean_text,
    emit,
    guarded,
    live_command,
    row_id,
)
from .ideas import curated_idea

THEME_NAME_MAX_LENGTH = 120


def _theme_name(raw: Any) -> str:
    return clean_text(
        raw,
        limit=THEME_NAME_MAX_LENGTH,
        empty=_("Een thema heeft een naam nodig."),
        too_long=_("Een themanaam is hoogstens 120 tekens lang."),
    )


def _theme(summit: Summit, theme_id: Any) -> Theme:
    theme = Theme.objects.filter(summit=summit, pk=row_id(theme_id)).first()
    if theme is None:
        raise CommandRefused("not_found", _("Dit thema bestaat niet."))
    return theme


def _theme_data(theme: Theme) -> events.ThemeData:
    return {"id": theme.pk, "name": theme.name, "featured": theme.featured}


@live_command(
    "theme.create",
    rules.CURATE,
    parse=lambda data, now: {"name": data.get("name")},
    keeps_lookups=True,
)
def theme_create(*, summit: Summit, by: User, name: Any) -> dict[str, Any]:
    with guarded(summit, by, "theme.create") as (summit, _roles):
        theme = Theme.objects.create(summit=summit, name=_theme_name(name))
        emit(summit, events.theme_created, _theme_data(theme))
        return {"theme": theme.pk}


@live_command(
    "theme.rename",
    rules.CURATE,
    parse=lambda data, now: {"theme_id": data.get("theme"), "name": data.get("name")},
    keeps_lookups=True,
)
def theme_rename(*, summit: Summit, by: User, theme_id: Any, name: Any) -> dict[str, Any]:
    with guarded(summit, by, "theme.rename") as (summit, _roles):
        theme = _theme(summit, theme_id)
        theme.name = _theme_name(name)
        theme.save(update_fields=["name"])
        emit(summit, events.theme_renamed, _theme_data(theme))
        return {"theme": theme.pk}


@live_command(
    "theme.feature",
    rules.CURATE,
    parse=lambda data, now: {"theme_id": data.get("theme"), "featured": data.get("featured")},
    keeps_lookups=True,
)
def theme_feature(*, summit: Summit, by: User, theme_id: Any, featured: Any) -> dict[str, Any]:
    """Mark a theme for the hall screen (or take it off)."""
    with guarded(summit, by, "theme.feature") as (summit, _roles):
        theme = _theme(summit, theme_id)
        theme.featured = bool(featured)
        theme.save(update_fields=["featured"])
        emit(summit, events.theme_featured, _theme_data(theme))
        return {"theme": theme.pk}


@live_command(
    "theme.assign",
    rules.CURATE,
    parse=lambda data, now: {
        "idea_id": data.get("idea"),
        "theme_id": data.get("theme"),
        "now": now,
    },
    keeps_lookups=True,
)
def theme_assign(
    *, summit: Summit, by: User, idea_id: Any, theme_id: Any, now: datetime
) -> dict[str, Any]:
    """Put an idea in a theme (``theme_id`` None takes it out)."""
    with guarded(summit, by, "theme.assign") as (summit, _roles):
        idea = curated_idea(summit, idea_id)
        theme = None if theme_id is None else _theme(summit, theme_id)
        idea.theme = theme
        idea.updated_at = now
        idea.save(update_fields=["theme", "updated_at"])
        emit(
            summit,
            events.theme_assigned,
            {"idea": idea.pk, "theme": theme.pk if theme else None},
        )
        return {"idea": idea.pk, "theme": theme.pk if theme else None}


@live_command("table.spread_themes", rules.SPREAD_THEME_TABLES, parse=lambda data, now: {})
def theme_tables_spread(*, summit: Summit, by: User) -> dict[str, Any]:
    """Give every table one of the marked themes for the afternoon, in turn; hall tables and
    online tables each get the themes from the first one on, so both can choose any theme."""
    with guarded(summit, by, "table.spread_themes") as (summit, _roles):
        themes = list(Theme.objects.filter(summit=summit, featured=True).order_by("pk"))
        if not themes:
            raise CommandRefused(
                "no_themes",
                _("Markeer eerst de thema's voor de middag met 'Op het zaalscherm'."),
            )
        tables = list(summit.tables.order_by("number"))
        for group in ([t for t in tables if not t.online], [t for t in tables if t.online]):
            for index, table in enumerate(group):
                table.theme = themes[index % len(themes)]
        SummitTable.objects.bulk_update(tables, ["theme"])
        # Every table, not only the changed ones: screens take the whole map as it is now.
        emit(
            summit,
            events.table_themes_changed,
            {"tables": {str(table.number): table.theme_id for table in tables}},
        )
        return {"tables": len(tables), "themes": len(themes)}
