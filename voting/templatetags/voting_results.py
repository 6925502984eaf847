"""``{% result_page poll result as page %}``: what the results page shows besides the
summary (voting/result_page.py), so every page that shows a result gets the same."""

from __future__ import annotations

from typing import Any

from django import template

from voting import result_page as page
from voting.models import Poll, Result

register = template.Library()


@register.simple_tag
def result_page(poll: Poll, result: Result) -> dict[str, Any]:
    return page.context(poll, result)
