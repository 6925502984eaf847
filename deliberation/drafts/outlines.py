"""The chapters each kind of nota has in a Dutch municipality: the text a new draft starts from."""

from __future__ import annotations

OUTLINES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "sportnota": (
        "Sportnota",
        [
            (
                "Inleiding",
                "Waarom deze nota, voor wie, en hoe inwoners en verenigingen meeschreven.",
            ),
            ("Terugblik op de vorige sportnota", "Wat is bereikt, wat niet, en wat we leerden."),
            ("Visie: sport en bewegen voor iedereen", "Het doel van de gemeente in één alinea."),
            ("Sporten in de openbare ruimte", "Beweegvriendelijke wijken, routes, pleintjes."),
            ("Verenigingen en accommodaties", "Sportparken, zalen, onderhoud, huur en tarieven."),
            (
                "Jeugd, ouderen en aangepast sporten",
                "Buurtsportcoaches, vakleerkrachten, inclusie.",
            ),
            ("Financiën en subsidies", "Budget per jaar en de subsidieregels."),
            ("Uitvoering en monitoring", "Wie doet wat, wanneer, en hoe we meten."),
        ],
    ),
    "jeugdnota": (
        "Jeugdnota",
        [
            ("Inleiding", "Aanleiding, wettelijk kader (Jeugdwet) en hoe jongeren meedachten."),
            (
                "Hoe gaat het met de jeugd?",
                "Cijfers uit de jeugdmonitor en signalen uit de wijken.",
            ),
            ("Visie: gezond en veilig opgroeien", "Wat we willen bereiken voor 0 tot 23 jaar."),
            ("Preventie en het voorliggend veld", "Jongerenwerk, school, sport en cultuur."),
            ("Jeugdhulp en het sociaal team", "Toegang, wachttijden, samenwerking in de regio."),
            (
                "Onderwijs en kansengelijkheid",
                "Vroegschoolse educatie, schoolmaatschappelijk werk.",
            ),
            ("Participatie van jongeren", "Jongerenraad, inspraak, eigen budget."),
            ("Financiën", "Budget jeugdhulp en preventie."),
            ("Uitvoering en monitoring", "Acties, planning en indicatoren."),
        ],
    ),
    "cultuurnota": (
        "Cultuurnota",
        [
            ("Inleiding", "Waarom cultuur ertoe doet in onze gemeente."),
            ("Het culturele landschap", "Theater, bibliotheek, muziekschool, erfgoed, makers."),
            ("Visie: cultuur van en voor iedereen", "Onze ambitie voor de komende jaren."),
            ("Cultuureducatie", "Cultuur op school en na school."),
            ("Erfgoed en identiteit", "Monumenten, verhalen en archeologie."),
            ("Ruimte voor makers", "Ateliers, oefenruimte, podia in de wijk."),
            ("Financiën en subsidies", "Budget en subsidieregeling cultuur."),
            ("Uitvoering en monitoring", "Acties, planning en evaluatie."),
        ],
    ),
    "omgevingsvisie": (
        "Omgevingsvisie",
        [
            ("Inleiding", "De Omgevingswet, de rol van deze visie en hoe inwoners meeschreven."),
            ("Diemen nu: kenmerken en opgaven", "Ligging, wijken, groen, water, bereikbaarheid."),
            ("Ambities voor 2040", "Waar we over twintig jaar willen staan."),
            ("Wonen", "Woningbouw, betaalbaarheid, verdichting en doorstroming."),
            ("Werken en voorzieningen", "Bedrijvigheid, winkels, onderwijs en zorg."),
            ("Groen, water en klimaat", "Klimaatadaptatie, biodiversiteit, energietransitie."),
            ("Mobiliteit", "Fiets, openbaar vervoer, auto en parkeren."),
            ("Gezondheid en veiligheid", "Een gezonde leefomgeving voor iedereen."),
            ("Gebiedsgerichte uitwerking", "Per wijk: wat blijft, wat verandert."),
            ("Uitvoering en participatie", "Programma's, omgevingsplan en monitoring."),
        ],
    ),
}


def outline_for(kind: str, title: str | None = None) -> str:
    """Markdown with the nota's title, numbered chapters and a one-line prompt under each."""
    default_title, chapters = OUTLINES[kind]
    lines = [f"# {title or default_title}", ""]
    for number, (chapter, prompt) in enumerate(chapters, start=1):
        lines += [f"## {number}. {chapter}", "", f"_{prompt}_", ""]
    return "\n".join(lines)
