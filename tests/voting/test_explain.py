"""The explanation of a count, in Dutch (B1) with the options' names, for every method in
the registry; translated to English through voting/locale/en."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.utils import translation

from voting import explain, formats, methods, tally
from voting.result_page import WORDS

NAMES = {
    "1": "Meer bomen en schaduw",
    "2": "Een waterspeelplaats",
    "3": "Een weekmarkt",
    "4": "Een podium",
}
COSTS = {"1": 40_000, "2": 25_000, "3": 15_000, "4": 60_000}
KEYS = tuple(NAMES)


def ballots_for(kind: methods.VotingMethod) -> list[Any]:
    """A small electorate with a clear order (1 > 2 > 3 > 4) and some variety."""
    rankings = [["1", "2", "3"]] * 5 + [["2", "1"]] * 4 + [["3", "2", "4"]] * 3 + [["4"]] * 2 + [["2", "3"]]
    if kind.shape is methods.RANKING:
        return rankings
    if kind.shape is methods.CHOICE:
        return [sorted(r[:2], key=int) for r in rankings]
    if kind.shape is methods.YES_NO:
        return [{k: ("yes" if k in r[:2] else "no" if k == "4" else "abstain") for k in KEYS} for r in rankings]
    if kind.shape is methods.GRADES:
        return [{k: (5 - r.index(k) if k in r else 0) for k in KEYS} for r in rankings]
    return [{r[0]: 3, **({r[1]: 2} if len(r) > 1 else {})} for r in rankings]


def stored(kind: methods.VotingMethod, spec: methods.PollSpec, ballots: list[Any]) -> dict[str, Any]:
    """The result as the database keeps it (JSON)."""
    return json.loads(json.dumps(kind.stored_result(spec, ballots)))


def spec_for(kind: methods.VotingMethod) -> methods.PollSpec:
    return methods.PollSpec(
        keys=KEYS, names=NAMES, seats=2 if kind.seats_below_options else 1, seed="diemen",
        budget=80_000 if kind.needs_budget else None, points=5, costs=COSTS,
    )


def words_of(steps: list[explain.Step]) -> str:
    """The explanation as text, no-break spaces (after the euro sign) read as spaces."""
    return "\n".join(explain.plain_text(steps)).replace("\u00a0", " ")


ENGLISH_LEFTOVERS = re.compile(r"\b(Round|round|Winner|winner|eliminated|exhausted|rho|Elected|Funded|Budget|"
                               r"Yes|Needed|Pairwise|transfer|votes|surplus|quota|Tie)\b")


@pytest.mark.parametrize("key", list(methods.REGISTRY))
def test_every_method_explains_its_count_in_dutch_with_the_options_names(key):
    kind = methods.get(key)
    spec = spec_for(kind)
    result = stored(kind, spec, ballots_for(kind))
    text = words_of(kind.explanation(result, NAMES))
    assert not ENGLISH_LEFTOVERS.search(text), text
    assert not re.search(r"\d+/\d+", text), f"a raw fraction in:\n{text}"
    # Every option is named, never numbered: no line starts with an option's key.
    for name in NAMES.values():
        assert name in text, f"{name!r} is missing from:\n{text}"
    assert not re.search(r"(^|: |, )[1-4] \d", text), text
    for winner in result["winners"]:
        assert NAMES[winner] in text


# English option names, so that a Dutch word left in an English explanation stands out.
ENGLISH_NAMES = {"1": "Trees", "2": "Water playground", "3": "Market", "4": "Stage"}
DUTCH_WORDS = re.compile(r"\b(de|het|een|van|en|stem|stemmen|stemmer|stemmers|heeft|zijn|naar|niet|nog|wordt|optie|"
                         r"opties|gekozen|ronde|uitslag|winnaar|punten|besteed|kost)\b", re.IGNORECASE)


@pytest.mark.parametrize("key", list(methods.REGISTRY))
def test_every_sentence_of_every_explanation_has_an_english_translation(key):
    kind = methods.get(key)
    spec = spec_for(kind)
    result = stored(kind, spec, ballots_for(kind))
    with translation.override("en"):
        english = words_of(kind.explanation(result, ENGLISH_NAMES, WORDS))
    assert not DUTCH_WORDS.search(english), english


def test_instant_runoff_is_explained_round_by_round_with_names():
    kind = methods.get("irv")
    ballots = [["1", "2"]] * 185 + [["2", "1"]] * 56 + [["3", "2"]] * 30 + [["4"]] * 4
    text = words_of(kind.explanation(stored(kind, spec_for(kind), ballots), NAMES))
    assert "Ronde 1" in text and "Ronde 2" in text
    assert "Meer bomen en schaduw: 185 stemmen" in text
    assert "Een podium heeft de minste stemmen en valt af." in text
    assert "4 stemmen hebben geen volgende keuze meer en tellen niet meer mee." in text
    assert "Een weekmarkt heeft de minste stemmen en valt af." in text
    assert "30 stemmen gaan naar Een waterspeelplaats." in text
    assert "Meer bomen en schaduw heeft nu meer dan de helft van de 275 stemmen die meetellen." in text
    assert "Winnaar: Meer bomen en schaduw" in text


def test_stv_shows_vote_values_as_decimals_not_fractions():
    kind = methods.get("stv")
    # 3 seats, 25 valid: quota 7. "1" has 12 first choices: a surplus of 5 at value 5/12.
    ballots = [["1", "2"]] * 12 + [["2"]] * 4 + [["3"]] * 5 + [["4", "3"]] * 4
    spec = methods.PollSpec(keys=KEYS, names=NAMES, seats=3, seed="diemen")
    text = words_of(kind.explanation(stored(kind, spec, ballots), NAMES))
    assert "Dat is 7 stemmen." in text
    assert "Meer bomen en schaduw haalt het quotum en is gekozen." in text
    assert "Meer bomen en schaduw heeft 5,00 stemmen meer dan het quotum." in text
    assert "telt daar voor 0,4167 deel van zijn waarde mee" in text
    assert "Een waterspeelplaats krijgt er 5,00 stemmen bij." in text
    assert "Een waterspeelplaats: 9,00 stemmen" in text
    assert "/" not in text


def test_a_two_thirds_vote_says_how_many_yes_votes_were_needed():
    kind = methods.get("yes_no")
    ballots = [{"1": "yes"}] * 12 + [{"1": "no"}] * 7 + [{"1": "abstain"}] * 3
    spec = methods.PollSpec(keys=("1",), names={"1": "Het Diemerplein wordt autovrij op zondag"}, two_thirds=True)
    text = words_of(kind.explanation(stored(kind, spec, ballots), spec.names))
    assert "Voor: 12. Tegen: 7. Onthouding: 3." in text
    assert "ten minste twee derde van de 19 stemmen voor of tegen: ten minste 13 stemmen voor" in text
    assert "Het Diemerplein wordt autovrij op zondag: verworpen" in text


# A Pabulib file worked out by hand: 10 voters, EUR 100 (EUR 10 each). Seven voters want the
# playground (EUR 50), six of them also the benches (EUR 45); three want the vegetable
# garden (EUR 30). Equal shares buy the playground (each of the seven pays 50/7 = 7,14), so
# the six have 6 x 20/7 = 17,14 left: too little for the benches, although six people want
# them, while the three can pay the garden (3 x 10 = 30). After that EUR 20 is left.
PABULIB = """META
key;value
description;Buurtbudget Diemen-Noord
country;Netherlands
unit;Diemen
instance;2026
num_projects;3
num_votes;10
budget;100
vote_type;approval
rule;equalshares
PROJECTS
project_id;cost;name
1;50;Speeltuin Ouddiemerlaan
2;45;Bankjes Diemerpark
3;30;Moestuin Arenapark
VOTES
voter_id;vote
1;1,2
2;1,2
3;1,2
4;1,2
5;1,2
6;1,2
7;1
8;3
9;3
10;3
"""


def test_equal_shares_says_why_a_project_with_more_votes_got_no_money():
    election = formats.parse_pabulib(PABULIB)
    kind = methods.get("budget_mes")
    spec = methods.PollSpec(keys=tuple(election.candidates), names=election.candidates,
                            budget=election.budget, costs=election.costs)
    ballots = [kind.shape.from_file(b) for b in election.expanded()]
    result = stored(kind, spec, ballots)
    assert result["winners"] == ["1", "3"]
    shortfall = result["shortfalls"]["2"]
    assert shortfall == {"supporters": 6, "money_left": "120/7", "paid_for": {"1": "300/7"}}
    text = words_of(kind.explanation(result, election.candidates))
    assert "Elke stemmer kreeg een gelijk deel om mee te betalen: € 10." in text
    assert "Speeltuin Ouddiemerlaan (7 stemmen, kost € 50): gekocht. Elke stemmer die het koos, betaalde € 7,14" in text
    assert "Waarom kreeg een project met meer stemmen geen geld?" in text
    assert "Bankjes Diemerpark kreeg 6 stemmen, meer dan Moestuin Arenapark (3 stemmen), en kreeg toch geen geld." in text
    assert "De 6 stemmers van Bankjes Diemerpark hadden samen nog maar € 17,14 over, en Bankjes Diemerpark kost € 45." in text
    assert "zij al meebetaalden aan andere projecten die zij ook kozen: Speeltuin Ouddiemerlaan (€ 42,86)." in text
    assert "De stemmers van Moestuin Arenapark konden Moestuin Arenapark (€ 30) samen wel betalen" in text
    assert "Van het geld dat over was, kon Bankjes Diemerpark ook niet betaald worden: er was nog € 20 over." in text
    assert "Besteed: € 80 van € 100." in text


def test_the_shortfalls_add_up_to_what_equal_shares_paid():
    """The replay behind the explanation agrees with the count: the supporters of every
    project bought pay exactly its cost, and nobody pays more than their share."""
    election = formats.parse_pabulib(PABULIB)
    outcome = tally.method_of_equal_shares(dict(election.costs), election.budget or 0,
                                           [set(b) for b in election.expanded()], completion="none")
    assert outcome.winners == ("1", "3")
    assert sum(outcome.shortfalls["2"].paid_for.values()) + outcome.shortfalls["2"].money_left == 6 * 10


def test_greedy_says_why_a_project_with_more_votes_got_no_money():
    kind = methods.get("budget_greedy")
    ballots = [["4"]] * 9 + [["1"]] * 7 + [["3"]] * 2
    spec = methods.PollSpec(keys=KEYS, names=NAMES, budget=80_000, costs=COSTS)
    text = words_of(kind.explanation(stored(kind, spec, ballots), NAMES))
    assert "Een podium (9 stemmen, kost € 60.000): uitgevoerd. Nog over: € 20.000." in text
    assert ("Meer bomen en schaduw kreeg 7 stemmen, meer dan Een weekmarkt (2 stemmen), maar is niet uitgevoerd. "
            "Toen Meer bomen en schaduw aan de beurt was, was er nog € 20.000 over") in text
