from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from .selectors import drafts_for_list


def home_sections(request: HttpRequest) -> list[dict[str, object]]:
    items = [
        {
            "url": reverse("drafts:detail", args=[draft.slug]),
            "title": draft.title,
            "description": draft.summary,
        }
        for draft in drafts_for_list()
    ]
    return [
        {
            "title": _("Schrijf mee aan een nota"),
            "items": items,
            "empty": _("Er wordt op dit moment geen nota geschreven."),
        }
    ]
