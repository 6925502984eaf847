"""Shapes of the core's live events (see docs/live-protocol.md)."""

from typing import Literal, TypedDict


class SiteNoticeData(TypedDict):
    text: str


class SiteNoticeEvent(TypedDict):
    kind: Literal["event"]
    type: Literal["site.notice"]
    data: SiteNoticeData


def site_notice(text: str) -> SiteNoticeEvent:
    return {"kind": "event", "type": "site.notice", "data": {"text": text}}
