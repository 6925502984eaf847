"""Summit screens: server-rendered from the snapshot; the page script keeps them live."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samenspel.models import Role

from . import rules, selectors, services
from .models import Participant, Step, Summit, SummitTable

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
        # Also common in ideas, and saying nothing on the hall screen's word cloud.
        "nog",
        "kan",
        "moet",
        "moeten",
        "kunnen",
        "wordt",
        "worden",
        "geen",
        "veel",
        "alle",
        "deze",
        "dit",
        "wel",
        "maar",
        "tot",
        "uit",
        "over",
        "hun",
        "ons",
        "onze",
        "zou",
        "graag",
        "heel",
        "zo",
    ]
)
# Stripped from both ends of a word, by the server here and by the hall screen's script:
# plain and curly quotes (phone keyboards curl them), dashes, brackets, the ellipsis and
# the *stars*, _lines_ and ~tildes~ of chat habits.
WORD_PUNCTUATION = ".,!?;:()[]{}<>\"'“”‘’„‚«»…–—-*_~#`/"


def _screen(request: HttpRequest, slug: str, screen: str, template: str) -> HttpResponse:
    summit = get_object_or_404(Summit, slug=slug)
    roles = rules.summit_roles(request.user, summit)
    if not roles & SCREENS[screen]:
        raise PermissionDenied
    frame = selectors.snapshot(summit, user=request.user, roles=roles, now=timezone.now())
    context = _context(summit, frame, screen)
    own = selectors.table_of(summit, request.user, roles)
    context["own_table"] = own
    # Table themes come from the snapshot, as the page script renders them after each change.
    names = {theme["id"]: theme["name"] for theme in context["snap"]["themes"]}
    tables = context["snap"]["tables"]
    for row in tables:
        row["theme_name"] = names.get(row["theme"], "")
    context["theme_tables"] = [row for row in tables if row["theme_name"]]
    own_row = {row["number"]: row for row in tables}.get(own.number) if own is not None else None
    context["own_theme"] = own_row["theme_name"] if own_row is not None else ""
    # The themes a participant can choose for the afternoon: hall tables in the hall, online
    # tables online; in table order, each theme once.
    online = own.online if own is not None else False
    choices = [row["theme_name"] for row in context["theme_tables"] if row["online"] == online]
    context["choice_themes"] = list(dict.fromkeys(choices))
    # The facilitator's table list counts each table's ideas; the page script keeps it live.
    per_table = Counter(i["table"] for i in context["snap"]["ideas"] if i["status"] == "visible")
    for row in tables:
        row["ideas"] = per_table.get(row["number"], 0)
    if screen == "themes":
        context["theme_groups"] = selectors.ideas_by_theme(context["snap"])
    # The theme proposal of this person's table; its host picks from the theme's ideas.
    context["own_proposal"] = selectors.proposal_of(context["snap"], own)
    if screen == "table" and own is not None and own.theme_id is not None:
        context["theme_ideas"] = selectors.theme_ideas(summit, own.theme_id)
    return render(request, template, context)


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
        "keywords": cloud(
            keywords([idea["text"] for idea in data["ideas"] if idea["status"] == "visible"])
        ),
        "featured": [theme for theme in data["themes"] if theme["featured"]],
        "choice_steps": sorted(rules.CHOICE_STEPS),
        "texts": screen_texts(),
        # The hall screen's script counts words as ``keywords`` does.
        "words": {"stop": sorted(STOP_WORDS), "punctuation": WORD_PUNCTUATION},
    }


def screen_texts() -> dict[str, str]:
    """The words the page script writes itself, in the visitor's language."""
    return {
        "paused": _("Gepauzeerd"),
        "running": _("Loopt"),
        "idle": _("Nog niet begonnen"),
        "start": _("De burgertop begint zo"),
        "hide": _("Verbergen"),
        "hideReason": _("Waarom verbergt u dit idee? (de reden staat in de moderatielijst)"),
        "merge": _("Samenvoegen met"),
        "theme": _("Thema"),
        "none": _("(geen)"),
        "edit": _("Wijzigen"),
        "editLabel": _("Idee wijzigen"),
        "save": _("Opslaan"),
        "cancel": _("Annuleren"),
        "withdraw": _("Intrekken"),
        "withdrawAsk": _("Dit idee intrekken? Het verdwijnt dan van alle schermen."),
        "withdrawYes": _("Ja, intrekken"),
        "withdrawNo": _("Nee, laten staan"),
        "report": _("Melden"),
        "feature": _("Op het zaalscherm"),
        "rename": _("Hernoemen"),
        "renameLabel": _("Nieuwe naam van het thema"),
        "offline": _("Verbinding verbroken, opnieuw verbinden…"),
        "checked": _("Aangemeld, tafel"),
        "seatedAt": _("U zit aan tafel %(number)s."),
        "myMergedInto": _("Samengevoegd met: %(text)s"),
        "yourTableTheme": _("Thema van uw tafel: %(theme)s"),
        "thisTableTheme": _("Thema van deze tafel: %(theme)s"),
        "tableTheme": _("Tafel %(number)s: %(theme)s"),
        "spread": _("%(themes)s thema's staan nu op %(tables)s tafels. Deelnemers kunnen kiezen."),
        "online": _("online"),
        # The facilitator's step dialog and the theme team's curation.
        "firstStep": _("Dit is de eerste stap van de agenda."),
        "lastStep": _("Dit is de laatste stap van de agenda."),
        "restore": _("Terugzetten"),
        "mergeOpen": _("Samenvoegen…"),
        "mergeSearch": _("Zoek het idee om mee samen te voegen"),
        "mergeFound": _("%(count)s ideeën gevonden; de eerste %(shown)s staan hieronder."),
        "mergeFoundOne": _("1 idee gevonden."),
        "mergeNothing": _("Geen idee gevonden met deze woorden."),
        "mergeInto": _("Samenvoegen met: %(text)s"),
        "mergedInto": _("samengevoegd met: %(text)s"),
        "noTheme": _("Nog zonder thema"),
        "oneIdea": _("1 idee"),
        "manyIdeas": _("%(count)s ideeën"),
        # The vote step (vote.js).
        "voteSoon": _("Het stemmen begint zo. Houd dit scherm open."),
        "voteNone": _(
            "In deze stap is er geen stemming: er zijn te weinig voorstellen. U kunt verder"
            " naar de volgende stap."
        ),
        "voteOpen": _("De stemming is open."),
        "voteOpenYou": _("De stemming is open. Kies hieronder en druk op Stem uitbrengen."),
        "voteClosed": _("De stemming is gesloten. De uitslag komt zo op het scherm."),
        "voteRevealed": _("De uitslag is bekend."),
        "voteTurnout": _("Gestemd: %(voted)s van %(eligible)s."),
        "voteTurnoutTable": _("Aan deze tafel: %(voted)s van %(eligible)s."),
        "voteChooseOne": _("Kies het voorstel dat u het beste vindt."),
        "voteChooseMost": _("Kies de voorstellen die u goed vindt, hoogstens %(count)s."),
        "voteNoRank": _("geen plaats"),
        "votePlace": _("Plaats (1 is het beste)"),
        "votePoints": _("Punten"),
        "voteYes": _("Voor"),
        "voteNo": _("Tegen"),
        "voteAbstain": _("Onthouding"),
        "voteRankHint": _("Geef uw favoriet plaats 1. Voorstellen zonder plaats mag u overslaan."),
        "votePointsHint": _("Verdeel hoogstens %(count)s punten over de voorstellen."),
        "voteNothing": _("U hebt nog niets gekozen."),
        "voteTooMany": _("U kiest te veel voorstellen: hoogstens %(count)s."),
        "voteSamePlace": _("Twee voorstellen hebben dezelfde plaats. Geef elk een eigen plaats."),
        "voteMissing": _("Geef ook uw keuze bij: %(title)s"),
        "voteDone": _("U hebt gestemd. Uw stem telt."),
        "votePaperDone": _("Uw stem op papier is ingevoerd. Die telt."),
        "voteNotOnList": _(
            "U staat niet op de lijst voor deze stemming. Meld u bij de balie als dat niet klopt."
        ),
        "voteReceipt": _(
            "Uw bewijscode: %(tracker)s. Hiermee vindt u uw stem terug in de uitslag."
        ),
        "voteWinner": _("Gekozen: %(titles)s."),
        "voteWinners": _("Gekozen: %(titles)s."),
        "voteNoWinner": _("Geen voorstel is gekozen."),
        "voteYesChosen": _("Ja"),
        "voteNotChosen": _("Nee"),
    }


def keywords(texts: list[str], limit: int = 30) -> list[tuple[str, int]]:
    """The most used words of the ideas, for the hall screen's word cloud."""
    words: Counter[str] = Counter()
    for text in texts:
        for word in text.lower().split():
            word = word.strip(WORD_PUNCTUATION)
            if len(word) > 2 and word not in STOP_WORDS:
                words[word] += 1
    return words.most_common(limit)


def cloud(counted: list[tuple[str, int]]) -> list[tuple[str, int, int]]:
    """Each word with its count and a size from 1 to 5, relative to the least and most used
    word shown (as the hall screen's script does), so a long day does not make every word
    the largest."""
    if not counted:
        return []
    low, high = min(n for _w, n in counted), max(n for _w, n in counted)
    spread = (high - low) or 1
    return [(word, n, 1 + int(4 * (n - low) / spread + 0.5)) for word, n in counted]


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
        # Registered but not yet past the desk: say where to go, or join an online table.
        return _check_in_first(request, summit)
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


def _check_in_first(
    request: HttpRequest, summit: Summit, error: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "summit": summit,
        "error": error,
        "can_join_online": summit.tables.filter(online=True).exists(),
    }
    return render(request, "deliberation/check_in_first.html", context, status=status)


@login_required
@require_POST
def join_online(request: HttpRequest, slug: str) -> HttpResponse:
    """A registered participant at home joins an online table."""
    summit = get_object_or_404(Summit, slug=slug)
    try:
        result = services.participant_join_online(
            summit=summit, by=request.user, now=timezone.now()
        )
    except services.CommandRefused as refusal:
        if not Participant.objects.filter(summit=summit, user=request.user).exists():
            raise PermissionDenied from refusal
        return _check_in_first(request, summit, refusal.message, status=409)
    messages.success(
        request, _("U doet online mee aan tafel %(table)s.") % {"table": result["table"]}
    )
    return redirect("summit_screen", slug=slug)


@login_required
def theme_tables(request: HttpRequest, slug: str) -> HttpResponse:
    """A participant chooses an afternoon theme (the themes on tables of their kind, hall or
    online, each with its free seats) and is seated at a table of that theme with room."""
    summit = get_object_or_404(Summit.objects.select_related("current_step"), slug=slug)
    if rules.PARTICIPANT not in rules.summit_roles(request.user, summit):
        raise PermissionDenied
    error = ""
    chosen = request.POST.get("theme", "")
    if request.method == "POST":
        try:
            result = services.theme_table_choose(
                summit=summit,
                by=request.user,
                table_number=None,
                theme=int(chosen) if chosen.isascii() and chosen.isdigit() else chosen,
                now=timezone.now(),
            )
        except services.CommandRefused as refusal:
            error = refusal.message
        else:
            messages.success(
                request,
                _("U zit nu aan tafel %(table)s, thema %(theme)s.") % result,
            )
            return redirect("summit_screen", slug=slug)
    participant = Participant.objects.select_related("table").get(summit=summit, user=request.user)
    online = participant.table.online if participant.table is not None else False
    rows = (
        SummitTable.objects.filter(summit=summit, online=online, theme__isnull=False)
        .select_related("theme")
        .annotate(seated=Count("members"))
        .order_by("theme__name", "number")
    )
    themes: dict[int, dict[str, Any]] = {}
    for row in rows:
        assert row.theme is not None
        theme = themes.setdefault(
            row.theme.pk,
            {"id": row.theme.pk, "name": row.theme.name, "free": 0, "tables": 0, "mine": False},
        )
        theme["free"] += max(0, row.capacity - row.seated)
        theme["tables"] += 1
        theme["mine"] = theme["mine"] or row.pk == participant.table_id
        theme["chosen"] = chosen == str(row.theme.pk)
    step = summit.current_step
    context = {
        "summit": summit,
        "themes": list(themes.values()),
        "error": error,
        "open": step is not None and step.kind == Step.Kind.THEME_CHOICE,
        "online": online,
    }
    return render(request, "deliberation/theme_tables.html", context, status=409 if error else 200)


@login_required
@require_POST
def spread_themes(request: HttpRequest, slug: str) -> HttpResponse:
    """The theme team puts the marked themes on the tables for the afternoon."""
    summit = get_object_or_404(Summit, slug=slug)
    if not rules.summit_roles(request.user, summit) & SCREENS["themes"]:
        raise PermissionDenied
    try:
        result = services.theme_tables_spread(summit=summit, by=request.user)
    except services.CommandRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("%(themes)s thema's staan nu op %(tables)s tafels. Deelnemers kunnen kiezen.")
            % result,
        )
    return redirect("summit_themes", slug=slug)
