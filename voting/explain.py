"""The explanation of a count in words: round by round, with the options' names.

Pure, like voting.tally and voting.methods: no Django. A builder per method (the
``explain`` of each entry in voting.methods.REGISTRY) reads the stored result (the JSON of
the count's outcome) and says what happened in short Dutch sentences (B1). Every sentence
is a Dutch message id translated through ``words`` before it is filled in: the results page
passes Django's gettext, so English comes from voting/locale/en; ``DUTCH`` keeps the ids.
Numbers are written the Dutch way: 1.185 stemmen, 12,50 stemmen, € 15.000.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Protocol


def gettext_noop(message: str) -> str:
    """Marks a Dutch message id for translation (makemessages finds this name)."""
    return message


class Words(Protocol):
    """Translation of message ids: Django's gettext and ngettext, or ``DUTCH``."""

    def gettext(self, message: str, /) -> str: ...

    def ngettext(self, singular: str, plural: str, number: int, /) -> str: ...


class _Dutch:
    def gettext(self, message: str, /) -> str:
        return message

    def ngettext(self, singular: str, plural: str, number: int, /) -> str:
        return singular if number == 1 else plural


DUTCH: Words = _Dutch()


@dataclass(frozen=True)
class Step:
    """One part of an explanation: a sentence (a heading when ``heading``) and the
    sentences under it; ``numbered`` when each of them starts with its own place."""

    title: str
    lines: tuple[str, ...] = ()
    heading: bool = True
    numbered: bool = False


Outcome = Mapping[str, Any]
Explainer = Callable[[Outcome, Mapping[str, str], Words], list[Step]]


# ---------------------------------------------------------------------------------------
# Numbers and names, the Dutch way
# ---------------------------------------------------------------------------------------


def fraction(value: Any) -> Fraction:
    """A stored number (int, or a fraction written 'p/q') as an exact Fraction."""
    return Fraction(value) if not isinstance(value, float) else Fraction(str(value))


def whole(value: Any) -> str:
    """1185 -> '1.185'."""
    return f"{int(value):,}".replace(",", ".")


def decimal(value: Any, places: int = 2) -> str:
    """12.5 -> '12,50'; 1234.5 -> '1.234,50'."""
    text = f"{float(fraction(value)):,.{places}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def euro(value: Any) -> str:
    """15000 -> '€ 15.000'; 208 1/3 -> '€ 208,33' (a no-break space after the sign, so the
    amount never wraps away from it)."""
    amount = fraction(value)
    if amount.denominator == 1:
        return f"€\u00a0{whole(amount)}"
    return f"€\u00a0{decimal(amount)}"


class _Say:
    """Builds sentences: translates a message id, then fills in names and numbers."""

    def __init__(self, names: Mapping[str, str], words: Words) -> None:
        self.words = words
        self._names = names

    def name(self, key: Any) -> str:
        return self._names.get(str(key), str(key))

    def t(self, message: str, **params: Any) -> str:
        text = self.words.gettext(message)
        return text % params if params else text

    def n(self, singular: str, plural: str, number: int, **params: Any) -> str:
        return self.words.ngettext(singular, plural, number) % {"count": whole(number), **params}

    def listing(self, keys: Sequence[Any]) -> str:
        """'A', 'A en B', 'A, B en C'."""
        names = [self.name(k) for k in keys]
        if len(names) < 2:
            return "".join(names)
        return self.t(gettext_noop("%(first)s en %(last)s"), first=", ".join(names[:-1]), last=names[-1])

    def votes(self, number: Any) -> str:
        """'1 stem', '185 stemmen'."""
        return self.n(gettext_noop("%(count)s stem"), gettext_noop("%(count)s stemmen"), int(number))

    def ties(self, outcome: Outcome) -> list[Step]:
        lines = tuple(
            self.t(
                gettext_noop("%(names)s stonden gelijk. De loting met het gepubliceerde lotingszaad koos %(chosen)s."),
                names=self.listing(tie["tied"]), chosen=self.name(tie["chosen"]),
            )
            for tie in outcome.get("tie_breaks") or ()
        )
        return [Step(self.t(gettext_noop("Gelijke stand")), lines)] if lines else []


def _ranked_list(
    say: _Say, outcome: Outcome, value: Callable[[str], str], title: str
) -> Step:
    winners = set(outcome.get("winners") or ())
    order = outcome.get("ranking") or outcome["candidates"]
    lines = []
    for place, key in enumerate(order, 1):
        if key in winners:
            line = say.t(gettext_noop("%(place)s. %(name)s: %(value)s (gekozen)"),
                         place=place, name=say.name(key), value=value(key))
        else:
            line = say.t(gettext_noop("%(place)s. %(name)s: %(value)s"),
                         place=place, name=say.name(key), value=value(key))
        lines.append(line)
    return Step(title, tuple(lines), numbered=True)


def _seats_sentence(say: _Say, outcome: Outcome) -> str:
    seats = len(outcome.get("winners") or ()) or 1
    return say.n(gettext_noop("Er was %(count)s plaats te vergeven."),
                 gettext_noop("Er waren %(count)s plaatsen te vergeven."), seats)


# ---------------------------------------------------------------------------------------
# One builder per method
# ---------------------------------------------------------------------------------------


def _needed_yes(point: Outcome) -> int:
    required = fraction(point["required"])
    return math.ceil(required) if point["inclusive"] else math.floor(required) + 1


def yes_no(outcome: Outcome, names: Mapping[str, str], words: Words) -> list[Step]:
    """Each decision point on its own: the votes, the majority needed, the decision."""
    say = _Say(names, words)
    steps = [Step(say.t(gettext_noop(
        "Bij elk punt kon u voor, tegen of onthouding kiezen. Elk punt is apart beslist. "
        "Onthoudingen tellen niet mee voor de meerderheid.")), heading=False)]
    for key in outcome["candidates"]:
        point = outcome["points"][key]
        yes, no, abstain = point["yes"], point["no"], point["abstain"]
        valid = yes + no
        title = say.t(gettext_noop("%(name)s: aangenomen") if point["passed"]
                      else gettext_noop("%(name)s: verworpen"), name=say.name(key))
        lines = [say.t(gettext_noop("Voor: %(yes)s. Tegen: %(no)s. Onthouding: %(abstain)s."),
                       yes=whole(yes), no=whole(no), abstain=whole(abstain))]
        if not valid:
            lines.append(say.t(gettext_noop("Niemand stemde voor of tegen, dus het punt is niet aangenomen.")))
        else:
            needed = _needed_yes(point)
            if fraction(point["threshold"]) == Fraction(2, 3) and point["inclusive"]:
                rule = gettext_noop("Nodig was ten minste twee derde van de %(valid)s stemmen voor of tegen: "
                                    "ten minste %(needed)s stemmen voor.")
            elif fraction(point["threshold"]) == Fraction(1, 2) and not point["inclusive"]:
                rule = gettext_noop("Nodig was meer dan de helft van de %(valid)s stemmen voor of tegen: "
                                    "ten minste %(needed)s stemmen voor.")
            else:
                rule = gettext_noop("Nodig waren ten minste %(needed)s stemmen voor, van de %(valid)s "
                                    "stemmen voor of tegen.")
            lines.append(say.t(rule, valid=whole(valid), needed=whole(needed)))
        steps.append(Step(title, tuple(lines)))
    return steps


def approval(outcome: Outcome, names: Mapping[str, str], words: Words) -> list[Step]:
    say = _Say(names, words)
    scores = outcome["scores"]
    intro = say.t(gettext_noop("U kon meer dan één optie kiezen. De opties die het vaakst gekozen zijn, winnen."))
    return [
        Step(f"{intro} {_seats_sentence(say, outcome)}", heading=False),
        _ranked_list(say, outcome, lambda k: say.votes(scores[k]), say.t(gettext_noop("Uitslag"))),
        *say.ties(outcome),
    ]


def score(outcome: Outcome, names: Mapping[str, str], words: Words) -> list[Step]:
    say = _Say(names, words)
    means = outcome["scores"]
    totals = outcome.get("extra", {}).get("total", {})
    rated = outcome.get("extra", {}).get("rated by", {})

    def value(key: str) -> str:
        return say.t(gettext_noop("gemiddeld %(mean)s (%(total)s punten, %(rated)s stemmers gaven een cijfer)"),
                     mean=decimal(means[key]), total=whole(totals.get(key, 0)), rated=whole(rated.get(key, 0)))

    intro = say.t(gettext_noop(
        "U gaf elke optie een cijfer. Een optie zonder cijfer telt als het laagste cijfer. "
        "De optie met het hoogste gemiddelde cijfer wint."))
    return [Step(intro, heading=False), _ranked_list(say, outcome, value, say.t(gettext_noop("Uitslag"))),
            *say.ties(outcome)]


def dot(outcome: Outcome, names: Mapping[str, str], words: Words) -> list[Step]:
    say = _Say(names, words)
    scores = outcome["scores"]
    intro = say.t(gettext_noop("U verdeelde punten over de opties. De optie met de meeste punten wint."))
    return [
        Step(intro, heading=False),
        _ranked_list(say, outcome, lambda k: say.n(gettext_noop("%(count)s punt"), gettext_noop("%(count)s punten"),
                                                   int(scores[k])), say.t(gettext_noop("Uitslag"))),
        *say.ties(outcome),
    ]


def borda(outcome: Outcome, names: Mapping[str, str], words: Words) -> list[Step]:
    say = _Say(names, words)
    scores = outcome["scores"]
    m = len(outcome["candidates"])
    intro = say.t(gettext_noop(
        "U zette de opties op volgorde. Er waren %(options)s opties: uw eerste keuze kreeg %(first)s punten, "
        "uw tweede %(second)s, en zo verder. Een optie die u niet op volgorde zette, kreeg van u 0 punten. "
        "De optie met de meeste punten wint."), options=m, first=m - 1, second=max(m - 2, 0))
    return [
        Step(intro, heading=False),
        _ranked_list(say, outcome, lambda k: say.n(gettext_noop("%(count)s punt"), gettext_noop("%(count)s punten"),
                                                   int(scores[k])), say.t(gettext_noop("Uitslag"))),
        *say.ties(outcome),
    ]


def _duels(say: _Say, outcome: Outcome, order: Sequence[str]) -> Step:
    """Every head-to-head of the options in ``order`` (the winner's only when there are many)."""
    pairwise = outcome["pairwise"]
    pairs = [(a, b) for i, a in enumerate(order) for b in order[i + 1:]]
    if len(order) > 8:
        pairs = [(order[0], b) for b in order[1:]]
    lines = []
    for a, b in pairs:
        ab, ba = pairwise[a][b], pairwise[b][a]
        if ab > ba:
            message = gettext_noop("%(a)s wint van %(b)s: %(ab)s stemmers zetten %(a)s hoger, %(ba)s %(b)s.")
        elif ab < ba:
            message = gettext_noop("%(b)s wint van %(a)s: %(ba)s stemmers zetten %(b)s hoger, %(ab)s %(a)s.")
        else:
            message = gettext_noop("%(a)s en %(b)s spelen gelijk: %(ab)s stemmers zetten %(a)s hoger, "
                                   "evenveel %(b)s.")
        lines.append(say.t(message, a=say.name(a), b=say.name(b), ab=whole(ab), ba=whole(ba)))
    return Step(say.t(gettext_noop("Tweegevechten")), tuple(lines))


def copeland(outcome: Outcome, names: Mapping[str, str], words: Words) -> list[Step]:
    say = _Say(names, words)
    extra = outcome.get("extra", {})
    wins, losses, scores = extra.get("wins", {}), extra.get("losses", {}), outcome["scores"]
    intro = say.t(gettext_noop(
        "U zette de opties op volgorde. Daarna is elke optie vergeleken met elke andere optie: welke van de "
        "twee zetten meer stemmers hoger? Een optie die u niet op volgorde zette, staat lager dan de opties "
        "die u wel op volgorde zette. Een gewonnen tweegevecht geeft een punt, een verloren tweegevecht kost "
        "een punt."))

    def value(key: str) -> str:
        return say.t(gettext_noop("%(wins)s gewonnen, %(losses)s verloren: score %(score)s"),
                     wins=wins.get(key, 0), losses=losses.get(key, 0), score=scores[key])

    order = list(outcome.get("ranking") or outcome["candidates"])
    return [Step(intro, heading=False), _duels(say, outcome, order),
            _ranked_list(say, outcome, value, say.t(gettext_noop("Uitslag"))), *say.ties(outcome)]


def schulze(outcome: Outcome, names: Mapping[str, str], words: Words) -> list[Step]:
    say = _Say(names, words)
    pairwise, paths = outcome["pairwise"], outcome["strongest_paths"]
    order = list(outcome.get("ranking") or outcome["candidates"])
    intro = say.t(gettext_noop(
        "U zette de opties op volgorde. Daarna is elke optie vergeleken met elke andere optie: welke van de "
        "twee zetten meer stemmers hoger? Een optie die u niet op volgorde zette, staat lager dan de opties "
        "die u wel op volgorde zette."))
    steps = [Step(intro, heading=False), _duels(say, outcome, order)]
    chains = []
    for i, a in enumerate(order):
        for b in order[i + 1:]:
            if pairwise[a][b] > pairwise[b][a]:
                continue  # a beat b directly: nothing to explain
            chains.append(say.t(
                gettext_noop("%(a)s staat toch boven %(b)s. Via andere opties is %(a)s sterker: de sterkste "
                             "keten van %(a)s naar %(b)s heeft %(ab)s stemmen, die van %(b)s naar %(a)s %(ba)s."),
                a=say.name(a), b=say.name(b), ab=whole(paths[a][b]), ba=whole(paths[b][a]),
            ) if paths[a][b] > paths[b][a] else say.t(
                gettext_noop("%(a)s en %(b)s zijn even sterk (%(ab)s stemmen); de loting besliste wie hoger staat."),
                a=say.name(a), b=say.name(b), ab=whole(paths[a][b]),
            ))
    if chains:
        note = say.t(gettext_noop(
            "Niet elke volgorde volgt uit de tweegevechten alleen (A wint van B, B van C, maar C van A). "
            "Dan telt de sterkste keten van tweegevechten: een keten is zo sterk als het zwakste tweegevecht "
            "erin."))
        steps.append(Step(say.t(gettext_noop("Kringen in de tweegevechten")), (note, *chains)))
    steps.append(_ranked_list(say, outcome, lambda k: say.n(
        gettext_noop("wint van %(count)s andere optie"), gettext_noop("wint van %(count)s andere opties"),
        sum(1 for o in order if o != k and paths[k][o] > paths[o][k])), say.t(gettext_noop("Uitslag"))))
    return [*steps, *say.ties(outcome)]


def majority_judgment(outcome: Outcome, names: Mapping[str, str], words: Words) -> list[Step]:
    say = _Say(names, words)
    grades = [say.t(g) for g in outcome["grades"]]
    medians, distribution = outcome["medians"], outcome["distribution"]
    intro = say.t(gettext_noop(
        "U gaf elke optie een oordeel, van %(low)s tot %(high)s. Een optie zonder oordeel kreeg %(low)s. "
        "Per optie telt het middelste oordeel: de helft van de stemmers gaf dat oordeel of een beter. "
        "Het beste middelste oordeel wint. Is dat gelijk, dan wint de optie met meer stemmers boven dat "
        "oordeel dan eronder."), low=grades[0], high=grades[-1])

    def value(key: str) -> str:
        spread = ", ".join(f"{grades[g]} {whole(n)}" for g, n in reversed(list(enumerate(distribution[key]))) if n)
        return say.t(gettext_noop("middelste oordeel %(median)s (%(spread)s)"),
                     median=grades[medians[key]], spread=spread)

    return [Step(intro, heading=False), _ranked_list(say, outcome, value, say.t(gettext_noop("Uitslag"))),
            *say.ties(outcome)]


def irv(outcome: Outcome, names: Mapping[str, str], words: Words) -> list[Step]:
    """Round by round: the votes, who drops out and where their votes go."""
    say = _Say(names, words)
    steps = [Step(say.t(gettext_noop(
        "U zette de opties op volgorde. In elke ronde telt elke stem voor de hoogste keuze op het "
        "stembiljet die nog meedoet. De optie met de minste stemmen valt af. Haar stemmen gaan naar de "
        "volgende keuze op die stembiljetten. Dat gaat door tot er één optie over is.")), heading=False)]
    lottery_rounds = {tie["context"].split(",")[0] for tie in outcome.get("tie_breaks") or ()}
    for r in outcome["rounds"]:
        counts = r["counts"]
        active = sum(counts.values())
        lines = [say.t(gettext_noop("%(name)s: %(votes)s"), name=say.name(k), votes=say.votes(v))
                 for k, v in counts.items()]
        if r["exhausted"]:
            lines.append(say.n(gettext_noop("%(count)s stem telt niet meer mee: er staat geen optie meer op die nog meedoet."),
                               gettext_noop("%(count)s stemmen tellen niet meer mee: er staat geen optie meer op die nog meedoet."),
                               r["exhausted"]))
        if r["number"] == outcome.get("majority_round"):
            leader = next(iter(counts))
            lines.append(say.t(gettext_noop("%(name)s heeft nu meer dan de helft van de %(active)s stemmen die meetellen."),
                               name=say.name(leader), active=whole(active)))
        out = r["eliminated"]
        if out:
            if len(out) > 1:
                lines.append(say.t(gettext_noop("%(names)s hebben geen stemmen en vallen af."), names=say.listing(out)))
            else:
                lines.append(say.t(gettext_noop("%(name)s heeft de minste stemmen en valt af."), name=say.name(out[0])))
            if f"round {r['number']}" in lottery_rounds:
                lines.append(say.t(gettext_noop("Meer opties hadden even weinig stemmen; de loting besliste wie afviel.")))
            for k, v in r["transfers"].items():
                lines.append(say.n(gettext_noop("%(count)s stem gaat naar %(name)s."),
                                   gettext_noop("%(count)s stemmen gaan naar %(name)s."), v, name=say.name(k)))
            if r["exhausted_now"]:
                lines.append(say.n(gettext_noop("%(count)s stem heeft geen volgende keuze meer en telt niet meer mee."),
                                   gettext_noop("%(count)s stemmen hebben geen volgende keuze meer en tellen niet meer mee."),
                                   r["exhausted_now"]))
        elif counts:
            lines.append(say.t(gettext_noop("%(name)s blijft als laatste over."), name=say.name(next(iter(counts)))))
        steps.append(Step(say.t(gettext_noop("Ronde %(number)s"), number=r["number"]), tuple(lines)))
    winners = outcome.get("winners") or ()
    steps.append(Step(say.t(gettext_noop("Winnaar: %(name)s"), name=say.name(winners[0])) if winners
                      else say.t(gettext_noop("Geen winnaar: er waren geen geldige stemmen."))))
    return [*steps, *say.ties(outcome)]


def stv(outcome: Outcome, names: Mapping[str, str], words: Words) -> list[Step]:
    """Round by round, with vote values as decimals: quota, elections, surpluses, drop-outs."""
    say = _Say(names, words)
    seats, valid, quota = outcome["seats"], outcome["valid"], outcome["quota"]
    steps = [Step(" ".join((
        say.t(gettext_noop("U zette de opties op volgorde. Er waren %(seats)s zetels en %(valid)s geldige stemmen."),
              seats=seats, valid=whole(valid)),
        say.t(gettext_noop("Een optie is gekozen zodra zij het quotum haalt: %(valid)s gedeeld door %(parts)s, "
                           "naar beneden afgerond, plus 1. Dat is %(quota)s stemmen."),
              valid=whole(valid), parts=seats + 1, quota=whole(quota)),
        say.t(gettext_noop("Heeft een gekozen optie meer stemmen dan het quotum, dan gaat wat over is door naar "
                           "de volgende keuze op haar stembiljetten; elk stembiljet telt dan nog voor een deel "
                           "mee. Haalt niemand het quotum, dan valt de optie met de minste stemmen af en gaan "
                           "haar stemmen door naar de volgende keuze.")),
    )), heading=False)]
    for r in outcome["rounds"]:
        counts = {k: fraction(v) for k, v in r["counts"].items()}
        lines = [say.t(gettext_noop("%(name)s: %(votes)s stemmen"), name=say.name(k), votes=decimal(v))
                 for k, v in counts.items()]
        subjects = r["subjects"]
        moved = {k: fraction(v) for k, v in (r.get("transfers") or {}).items()}
        if r["action"] == "elect":
            lines.append(say.n(gettext_noop("%(names)s haalt het quotum en is gekozen."),
                               gettext_noop("%(names)s halen het quotum en zijn gekozen."),
                               len(subjects), names=say.listing(subjects)))
        elif r["action"] == "fill":
            lines.append(say.n(gettext_noop("Er is nog één optie over voor de laatste zetel: %(names)s is gekozen."),
                               gettext_noop("Er zijn nog evenveel opties als zetels over: %(names)s zijn gekozen."),
                               len(subjects), names=say.listing(subjects)))
        elif r["action"] == "surplus":
            who = subjects[0]
            surplus = counts[who] - quota
            lines.append(say.t(
                gettext_noop("%(name)s heeft %(surplus)s stemmen meer dan het quotum. Die gaan door naar de volgende "
                             "keuze: elk stembiljet van %(name)s telt daar voor %(value)s deel van zijn waarde mee."),
                name=say.name(who), surplus=decimal(surplus), value=decimal(r["transfer_value"], 4)))
            lost = surplus - sum(moved.values(), Fraction(0))
            lines += _stv_moves(say, moved, lost)
        else:
            if len(subjects) > 1:
                lines.append(say.t(gettext_noop("%(names)s hebben geen stemmen en vallen af."),
                                   names=say.listing(subjects)))
            else:
                lines.append(say.t(gettext_noop("%(name)s heeft de minste stemmen en valt af. Haar stemmen gaan "
                                                "door naar de volgende keuze."), name=say.name(subjects[0])))
            lost = sum((counts.get(k, Fraction(0)) for k in subjects), Fraction(0)) - sum(moved.values(), Fraction(0))
            lines += _stv_moves(say, moved, lost)
        steps.append(Step(say.t(gettext_noop("Ronde %(number)s"), number=r["number"]), tuple(lines)))
    steps.append(Step(say.t(gettext_noop("Gekozen: %(names)s"), names=say.listing(outcome.get("winners") or ()))))
    return [*steps, *say.ties(outcome)]


def _stv_moves(say: _Say, moved: Mapping[str, Fraction], lost: Fraction) -> list[str]:
    lines = [say.t(gettext_noop("%(name)s krijgt er %(votes)s stemmen bij."), name=say.name(k), votes=decimal(v))
             for k, v in moved.items()]
    if lost > 0:
        lines.append(say.t(gettext_noop("%(votes)s stemmen hebben geen volgende keuze meer en tellen niet meer mee."),
                           votes=decimal(lost)))
    return lines


# ---------------------------------------------------------------------------------------
# Budgets: greedy by votes, and the Method of Equal Shares
# ---------------------------------------------------------------------------------------


def _greedy_lines(say: _Say, steps: Sequence[Outcome]) -> list[str]:
    lines = []
    for s in steps:
        params = {"name": say.name(s["project"]), "votes": say.votes(s["votes"]), "cost": euro(s["cost"]),
                  "left": euro(s["remaining"])}
        if s["selected"]:
            lines.append(say.t(gettext_noop("%(name)s (%(votes)s, kost %(cost)s): uitgevoerd. Nog over: %(left)s."),
                               **params))
        else:
            lines.append(say.t(gettext_noop("%(name)s (%(votes)s, kost %(cost)s): past niet meer, want er is nog "
                                            "maar %(left)s over. Overgeslagen."), **params))
    return lines


def _spent_step(say: _Say, outcome: Outcome) -> Step:
    return Step(say.t(gettext_noop("Besteed: %(spent)s van %(budget)s."),
                      spent=euro(outcome["spent"]), budget=euro(outcome["budget"])))


def _outvoted(outcome: Outcome) -> list[tuple[str, str]]:
    """(unfunded project, funded project with fewer votes): the questions residents ask.
    For each unfunded project the funded one with the fewest votes below it."""
    votes, winners = outcome["votes"], list(outcome.get("winners") or ())
    pairs = []
    for p in outcome["candidates"]:
        if p in winners or not votes[p]:
            continue
        fewer = [q for q in winners if votes[q] < votes[p]]
        if fewer:
            pairs.append((p, min(fewer, key=lambda q: (votes[q], q))))
    return sorted(pairs, key=lambda pair: -votes[pair[0]])


def greedy_budget(outcome: Outcome, names: Mapping[str, str], words: Words) -> list[Step]:
    say = _Say(names, words)
    intro = say.t(gettext_noop(
        "Het budget was %(budget)s. De projecten zijn op volgorde gezet van meeste naar minste stemmen. "
        "Van boven naar beneden is elk project uitgevoerd dat nog paste in het geld dat over was. Een "
        "project dat niet meer paste, is overgeslagen. Projecten zonder stemmen krijgen geen geld."),
        budget=euro(outcome["budget"]))
    steps = [Step(intro, heading=False),
             Step(say.t(gettext_noop("Project voor project")), tuple(_greedy_lines(say, outcome["steps"])))]
    left_when = {s["project"]: s["remaining"] for s in outcome["steps"] if not s["selected"]}
    why = []
    for p, q in _outvoted(outcome):
        why.append(say.t(gettext_noop(
            "%(name)s kreeg %(votes)s, meer dan %(other)s (%(other_votes)s), maar is niet uitgevoerd. Toen "
            "%(name)s aan de beurt was, was er nog %(left)s over, en %(name)s kost %(cost)s. %(other)s kost "
            "%(other_cost)s en paste later nog wel."),
            name=say.name(p), votes=say.votes(outcome["votes"][p]), other=say.name(q),
            other_votes=say.votes(outcome["votes"][q]), left=euro(left_when.get(p, 0)),
            cost=euro(outcome["costs"][p]), other_cost=euro(outcome["costs"][q])))
    if why:
        steps.append(Step(say.t(gettext_noop("Waarom kreeg een project met meer stemmen geen geld?")), tuple(why)))
    return [*steps, _spent_step(say, outcome), *say.ties(outcome)]


def method_of_equal_shares(outcome: Outcome, names: Mapping[str, str], words: Words) -> list[Step]:
    """Equal shares, purchase by purchase, then the rest; and for every project that got no
    money although a project with fewer votes did, why, from the count's own figures."""
    say = _Say(names, words)
    if outcome.get("voter_budget") is None:
        return [Step(say.t(gettext_noop("Er is niet gestemd, dus er is niets gekocht."))), _spent_step(say, outcome)]
    share = euro(outcome["voter_budget"])
    how = (gettext_noop("Steeds is eerst het project gekocht waarvoor de stemmers die het kozen het kleinste deel "
                        "van de prijs per persoon hoefden te betalen: een project met veel stemmen voor zijn "
                        "prijs gaat voor.")
           if outcome.get("utility", "cost") == "cost" else
           gettext_noop("Steeds is eerst het project gekocht waarvoor de stemmers die het kozen per persoon het "
                        "minst hoefden te betalen."))
    intro = " ".join((
        say.t(gettext_noop("Het budget was %(budget)s. Elke stemmer kreeg een gelijk deel om mee te betalen: "
                           "%(share)s. Een project wordt gekocht als de stemmers die het kozen het samen kunnen "
                           "betalen uit hun eigen deel."), budget=euro(outcome["budget"]), share=share),
        say.t(how),
    ))
    steps = [Step(intro, heading=False)]
    mes = [s for s in outcome["steps"] if s["phase"] == "mes"]
    rest = [s for s in outcome["steps"] if s["phase"] == "greedy"]
    bought = []
    for s in mes:
        bought.append(say.t(gettext_noop(
            "%(name)s (%(votes)s, kost %(cost)s): gekocht. Elke stemmer die het koos, betaalde %(pay)s, of alles "
            "wat hij nog had als dat minder was. Nog over: %(left)s."),
            name=say.name(s["project"]), votes=say.votes(s["votes"]), cost=euro(s["cost"]),
            pay=euro(s["payment"]), left=euro(s["remaining"])))
    steps.append(Step(say.t(gettext_noop("Gekocht met gelijke delen")), tuple(bought) or (
        say.t(gettext_noop("De stemmers van geen enkel project hadden samen genoeg geld voor dat project.")),)))
    if rest:
        left = euro(fraction(outcome["budget"]) - sum((fraction(s["cost"]) for s in mes), Fraction(0)))
        steps.append(Step(
            say.t(gettext_noop("Daarna was er nog %(left)s over. Dat geld is verdeeld op volgorde van stemmen: "
                               "elk project dat nog paste, is uitgevoerd."), left=left),
            tuple(_greedy_lines(say, rest))))
    shortfalls = outcome.get("shortfalls") or {}
    greedy_left = {s["project"]: s["remaining"] for s in rest if not s["selected"]}
    by_mes = {s["project"] for s in mes}
    why = []
    for p, q in _outvoted(outcome):
        votes, costs = outcome["votes"], outcome["costs"]
        lines = [say.t(gettext_noop("%(name)s kreeg %(votes)s, meer dan %(other)s (%(other_votes)s), en kreeg toch "
                                    "geen geld."),
                       name=say.name(p), votes=say.votes(votes[p]), other=say.name(q),
                       other_votes=say.votes(votes[q]))]
        short = shortfalls.get(p)
        if short is not None:
            lines.append(say.t(gettext_noop(
                "De %(supporters)s stemmers van %(name)s hadden samen nog maar %(left)s over, en %(name)s kost "
                "%(cost)s."),
                supporters=whole(short["supporters"]), name=say.name(p), left=euro(short["money_left"]),
                cost=euro(costs[p])))
            paid = {k: fraction(v) for k, v in (short.get("paid_for") or {}).items() if fraction(v) > 0}
            if paid:
                # The three largest (paid_for is largest first); more would bury the answer.
                named = [f"{say.name(k)} ({euro(v)})" for k, v in list(paid.items())[:3]]
                if len(paid) > 3:
                    named.append(say.n(gettext_noop("%(count)s ander project"), gettext_noop("%(count)s andere projecten"),
                                       len(paid) - 3))
                spent = say.t(gettext_noop("%(first)s en %(last)s"), first=", ".join(named[:-1]), last=named[-1]) \
                    if len(named) > 1 else named[0]
                lines.append(say.t(gettext_noop("Dat komt doordat zij al meebetaalden aan andere projecten die zij ook "
                                                "kozen: %(spent)s."), spent=spent))
        if q in by_mes:
            lines.append(say.t(gettext_noop("De stemmers van %(other)s konden %(other)s (%(other_cost)s) samen wel "
                                            "betalen uit hun deel."), other=say.name(q), other_cost=euro(costs[q])))
        else:
            lines.append(say.t(gettext_noop("%(other)s (%(other_cost)s) is daarna gekocht van het geld dat over was, "
                                            "omdat het nog paste."), other=say.name(q), other_cost=euro(costs[q])))
        if p in greedy_left:
            lines.append(say.t(gettext_noop("Van het geld dat over was, kon %(name)s ook niet betaald worden: er was "
                                            "nog %(left)s over."), name=say.name(p), left=euro(greedy_left[p])))
        why.append(" ".join(lines))
    if why:
        steps.append(Step(say.t(gettext_noop("Waarom kreeg een project met meer stemmen geen geld?")), tuple(why)))
    return [*steps, _spent_step(say, outcome), *say.ties(outcome)]


def plain_text(steps: Sequence[Step]) -> list[str]:
    """The explanation as lines of text (headings, then their sentences indented)."""
    lines: list[str] = []
    for step in steps:
        lines.append(step.title)
        lines += [f"  {line}" for line in step.lines]
    return lines
