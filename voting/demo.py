"""Polls of every kind for the Diemen demo, some open to vote in, some closed with results,
and a big Bewoners Initiatief Gelden budget with real-looking Diemen projects."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from samenspel.demo import DemoContext
from samenspel.models import Neighbourhood, User

from . import contexts, methods, services
from .models import Method, Poll
from .services import OptionSpec

SUMMIT = "burgertop-diemen-2026"


@dataclass
class DemoPoll:
    title: str
    method: str
    options: list[OptionSpec]
    context: str = ""
    description: str = ""
    closed: bool = False
    settings: dict[str, Any] = field(default_factory=dict)


def _specs(*titles: str) -> list[OptionSpec]:
    return [OptionSpec(title=title) for title in titles]


BIG_PROJECTS = [
    ("Buurtmoestuin Plantage de Sniep", 18_500, "Moestuinbakken, gereedschap en een waterton."),
    ("Jeu-de-boulesbaan Diemen-Zuid", 12_000, "Een verlichte baan met bankjes bij het speelveld."),
    ("Pannakooi Diemen-Noord", 38_000, "Een kleine kooi voor straatvoetbal voor de jeugd."),
    (
        "Repair Café in de bibliotheek",
        4_800,
        "Gereedschap en koffie voor maandelijkse reparatiedagen.",
    ),
    (
        "Bloemenweide langs de Diemerzeedijk",
        9_500,
        "Inheems zaad en maaibeheer voor bijen en vlinders.",
    ),
    ("Buitenfitness bij het Diemerbos", 27_000, "Vijf toestellen langs de hardlooproute."),
    (
        "Zomerfestival Ouddiemerlaan",
        15_000,
        "Een dag muziek, eten en spelletjes voor de hele straat.",
    ),
    ("Taalcafé voor nieuwkomers", 6_200, "Wekelijkse gespreksgroepen met vrijwilligers."),
    ("Speeltoestel voor kinderen met een beperking", 32_000, "Een rolstoeltoegankelijke schommel."),
    ("Geveltuinen Diemen-Centrum", 7_500, "Tegels eruit, planten erin, samen met de bewoners."),
    ("Buurtbieb-kastjes in elke wijk", 3_600, "Twaalf ruilkastjes voor boeken."),
    (
        "Opknappen jongerenhonk Holland Park",
        21_000,
        "Nieuwe vloer, verlichting en een geluidsinstallatie.",
    ),
    (
        "Wandelroute met rustbankjes voor ouderen",
        16_800,
        "Bankjes om de 200 meter op een rondje van 2 km.",
    ),
    (
        "Kunstwerk in de onderdoorgang bij het station",
        24_000,
        "Een muurschildering, ontworpen met scholieren.",
    ),
    ("Burenhulp-app en vrijwilligerspunt", 8_900, "Vraag en aanbod van klusjes in de buurt."),
    ("Watertappunten in de parken", 11_400, "Drie tappunten voor sporters en wandelaars."),
    ("Kookworkshops in het buurthuis", 5_500, "Gezond koken met een klein budget, tien avonden."),
    ("Zwerfafvalteams met grijpers en hesjes", 2_900, "Materiaal voor vijf buurtteams."),
    ("Schaaktafels op het Arthur van Schendelplein", 6_800, "Twee vaste schaaktafels met klokken."),
    (
        "Verlichting fietspad Diemerpark",
        36_000,
        "Slimme lampen die alleen branden als er iemand fietst.",
    ),
]

POLLS = [
    DemoPoll(
        "Besluitpunten van de burgertop",
        Method.YES_NO,
        [
            OptionSpec(
                "Elke wijk krijgt een eigen buurtbudget", "Jaarlijks, te besteden door bewoners."
            ),
            OptionSpec("Het Diemerplein wordt autovrij op zondag"),
            OptionSpec("De gemeente houdt elk jaar een burgertop"),
        ],
        context=contexts.summit_step(SUMMIT, 6),
        description="Stem voor, tegen of onthoud u bij elk besluitpunt.",
    ),
    DemoPoll(
        "Welke drie thema's bespreken we na de lunch?",
        Method.APPROVAL,
        _specs("Groen en klimaat", "Wonen", "Jeugd", "Verkeer", "Ouderen", "Sport en bewegen"),
        context=contexts.summit_step(SUMMIT, 3),
        settings={"min_choices": 1, "max_choices": 3, "seats": 3},
    ),
    DemoPoll(
        "Welk idee voor het Diemerplein krijgt voorrang?",
        Method.IRV,
        _specs("Meer bomen en schaduw", "Een waterspeelplaats", "Een weekmarkt", "Een podium"),
        context=contexts.summit_step(SUMMIT, 5),
    ),
    DemoPoll(
        "Welke drie ideeën gaan naar de gemeenteraad?",
        Method.STV,
        _specs(
            "Buurtbudget per wijk",
            "Gratis zwemles voor elk kind",
            "Deelauto's bij elk wooncomplex",
            "Een jongerenraad",
            "Zonnepanelen op alle scholen",
            "Een cultuurpas voor 65-plussers",
        ),
        context=contexts.summit_step(SUMMIT, 7),
        settings={"seats": 3},
    ),
    DemoPoll(
        "Jeugdnota: welke amendementen nemen we over?",
        Method.SCHULZE,
        _specs(
            "Jongerenwerk ook in het weekend",
            "Een vast aanspreekpunt per school",
            "Gratis sportkennismaking voor 12-jarigen",
        ),
        context="draft:jeugdnota-2026",
    ),
    DemoPoll(
        "Sportnota: wat is het belangrijkst?",
        Method.BORDA,
        _specs(
            "Beweegroutes in het Diemerbos",
            "Betaalbare contributies",
            "Aangepast sporten",
            "Kunstgras",
        ),
        context="draft:sportnota-2026",
    ),
    DemoPoll(
        "Cultuurnota: welk plan voor Theater De Omval?",
        Method.COPELAND,
        _specs(
            "Meer jeugdvoorstellingen", "Een open podium voor Diemenaren", "Lagere ticketprijzen"
        ),
        context="draft:cultuurnota-2026",
    ),
    DemoPoll(
        "Geef de plannen voor het Arenapark een cijfer",
        Method.SCORE,
        _specs("Een hondenveld", "Een natuurspeeltuin", "Een pluktuin"),
        closed=True,
    ),
    DemoPoll(
        "Omgevingsvisie: hoe beoordeelt u deze keuzes?",
        Method.MAJORITY_JUDGMENT,
        _specs(
            "Bouwen rond het station", "Groene wiggen behouden", "Minder autoverkeer in het centrum"
        ),
        context="draft:omgevingsvisie-2040",
    ),
    DemoPoll(
        "Verdeel 10 punten over de prioriteiten van de burgertop",
        Method.DOT,
        _specs("Groen", "Wonen", "Jeugd", "Veiligheid", "Ouderen"),
        context=contexts.summit_step(SUMMIT, 4),
        settings={"points": 10},
    ),
    DemoPoll(
        "Bewoners Initiatief Gelden 2026",
        Method.BUDGET_MES,
        [OptionSpec(title, description, cost) for title, cost, description in BIG_PROJECTS],
        description="Kies projecten voor uw buurt binnen het budget van € 150.000.",
        settings={"budget": 150_000},
    ),
    DemoPoll(
        "Bewoners Initiatief Gelden 2025",
        Method.BUDGET_GREEDY,
        [OptionSpec(title, description, cost) for title, cost, description in BIG_PROJECTS[:12]],
        description="De ronde van vorig jaar: meeste stemmen eerst.",
        closed=True,
        settings={"budget": 100_000},
    ),
    DemoPoll(
        "Welke naam krijgt het nieuwe park in Holland Park?",
        Method.IRV,
        _specs("Diemerhof", "Park De Sniep", "Het Groene Hart", "Burgemeester Van Eedenpark"),
        closed=True,
        settings={
            "commissioned_by": "Gemeenteraad van Diemen",
            "ladder": "advise",
            "limits": (
                "Het gaat alleen om de naam van het park, niet om de inrichting. De "
                "straatnamencommissie heeft de vier namen vooraf getoetst."
            ),
        },
    ),
    DemoPoll(
        "Burgertop 2025: kiezen we een vervolg?",
        Method.YES_NO,
        [
            OptionSpec("Een tweede burgertop in 2026"),
            OptionSpec("Een burgerpanel dat elk jaar meedenkt"),
        ],
        closed=True,
    ),
]


def _demo_choice(poll: Poll, rng: random.Random, keys: list[str], costs: dict[str, int]) -> Any:
    """A plausible ballot: some options are more popular than others."""
    weights = [len(keys) - i + rng.random() * 3 for i in range(len(keys))]
    favourite_first = [k for _w, k in sorted(zip(weights, keys, strict=True), reverse=True)]
    shape = poll.voting_method.shape
    if shape is methods.YES_NO:
        return {k: rng.choices(["yes", "no", "abstain"], [6, 3, 1])[0] for k in keys}
    if shape is methods.RANKING:
        return favourite_first[: rng.randint(1, len(keys))]
    if shape is methods.CHOICE and not poll.is_budget:
        return favourite_first[: rng.randint(poll.min_choices or 1, poll.max_choices or len(keys))]
    if poll.is_budget:
        chosen, left = [], poll.budget or 0
        for key in favourite_first:
            if costs[key] <= left and rng.random() < 0.6:
                chosen.append(key)
                left -= costs[key]
        return chosen or [min(keys, key=costs.__getitem__)]
    if shape is methods.POINTS:
        points: dict[str, int] = {}
        for _ in range(poll.points or 1):
            key = rng.choice(favourite_first[:3])
            points[key] = points.get(key, 0) + 1
        return points
    return {k: max(0, min(5, 5 - index + rng.randint(-2, 1))) for index, k in enumerate(keys)}


def seed(context: DemoContext) -> None:
    # Its own polls, by title: other apps' demos (a summit's vote) make polls of their own.
    if not context.fresh or Poll.objects.filter(title__in=[item.title for item in POLLS]).exists():
        return
    rng = random.Random(2026)
    manager = context.staff["gespreksleider"]
    voters: list[User] = list(context.table_hosts) + list(context.residents)
    # Residents from the front vote in the demo; browser tests take residents from the end.
    early = context.residents[: max(5, len(context.residents) // 4)]
    crowd = voters[: 300 if not context.small else len(voters) - 10]
    for item in POLLS:
        poll = services.poll_create(
            title=item.title,
            method=item.method,
            options=item.options,
            eligible=voters,
            context=item.context,
            description=item.description,
            by=manager,
            now=context.now,
            **item.settings,
        )
        services.poll_open(poll=poll, by=manager, now=context.now)
        options = list(poll.options.all())
        keys = [option.key for option in options]
        costs = {option.key: option.cost or 0 for option in options}
        for person in crowd if item.closed else early:
            choice = _demo_choice(poll, rng, keys, costs)
            services.ballot_cast(poll=poll, participant=person, choice=choice)
        if item.closed:
            services.poll_close(poll=poll, by=manager, now=context.now)
    _seed_workspace(context)
    context.lines.append("")
    context.lines.append(
        "Polls: /stemmen/ (log in as a resident to vote, as gespreksleider to close)"
    )


def _seed_workspace(context: DemoContext) -> None:
    """A poll for one wijk, set up as a civil servant does in the workspace
    (/werkruimte/peiling/): scheduled to open in a week, so it can still be changed."""
    wijk = Neighbourhood.objects.filter(code="WK038400").first()  # Diemen-Noord
    administrator = context.staff.get("beheer")
    if wijk is None or administrator is None:
        return
    services.poll_setup_create(
        by=administrator,
        title="Welke speelplek komt er in Diemen-Noord?",
        description="Voor inwoners van Diemen-Noord: kies de speelplekken die u wilt.",
        method=Method.APPROVAL,
        options=_specs("Natuurspeeltuin", "Trapveldje", "Waterspeelplaats", "Klimrek"),
        max_choices=2,
        electorate=Poll.Electorate.NEIGHBOURHOOD,
        neighbourhood=wijk,
        opens_at=context.now + timedelta(days=7),
        closes_at=context.now + timedelta(days=21),
        now=context.now,
    )
