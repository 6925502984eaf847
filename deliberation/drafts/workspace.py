"""The nota section of the staff workspace (``/werkruimte/``): the notas this person runs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import rules, selectors


def workspace_sections(request: HttpRequest) -> list[dict[str, Any]]:
    user = request.user
    if not user.is_authenticated:
        return []
    drafts = selectors.drafts_managed_by(user)  # type: ignore[arg-type]
    may_create = rules.can_create(user)
    now = timezone.now()
    if not drafts and not may_create:
        return []
    return [
        {
            "title": _("Nota's"),
            "intro": _("Bereid een nota voor: redacteuren, meeschrijvers en de reactieperiode."),
            "create_url": reverse("drafts:workspace_create") if may_create else None,
            "create_label": _("Nieuwe nota"),
            "items": [
                {
                    "url": reverse("drafts:workspace", args=[draft.slug]),
                    "label": draft.title,
                    "description": f"{draft.get_kind_display()} · "
                    + selectors.draft_state(draft, draft.version_count, now),  # type: ignore[attr-defined]
                }
                for draft in drafts
            ],
        }
    ]
