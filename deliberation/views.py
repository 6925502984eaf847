"""Summit screens: server-rendered from the snapshot; the page script keeps them live."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from samenspel.models import Role

from . import rules, selectors
from .models import Participant, Summit

SCREENS = {
    "control": {Role.FACILITATOR, Role.ADMINISTRATOR},
    "desk": {Role.FACILITATOR, Role.ADMINISTRATOR},
    "table": {Role.TABLE_HOST},
    "participant": {rules.PARTICIPANT},
    "themes": {Role.THEME_TEAM, Role.FACILITATOR},
}
STOP_WORDS = set(
    [
        "de",
        "het",
        "een",
        "en",
        "van",
        "in",
        "op",
        "te",
        "met",
        "voor",
        "dat",
        "die",
        "is",
        "er",
        "zijn",
        "meer",
        "naar",
        "om",
        "aan",
        "bij",
        "ook",
        "niet",
        "als",
        "dan",
        "of",
        "door",
        "wat",
        "we",
        "wij",
        "je",
        "je",
        "ze",
    ]
)


def _screen(request: HttpRequest, slug: str, screen: str, template: str) -> HttpResponse:
    summit = get_object_or_404(Summit, slug=slug)
    roles = rules.summit_roles(request.user, summit)
    if not roles & SCREENS[screen]:
        raise PermissionDenied
    frame = selectors.snapshot(summit, user=request.user, roles=roles, now=timezone.now())
    return render(request, template, _context(summit, frame, screen))


def _context(summit: Summit, frame: dict[str, Any], screen: str) -> dict[str, Any]:
    data = frame["data"]
    return {
        "summit": summit,
        "screen": screen,
        "snap": data,
        "seq": frame["seq"],
        "ws_path": f"/ws/summits/{summit.slug}/",
        "idea_steps": sorted(rules.IDEA_STEPS),
        "curation_steps": sorted(rules.CURATION_STEPS),
        "keywords": keywords(
            [idea["text"] for idea in data["ideas"] if idea["status"] == "visible"]
        ),
        "featured": [theme for theme in data["themes"] if theme["featured"]],
    }


def keywords(texts: list[str], limit: int = 30) -> list[tuple[str, int]]:
    """The most used words of the ideas, for the hall screen's word cloud."""
    words: Counter[str] = Counter()
    for text in texts:
        for word in text.lower().split():
            word = word.strip(".,!?;:()\"'")
            if len(word) > 2 and word not in STOP_WORDS:
                words[word] += 1
    return words.most_common(limit)


@login_required
def summit_screen(request: HttpRequest, slug: str) -> HttpResponse:
    """The screen for the visitor's role in this summit."""
    summit = get_object_or_404(Summit, slug=slug)
    roles = rules.summit_roles(request.user, summit)
    for screen, name in [
        ("control", "summit_control"),
        ("themes", "summit_themes"),
        ("table", "summit_table"),
    ]:
        if roles & SCREENS[screen]:
            return redirect(name, slug=slug)
    if rules.PARTICIPANT in roles:
        return _screen(request, slug, "participant", "deliberation/participant.html")
    if Participant.objects.filter(summit=summit, user=request.user).exists():
        # Registered but not yet past the desk: say where to go instead of refusing.
        return render(request, "deliberation/check_in_first.html", {"summit": summit})
    raise PermissionDenied


@login_required
def control(request: HttpRequest, slug: str) -> HttpResponse:
    return _screen(request, slug, "control", "deliberation/control.html")


@login_required
def desk(request: HttpRequest, slug: str) -> HttpResponse:
    return _screen(request, slug, "desk", "deliberation/desk.html")


@login_required
def table(request: HttpRequest, slug: str) -> HttpResponse:
    return _screen(request, slug, "table", "deliberation/table.html")


@login_required
def themes(request: HttpRequest, slug: str) -> HttpResponse:
    return _screen(request, slug, "themes", "deliberation/themes.html")


def hall(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The projector: no login, a secret token in the URL."""
    summit = get_object_or_404(Summit, slug=slug)
    if not constant_time_compare(token, summit.hall_token):
        raise Http404
    frame = selectors.hall_snapshot(summit, now=timezone.now())
    context = _context(summit, frame, "hall")
    context["ws_path"] = f"/ws/summits/{summit.slug}/?hall={summit.hall_token}"
    return render(request, "deliberation/hall.html", context)
