"""The four nota drafts of the Diemen demo, each with a published version, a comment and an
amendment, so every page has something to show; and a fifth nota whose reaction period is
over, with its amendments decided and its final version sent to the council."""

from __future__ import annotations

from datetime import timedelta

from samenspel.demo import DemoContext

from . import services, setup
from .models import Draft
from .outlines import OUTLINES

SPORT = """# Sportnota Diemen 2026-2030: Diemen beweegt

## 1. Inleiding

Sport en bewegen maken Diemen gezonder en socialer. Deze nota beschrijft hoe de gemeente de komende vier jaar sport en bewegen stimuleert. Inwoners, sportverenigingen, scholen en buurtsportcoaches schreven mee via Samenspel.

## 2. Terugblik op de vorige sportnota

Sinds 2021 zijn twee kunstgrasvelden vernieuwd en sporten meer kinderen via de buurtsportcoaches. Het aantal volwassenen dat wekelijks sport bleef gelijk, rond de helft. Ouderen en mensen met een beperking vinden nog te weinig passend aanbod.

## 3. Visie: sport en bewegen voor iedereen

Iedere inwoner van Diemen kan dicht bij huis sporten en bewegen, ongeacht leeftijd, inkomen of beperking.

## 4. Sporten in de openbare ruimte

We maken van het Diemerbos, de dijken en de parken een beweegroute met bankjes, watertappunten en verlichte looprondes. In Holland Park komt een beweegplein bij de nieuwe school.

## 5. Verenigingen en accommodaties

De gemeente onderhoudt de sportparken en gymzalen en houdt de huurtarieven voor verenigingen gelijk tot 2028. Verenigingen die hun kantine verduurzamen krijgen hulp van het energieloket.

## 6. Jeugd, ouderen en aangepast sporten

Elke basisschool krijgt een vakleerkracht gym. De buurtsportcoaches organiseren wandelvoetbal en valpreventie voor ouderen en werken samen met de stichting voor aangepast sporten.

## 7. Financiën en subsidies

Voor sport is jaarlijks 2,1 miljoen euro beschikbaar, waarvan 350.000 euro voor subsidies aan verenigingen.

## 8. Uitvoering en monitoring

Ieder jaar meten we met de gezondheidsmonitor hoeveel inwoners sporten en bespreken we de resultaten met de sportraad.
"""

JEUGD = """# Jeugdnota Diemen 2026-2030: Opgroeien in Diemen

## 1. Inleiding

Ongeveer een kwart van de inwoners van Diemen is jonger dan 23 jaar. Met deze nota geven we invulling aan de Jeugdwet en aan wat jongeren zelf belangrijk vinden. Jongeren schreven mee tijdens de burgertop en via Samenspel.

## 2. Hoe gaat het met de jeugd?

De meeste kinderen in Diemen groeien gezond en veilig op. Toch voelt een op de vijf jongeren zich vaak eenzaam, en de wachttijden voor jeugdhulp zijn te lang.

## 3. Visie: gezond en veilig opgroeien

Elk kind in Diemen krijgt de kans om zijn talenten te ontwikkelen, met hulp dichtbij wanneer dat nodig is.

## 4. Preventie en het voorliggend veld

Het jongerenwerk is vier avonden per week open in Diemen-Noord en Diemen-Zuid. Scholen, sportverenigingen en het jongerenwerk signaleren samen vroeg wanneer het niet goed gaat.

## 5. Jeugdhulp en het sociaal team

Ouders en jongeren kunnen zonder verwijzing bij het sociaal team terecht. We willen dat niemand langer dan zes weken op hulp wacht.

## 6. Onderwijs en kansengelijkheid

Alle peuters krijgen vroegschoolse educatie aangeboden. Elke school heeft een schoolmaatschappelijk werker.

## 7. Participatie van jongeren

De jongerenraad adviseert het college gevraagd en ongevraagd en beheert een eigen budget van 25.000 euro per jaar.

## 8. Financiën

Voor jeugdhulp en preventie is jaarlijks 9,4 miljoen euro begroot.

## 9. Uitvoering en monitoring

We volgen de wachttijden per kwartaal en vragen jongeren ieder jaar hoe zij de hulp ervaren.
"""

CULTUUR = """# Cultuurnota Diemen 2026-2030: Cultuur in de buurt

## 1. Inleiding

Cultuur verbindt mensen en maakt Diemen een fijne plek om te wonen. Deze nota beschrijft wat de gemeente doet voor kunst, cultuur en erfgoed.

## 2. Het culturele landschap

Theater De Omval, de bibliotheek, de muziekschool en vele amateurverenigingen maken het culturele leven van Diemen. Makers uit Diemen treden op in de hele regio.

## 3. Visie: cultuur van en voor iedereen

Iedere inwoner kan cultuur beleven en zelf maken, in het centrum en in de wijken.

## 4. Cultuureducatie

Alle basisscholen doen mee aan het programma voor cultuureducatie. Kinderen bezoeken minstens één voorstelling per jaar.

## 5. Erfgoed en identiteit

We vertellen de geschiedenis van Diemen als dorp aan de Diem, van de boerderijen langs de dijk tot de nieuwe wijken. Oude verhalen krijgen een plek op borden langs de wandelroutes.

## 6. Ruimte voor makers

In leegstaande gebouwen komen tijdelijke ateliers en oefenruimtes. Op pleinen in de wijken kunnen makers gratis optreden.

## 7. Financiën en subsidies

Voor cultuur is jaarlijks 1,6 miljoen euro beschikbaar, waarvan 200.000 euro voor projectsubsidies.

## 8. Uitvoering en monitoring

We evalueren de nota na twee jaar met de culturele instellingen en inwoners.
"""

OMGEVING = """# Omgevingsvisie Diemen 2040: Groen, bereikbaar en samen

## 1. Inleiding

Met de Omgevingswet maakt elke gemeente een omgevingsvisie: een samenhangend beeld van de fysieke leefomgeving op de lange termijn. Deze visie is samen met inwoners, ondernemers en partners geschreven.

## 2. Diemen nu: kenmerken en opgaven

Diemen ligt tussen Amsterdam, het Diemerbos en het water van de Diem en de Gaasp. De gemeente groeit, vooral in Holland Park. Tegelijk moeten we ons voorbereiden op hitte, droogte en hevige regen.

## 3. Ambities voor 2040

In 2040 is Diemen een groene en gezonde gemeente met betaalbare woningen, goede voorzieningen dichtbij en schone energie.

## 4. Wonen

We bouwen tot 2040 ongeveer 4.000 woningen, waarvan een derde sociale huur. Nieuwe woningen komen vooral op plekken die al bebouwd zijn, dicht bij het openbaar vervoer.

## 5. Werken en voorzieningen

Het winkelcentrum in Diemen-Centrum blijft het hart van de gemeente. Bedrijventerrein Verrijn Stuart wordt een gemengd gebied met werken en wonen.

## 6. Groen, water en klimaat

Het Diemerbos en de parken blijven groen en worden beter met elkaar verbonden. Iedere nieuwe straat vangt regenwater op. Daken leveren zonne-energie.

## 7. Mobiliteit

Lopen en fietsen krijgen voorrang. We verbeteren de fietsroutes naar Amsterdam en de stations Diemen en Diemen-Zuid.

## 8. Gezondheid en veiligheid

Iedere inwoner woont binnen vijf minuten lopen van groen om te spelen, te sporten en elkaar te ontmoeten.

## 9. Gebiedsgerichte uitwerking

Voor Diemen-Noord, Diemen-Centrum, Diemen-Zuid en Holland Park werken we de visie per wijk uit, samen met de bewoners.

## 10. Uitvoering en participatie

De visie krijgt uitvoering in programma's en in het omgevingsplan. Iedere vier jaar kijken we samen met inwoners of de visie nog klopt.
"""

DRAFTS = [
    ("sportnota-2026", "Sportnota 2026-2030", "sportnota", SPORT, "ambtenaar",
     "Hoe Diemen de komende vier jaar sport en bewegen stimuleert.",
     "wandelvoetbal en valpreventie voor ouderen", "wandelvoetbal, stoelyoga en valpreventie voor ouderen",
     "Stoelyoga is populair in het buurthuis en past bij ouderen die minder mobiel zijn.",
     "Iedere inwoner van Diemen kan dicht bij huis sporten en bewegen",
     "Geldt dit ook voor mensen met een rolstoel? Veel velden zijn lastig bereikbaar."),
    ("jeugdnota-2026", "Jeugdnota 2026-2030", "jeugdnota", JEUGD, "ambtenaar2",
     "Gezond en veilig opgroeien in Diemen, met hulp dichtbij.",
     "vier avonden per week", "vijf avonden per week, ook op zaterdag",
     "In het weekend is er voor jongeren niets te doen in de buurt.",
     "langer dan zes weken op hulp wacht",
     "Zes weken is voor een gezin in nood nog steeds erg lang."),
    ("cultuurnota-2026", "Cultuurnota 2026-2030", "cultuurnota", CULTUUR, "ambtenaar",
     "Kunst, cultuur en erfgoed in het centrum en in de wijken.",
     "minstens één voorstelling per jaar", "minstens twee voorstellingen per jaar, waarvan één in de eigen wijk",
     "Niet alle ouders kunnen met hun kinderen naar het theater.",
     "tijdelijke ateliers en oefenruimtes",
     "Mogen bandjes daar ook 's avonds repeteren?"),
    ("omgevingsvisie-2040", "Omgevingsvisie Diemen 2040", "omgevingsvisie", OMGEVING, "ambtenaar2",
     "Hoe Diemen er in 2040 uitziet: wonen, groen, water en bereikbaarheid.",
     "ongeveer 4.000 woningen, waarvan een derde sociale huur",
     "ongeveer 4.000 woningen, waarvan een derde sociale huur en een kwart middenhuur",
     "Leraren en verpleegkundigen vinden nu geen woning in Diemen.",
     "binnen vijf minuten lopen van groen",
     "In Diemen-Noord is dat nu nog lang niet zo. Welke plekken worden groener?"),
]  # fmt: skip


def seed(context: DemoContext) -> None:
    if not context.fresh or Draft.objects.exists():
        return
    residents = context.residents
    admin = context.staff["beheer"]
    for index, row in enumerate(DRAFTS):
        slug, title, kind, text, editor_name, summary, passage, replacement, why, quote, remark = (
            row
        )
        assert kind in OUTLINES
        editor = context.staff[editor_name]
        # Built as a municipality would in the workspace: an administrator starts the nota,
        # names its editor and opens a reaction period of six weeks.
        draft = setup.draft_start(
            by=admin,
            slug=slug,
            title=title,
            kind=kind,
            now=context.now,
            text=text,
            summary=summary,
        )
        setup.draft_editor_name(draft=draft, by=admin, username=editor.username)
        setup.draft_period_set(
            draft=draft,
            by=editor,
            opens=context.now - timedelta(days=7),
            closes=context.now + timedelta(weeks=6),
            now=context.now,
        )
        version = services.version_publish(
            draft=draft, by=editor, now=context.now, note="Eerste versie voor inspraak"
        )
        if residents:
            writer, commenter, supporter = (
                residents[(index * 3 + k) % len(residents)] for k in range(3)
            )
            setup.draft_cowriter_invite(draft=draft, by=editor, username=writer.username)
            comment = services.comment_add(
                version=version,
                by=commenter,
                body=remark,
                passage=quote,
                start=version.text.index(quote),
                now=context.now,
            )
            services.comment_add(
                version=version,
                by=editor,
                body="Goed punt, we nemen dit mee in de volgende versie.",
                parent=comment,
                now=context.now,
            )
            amendment = services.amendment_propose(
                version=version,
                by=writer,
                passage=passage,
                start=version.text.index(passage),
                replacement=replacement,
                rationale=why,
                now=context.now,
            )
            services.amendment_support(amendment=amendment, by=supporter, now=context.now)
    if residents:
        finished_seed(context)
    context.lines.append("")
    context.lines.append(
        "Nota's: /nota/ (ambtenaar and ambtenaar2 edit; invited residents co-write); "
        "staff prepare them at /werkruimte/nota/."
    )
    context.lines.append(
        f"Afgeronde nota: /nota/{FINISHED_SLUG}/ (reactieperiode voorbij, amendementen "
        "besloten, definitief naar de raad)."
    )


FINISHED_SLUG = "zwembad-sporthal-2026"
# The council asked for this nota (a motion); residents advise, the council decides.
FINISHED_COMMISSIONED_BY = "Gemeenteraad van Diemen"
FINISHED_TEXT = """# Zwembad en sporthal: accommodatienota 2026

## 1. Inleiding

Het zwembad De Omval en sporthal De Kruidenhof zijn meer dan veertig jaar oud. Deze nota beschrijft wat de gemeente de komende jaren met beide gebouwen doet. Inwoners reageerden op de eerste versie via Samenspel.

## 2. Het zwembad

Het zwembad blijft open tot de nieuwbouw klaar is. Het nieuwe zwembad krijgt een wedstrijdbad en een instructiebad voor zwemles.

## 3. De sporthal

De sporthal wordt gerenoveerd en krijgt zonnepanelen op het dak. Verenigingen huren de zaal voor het huidige tarief.

## 4. Bereikbaarheid

Bij beide gebouwen komen overdekte fietsenstallingen. De bushalte aan de Ouddiemerlaan blijft.

## 5. Financiën

Voor de nieuwbouw en de renovatie is samen 24 miljoen euro begroot, verdeeld over vijf jaar.
"""
# The finished nota's amendments: (passage, replacement, rationale, put to a vote,
# accepted, the editors' reason when not).
FINISHED_AMENDMENTS = [
    ("een wedstrijdbad en een instructiebad voor zwemles",
     "een wedstrijdbad, een instructiebad voor zwemles en een warmwaterbad voor ouderen",
     "Ouderen en mensen met reuma zwemmen het liefst in warm water; dat kan nu nergens in Diemen.",
     True, True, ""),
    ("Verenigingen huren de zaal voor het huidige tarief.",
     "Verenigingen en scholen huren de zaal gratis.",
     "Dan kunnen meer kinderen na school sporten.",
     True, False, "Bij de stemming was de meerderheid tegen; gratis huur past niet in de begroting."),
    ("Bij beide gebouwen komen overdekte fietsenstallingen.",
     "Bij beide gebouwen komen overdekte fietsenstallingen met laadpunten voor e-bikes.",
     "Veel ouderen komen op een e-bike.",
     False, True, ""),
    ("De bushalte aan de Ouddiemerlaan blijft.",
     "De bushalte komt direct voor de ingang van het zwembad.",
     "Nu is het vijf minuten lopen van de halte.",
     False, False, "De vervoerder kan de route niet verleggen; de halte blijft waar hij is."),
]  # fmt: skip
FINISHED_COMMENTS = [
    ("Het zwembad blijft open tot de nieuwbouw klaar is.",
     "Fijn dat er geen periode zonder zwembad komt, daar maakten we ons zorgen over."),
    ("zonnepanelen op het dak",
     "Kan het dak ook groen worden, met planten tussen de panelen?"),
    ("24 miljoen euro",
     "Hoeveel gaat de entree van het nieuwe zwembad kosten?"),
    ("overdekte fietsenstallingen",
     "Zorg ook voor plek voor bakfietsen en driewielers."),
]  # fmt: skip


def finished_seed(context: DemoContext) -> Draft:
    """A nota whose reaction period is over, built as a municipality would over ten weeks:
    an administrator starts it, its editor publishes a version, residents comment, propose
    and support amendments, two are put to a vote of all residents, the editor takes two
    over and turns two down, publishes the final version and offers it to the council."""
    from voting import services as voting_services
    from voting.models import Poll

    admin, editor = context.staff["beheer"], context.staff["ambtenaar"]
    # Residents from the middle: the voting demo takes them from the front, browser tests
    # from the end.
    middle = len(context.residents) // 3
    people = context.residents[middle : middle + 16]
    start = context.now - timedelta(weeks=10)
    draft = setup.draft_start(
        by=admin,
        slug=FINISHED_SLUG,
        title="Zwembad en sporthal: accommodatienota 2026",
        kind="sportnota",
        now=start,
        text=FINISHED_TEXT,
        summary="Wat de gemeente doet met het zwembad en de sporthal.",
    )
    setup.draft_details_change(
        draft=draft,
        by=admin,
        title=draft.title,
        summary=draft.summary,
        commissioned_by=FINISHED_COMMISSIONED_BY,
        ladder="advise",
    )
    setup.draft_editor_name(draft=draft, by=admin, username=editor.username)
    setup.draft_period_set(
        draft=draft, by=editor, opens=start, closes=start + timedelta(weeks=6), now=start
    )
    version = services.version_publish(
        draft=draft, by=editor, now=start + timedelta(hours=1), note="Eerste versie voor inspraak"
    )
    for day, (quote, body) in enumerate(FINISHED_COMMENTS, start=1):
        comment = services.comment_add(
            version=version,
            by=people[day],
            body=body,
            passage=quote,
            start=version.text.index(quote),
            now=start + timedelta(days=day),
        )
        if day == 1:
            services.comment_resolve(comment=comment, by=editor, now=start + timedelta(days=8))
        if day == 2:
            # An open question the editor marks for the council's report.
            services.comment_mark_for_report(comment=comment, by=editor, marked=True)
        if day == 3:
            services.comment_add(
                version=version,
                by=editor,
                body="De tarieven besluit de raad bij de begroting; we nemen uw vraag mee.",
                parent=comment,
                now=start + timedelta(days=9),
            )
    proposed = []
    for number, (passage, replacement, why, _vote, _accept, _reason) in enumerate(
        FINISHED_AMENDMENTS
    ):
        amendment = services.amendment_propose(
            version=version,
            by=people[5 + number],
            passage=passage,
            start=version.text.index(passage),
            replacement=replacement,
            rationale=why,
            now=start + timedelta(weeks=2, days=number),
        )
        for supporter in people[9 : 9 + 4 - number]:
            services.amendment_support(
                amendment=amendment, by=supporter, now=start + timedelta(weeks=3)
            )
        proposed.append(amendment)
    voted_on = [a for a, row in zip(proposed, FINISHED_AMENDMENTS, strict=True) if row[3]]
    batch = services.amendments_put_to_vote(
        amendments=voted_on, by=editor, now=start + timedelta(weeks=4)
    )
    poll = Poll.objects.get(context__endswith=f"amendments:{batch}")
    keys = {o.reference: o.key for o in poll.options.all()}
    for index, person in enumerate(people):
        choice = {
            keys[f"amendment:{voted_on[0].pk}"]: "no" if index % 5 == 0 else "yes",
            keys[f"amendment:{voted_on[1].pk}"]: "yes" if index % 3 == 0 else "no",
        }
        voting_services.ballot_cast(poll=poll, participant=person, choice=choice)
    voting_services.poll_close(poll=poll, by=editor, now=start + timedelta(weeks=5))
    decided = start + timedelta(weeks=5, days=1)
    marked_one = False
    for amendment, (_p, _r, _w, _vote, accept, reason) in zip(
        proposed, FINISHED_AMENDMENTS, strict=True
    ):
        if accept:
            services.amendment_accept(amendment=amendment, by=editor, now=decided)
        else:
            services.amendment_reject(amendment=amendment, by=editor, reason=reason, now=decided)
            # The first one turned down goes into the report as a minority view.
            services.amendment_mark_for_report(
                amendment=amendment, by=editor, marked=not marked_one
            )
            marked_one = True
    services.version_publish(
        draft=draft,
        by=editor,
        now=start + timedelta(weeks=7),
        note="Definitieve versie na inspraak",
        final=True,
    )
    services.draft_send_to_council(draft=draft, by=editor, now=start + timedelta(weeks=8))
    return draft
