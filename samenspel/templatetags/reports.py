"""``{% report_reasons as reasons %}``: the reasons a resident picks from to report content,
for the report forms on any app's page."""

from __future__ import annotations

from django import template

from samenspel.reports import ReportReason

register = template.Library()


@register.simple_tag
def report_reasons() -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in ReportReason.choices]
