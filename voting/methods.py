"""One registry of voting methods: what a ballot looks like, what makes it valid, how it
is written to the published file and read back, how it is counted and what the results
table shows. Services, pages, the published files and ``python -m voting.recount`` all ask
this registry; nothing else switches on the method.

Pure, like voting.tally: plain data in and out, no Django. Messages for voters are Dutch
message ids (marked for translation with ``gettext_noop``); the caller translates them.
Adding a method is one ``VotingMethod`` entry in ``REGISTRY`` plus its tests
(tests/voting/test_methods.py checks every model choice has an entry and recounts).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import chain
from typing import Any, Literal

from voting import explain, formats, tally


def gettext_noop(message: str) -> str:
    """Marks a Dutch message id for translation (makemessages finds this name)."""
    return message


MAX_GRADE = 5
# Stored and published in Dutch (the published files are the record); shown translated.
GRADE_LABELS = (
    gettext_noop("Afwijzen"),
    gettext_noop("Slecht"),
    gettext_noop("Matig"),
    gettext_noop("Voldoende"),
    gettext_noop("Goed"),
    gettext_noop("Uitstekend"),
)
YES_NO_ANSWERS = ("yes", "no", "abstain")
YES_NO_POINTS = {"yes": 2, "no": 1, "abstain": 0}
"""Yes/no ballots are published as points per decision point: 2 yes, 1 no, 0 abstain."""


class Refused(ValueError):
    """A ballot that is not valid: ``message`` is a Dutch message id, ``params`` fill it."""

    def __init__(self, message: str, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.params = dict(params or {})


@dataclass(frozen=True)
class PollSpec:
    """What validating and counting need of a poll, as plain data. ``keys`` are the option
    ids ("1", "2", ...); ``names`` their titles. The last fields are counting choices the
    recount can set; the platform uses their defaults."""

    keys: tuple[str, ...]
    names: Mapping[str, str] = field(default_factory=dict)
    seats: int = 1
    seed: str = ""
    min_choices: int = 0
    max_choices: int | None = None
    budget: tally.Number | None = None
    points: int | None = None
    costs: Mapping[str, tally.Number] = field(default_factory=dict)
    two_thirds: bool = False
    low: int = 0
    high: int = MAX_GRADE
    tied_ranks: tally.TiedRanks = "refuse"
    strength: Literal["winning", "margin"] = "winning"
    utility: Literal["cost", "approval"] = "cost"
    completion: Literal["none", "greedy", "add1"] = "greedy"


# ---------------------------------------------------------------------------------------
# Ballot shapes: checking a choice, and writing it to (and reading it from) a ballot file
# ---------------------------------------------------------------------------------------


def _check_known(keys: Iterable[Any], spec: PollSpec) -> None:
    known = set(spec.keys)
    if any(str(key) not in known for key in keys):
        raise Refused(gettext_noop("Deze stem noemt een optie die niet bij de stemming hoort."))


def _clean_yes_no(spec: PollSpec, choice: Any, method: VotingMethod) -> Any:
    if not isinstance(choice, Mapping):
        raise Refused(gettext_noop("Kies bij elk punt voor, tegen of onthouding."))
    _check_known(choice.keys(), spec)
    answers = {key: choice.get(key) for key in spec.keys}
    if any(answer not in YES_NO_ANSWERS for answer in answers.values()):
        raise Refused(gettext_noop("Kies bij elk punt voor, tegen of onthouding."))
    return answers


def _whole_numbers(spec: PollSpec, choice: Any) -> dict[str, int]:
    if not isinstance(choice, Mapping):
        raise Refused(gettext_noop("Deze stem is niet leesbaar. Vul het formulier opnieuw in."))
    _check_known(choice.keys(), spec)
    values: dict[str, int] = {}
    for key in spec.keys:
        raw = choice.get(key, 0)
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise Refused(gettext_noop("Gebruik alleen hele getallen."))
        values[key] = raw
    return values


def _clean_grades(spec: PollSpec, choice: Any, method: VotingMethod) -> Any:
    values = _whole_numbers(spec, choice)
    if any(not 0 <= value <= MAX_GRADE for value in values.values()):
        raise Refused(gettext_noop("Een cijfer ligt tussen 0 en 5."))
    return values


def _clean_points(spec: PollSpec, choice: Any, method: VotingMethod) -> Any:
    values = _whole_numbers(spec, choice)
    if any(value < 0 for value in values.values()):
        raise Refused(gettext_noop("Punten kunnen niet negatief zijn."))
    total = sum(values.values())
    if spec.points is not None and total > spec.points:
        raise Refused(
            gettext_noop("U verdeelt %(total)s punten, maar u hebt er %(points)s."),
            {"total": total, "points": spec.points},
        )
    if total == 0:
        raise Refused(gettext_noop("Verdeel ten minste één punt."))
    return {key: value for key, value in values.items() if value}


def _picked(spec: PollSpec, choice: Any, ranked: bool) -> list[str]:
    if not isinstance(choice, Sequence) or isinstance(choice, str):
        raise Refused(gettext_noop("Deze stem is niet leesbaar. Vul het formulier opnieuw in."))
    picked = [str(item) for item in choice]
    _check_known(picked, spec)
    if len(set(picked)) != len(picked):
        if ranked:
            raise Refused(gettext_noop("U hebt een optie twee keer in uw rangorde gezet."))
        raise Refused(gettext_noop("U hebt een optie twee keer gekozen."))
    least = max(spec.min_choices, 1 if ranked else 0)
    if len(picked) < least:
        raise Refused(gettext_noop("Kies ten minste %(count)s optie(s)."), {"count": least})
    if spec.max_choices is not None and len(picked) > spec.max_choices:
        raise Refused(gettext_noop("Kies hoogstens %(count)s optie(s)."), {"count": spec.max_choices})
    return picked


def _clean_ranking(spec: PollSpec, choice: Any, method: VotingMethod) -> Any:
    return _picked(spec, choice, ranked=True)


def _clean_choice(spec: PollSpec, choice: Any, method: VotingMethod) -> Any:
    picked = _picked(spec, choice, ranked=False)
    if method.needs_budget:
        total = sum(spec.costs.get(key, 0) for key in picked)
        if spec.budget is not None and total > spec.budget:
            raise Refused(
                gettext_noop("Uw keuze kost € %(total)s, meer dan het budget van € %(budget)s."),
                {"total": f"{total:,}".replace(",", "."), "budget": f"{spec.budget:,}".replace(",", ".")},
            )
    return sorted(picked, key=int)


def _yes_no_from_file(ballot: formats.Ballot) -> Any:
    answers = {points: answer for answer, points in YES_NO_POINTS.items()}
    pairs = dict(ballot)  # type: ignore[arg-type]
    if any(value not in answers for value in pairs.values()):
        raise tally.TallyError("a yes/no ballot holds points other than 2 (yes), 1 (no), 0 (abstain)")
    return {key: answers[value] for key, value in pairs.items()}


@dataclass(frozen=True)
class BallotShape:
    """How a ballot of a family of methods looks, stored (JSON) and in the ballot file."""

    name: Literal["yes_no", "ranking", "choice", "grades", "points"]
    clean: Callable[[PollSpec, Any, VotingMethod], Any]
    to_file: Callable[[Any], formats.Ballot]
    from_file: Callable[[formats.Ballot], Any]


YES_NO = BallotShape(
    "yes_no", _clean_yes_no,
    lambda content: tuple(sorted((key, YES_NO_POINTS[answer]) for key, answer in content.items())),
    _yes_no_from_file,
)
RANKING = BallotShape("ranking", _clean_ranking, lambda content: tuple(content), lambda ballot: list(ballot))  # type: ignore[arg-type]
CHOICE = BallotShape(
    "choice", _clean_choice, lambda content: frozenset(content),
    lambda ballot: sorted(ballot, key=lambda key: (len(key), key)),  # type: ignore[arg-type]
)
GRADES = BallotShape(
    "grades", _clean_grades, lambda content: tuple(sorted(content.items())), lambda ballot: dict(ballot)  # type: ignore[arg-type]
)
POINTS = BallotShape(
    "points", _clean_points, lambda content: tuple(sorted(content.items())), lambda ballot: dict(ballot)  # type: ignore[arg-type]
)


# ---------------------------------------------------------------------------------------
# Counting
# ---------------------------------------------------------------------------------------


def _count_yes_no(spec: PollSpec, ballots: Sequence[Any]) -> tally.Outcome:
    threshold, inclusive = (Fraction(2, 3), True) if spec.two_thirds else (Fraction(1, 2), False)
    return tally.yes_no_points(
        spec.keys, ballots, threshold=threshold, inclusive=inclusive, names=spec.names, seed=spec.seed
    )


def _rankings(ballots: Sequence[Any]) -> list[tuple[tally.RankItem, ...]]:
    rankings = [tuple(b) for b in ballots]
    try:
        # The usual ballot holds only option keys, which one pass in C proves. A tied place
        # read back from JSON is a list (unhashable); only then is each place converted.
        frozenset(chain.from_iterable(rankings))
    except TypeError:
        return [tuple(tuple(item) if isinstance(item, list) else item for item in r) for r in rankings]
    return rankings


def _approvals(ballots: Sequence[Any]) -> list[set[str]]:
    return [set(b) for b in ballots]


def _budget(spec: PollSpec) -> tally.Number:
    return spec.budget or 0


Count = Callable[[PollSpec, Sequence[Any]], tally.Outcome]

_COUNTS: dict[str, Count] = {
    "yes_no": _count_yes_no,
    "approval": lambda s, b: tally.approval(s.keys, _approvals(b), seats=s.seats, seed=s.seed),
    "irv": lambda s, b: tally.irv(s.keys, _rankings(b), seed=s.seed, tied_ranks=s.tied_ranks),
    "stv": lambda s, b: tally.stv(s.keys, _rankings(b), seats=s.seats, seed=s.seed, tied_ranks=s.tied_ranks),
    "schulze": lambda s, b: tally.schulze(s.keys, _rankings(b), seats=s.seats, seed=s.seed, strength=s.strength),
    "borda": lambda s, b: tally.borda(s.keys, _rankings(b), seats=s.seats, seed=s.seed),
    "copeland": lambda s, b: tally.copeland(s.keys, _rankings(b), seats=s.seats, seed=s.seed),
    "score": lambda s, b: tally.score(s.keys, b, low=s.low, high=s.high, seats=s.seats, seed=s.seed),
    "majority_judgment": lambda s, b: tally.majority_judgment(
        s.keys, b, grades=GRADE_LABELS, seats=s.seats, seed=s.seed
    ),
    "dot": lambda s, b: tally.dot_voting(s.keys, b, seats=s.seats, seed=s.seed),
    "budget_greedy": lambda s, b: tally.greedy_budget(dict(s.costs), _budget(s), _approvals(b), seed=s.seed),
    "budget_mes": lambda s, b: tally.method_of_equal_shares(
        dict(s.costs), _budget(s), _approvals(b), seed=s.seed, utility=s.utility, completion=s.completion
    ),
}


# What the results table shows per option: the number that decided.
def _first_round(outcome: Mapping[str, Any]) -> Mapping[str, Any]:
    rounds = outcome["rounds"]
    return rounds[0]["counts"] if rounds else {}


def _pairwise_wins(outcome: Mapping[str, Any]) -> Mapping[str, Any]:
    pairwise = outcome["pairwise"]
    return {
        c: sum(1 for d in pairwise.get(c, {}) if pairwise[c][d] > pairwise[d][c])
        for c in outcome["candidates"]
    }


def _yes_votes(outcome: Mapping[str, Any]) -> Mapping[str, Any]:
    return {key: point["yes"] for key, point in outcome["points"].items()}


# ---------------------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VotingMethod:
    """One voting method. ``key`` is the stored value (``voting.models.Method``),
    ``recount_name`` the name for ``python -m voting.recount --method`` (``aliases`` work
    too, the key always does). ``file_type`` is the published ballot file: PrefLib
    ``soi``/``cat``, Pabulib ``pb``, or ``points``, the tracker-list JSON; ``vote_types``
    are the file vote types the recount accepts for it. ``uses_tied_ranks``: a ranking
    with tied places counts under ``PollSpec.tied_ranks`` (IRV, STV)."""

    key: str
    label: str
    shape: BallotShape
    file_type: Literal["soi", "cat", "pb", "points"]
    vote_type: str
    vote_types: tuple[str, ...]
    recount_name: str
    value_label: str
    aliases: tuple[str, ...] = ()
    min_options: int = 2
    seats_below_options: bool = False
    uses_tied_ranks: bool = False
    needs_budget: bool = False
    needs_points: bool = False
    grade_labels: tuple[str, ...] | None = None
    file_title_note: str = ""
    pabulib_rule: str = ""
    result_values: Callable[[Mapping[str, Any]], Mapping[str, Any]] = lambda outcome: outcome["scores"]
    explainer: explain.Explainer | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the recount accepts for this method."""
        return tuple(dict.fromkeys((self.recount_name, self.key, *self.aliases)))

    def clean(self, spec: PollSpec, choice: Any) -> Any:
        """The canonical stored content of a ballot, or ``Refused`` saying what is wrong."""
        return self.shape.clean(spec, choice, self)

    def count(self, spec: PollSpec, ballots: Sequence[Any]) -> tally.Outcome:
        """Count stored ballot contents (or those read back from the published file)."""
        return _COUNTS[self.key](spec, ballots)

    def stored_result(self, spec: PollSpec, ballots: Sequence[Any]) -> dict[str, Any]:
        """The result as stored (JSON), with its ``explanation`` lines."""
        outcome = self.count(spec, ballots)
        data = outcome.to_dict()
        if self.shape is YES_NO:
            data.pop("tie_breaks", None)  # every point is decided on its own, by no lottery
        data["explanation"] = outcome.explain()
        return data

    def explanation(
        self, stored: Mapping[str, Any], names: Mapping[str, str], words: explain.Words = explain.DUTCH
    ) -> list[explain.Step]:
        """The count explained in words, round by round, from the stored result (its JSON),
        with the options' ``names``; ``words`` translates (Dutch when left out)."""
        if self.explainer is None:
            raise NotImplementedError(f"voting method {self.key} has no explanation")
        return self.explainer(stored, names, words)

    def recount_arguments(self, spec: PollSpec) -> list[str]:
        """The options with which ``python -m voting.recount FILE`` gives the stored result."""
        args = ["--method", self.recount_name, "--seats", str(spec.seats), "--seed", spec.seed]
        if self.shape is YES_NO:
            args += ["--majority", "two_thirds" if spec.two_thirds else "simple"]
        return args


_RANKED = {"file_type": "soi", "vote_type": "ordinal", "vote_types": ("ordinal",)}
_POINTS = {"file_type": "points", "vote_type": "scoring", "vote_types": ("scoring",)}
_BUDGET = {
    "shape": CHOICE, "file_type": "pb", "vote_type": "approval", "vote_types": ("approval",),
    "needs_budget": True, "result_values": lambda outcome: outcome["votes"],
    "value_label": gettext_noop("Stemmen"),
}

REGISTRY: dict[str, VotingMethod] = {
    m.key: m
    for m in (
        VotingMethod(
            "yes_no", gettext_noop("Voor / tegen / onthouding"), YES_NO, recount_name="yes_no",
            aliases=("yesno", "amendments"), value_label=gettext_noop("Stemmen voor"), min_options=1,
            result_values=_yes_votes, file_title_note=" (2 = voor, 1 = tegen, 0 = onthouding)",
            explainer=explain.yes_no,
            **_POINTS,  # type: ignore[arg-type]
        ),
        VotingMethod(
            "approval", gettext_noop("Goedkeuren (meerdere keuzes)"), CHOICE, "cat", "approval",
            ("approval",), "approval", gettext_noop("Goedkeuringen"), explainer=explain.approval,
        ),
        VotingMethod(
            "irv", gettext_noop("Rangschikken (instant runoff)"), RANKING, recount_name="irv",
            value_label=gettext_noop("Eerste voorkeuren"), result_values=_first_round,
            uses_tied_ranks=True, explainer=explain.irv, **_RANKED,  # type: ignore[arg-type]
        ),
        VotingMethod(
            "stv", gettext_noop("Rangschikken, meerdere zetels (STV)"), RANKING, recount_name="stv",
            value_label=gettext_noop("Eerste voorkeuren"), result_values=_first_round,
            seats_below_options=True, uses_tied_ranks=True, explainer=explain.stv, **_RANKED,  # type: ignore[arg-type]
        ),
        VotingMethod(
            "schulze", gettext_noop("Rangschikken (Schulze)"), RANKING, recount_name="schulze",
            value_label=gettext_noop("Gewonnen tweegevechten"), result_values=_pairwise_wins,
            explainer=explain.schulze, **_RANKED,  # type: ignore[arg-type]
        ),
        VotingMethod(
            "borda", gettext_noop("Rangschikken (Borda)"), RANKING, recount_name="borda",
            value_label=gettext_noop("Bordapunten"), explainer=explain.borda, **_RANKED,  # type: ignore[arg-type]
        ),
        VotingMethod(
            "copeland", gettext_noop("Rangschikken (Copeland)"), RANKING, recount_name="copeland",
            value_label=gettext_noop("Copelandscore"), explainer=explain.copeland, **_RANKED,  # type: ignore[arg-type]
        ),
        VotingMethod(
            "score", gettext_noop("Cijfers geven (0-5)"), GRADES, recount_name="score",
            value_label=gettext_noop("Gemiddeld cijfer"), explainer=explain.score, **_POINTS,  # type: ignore[arg-type]
        ),
        VotingMethod(
            "majority_judgment", gettext_noop("Oordelen (majority judgment)"), GRADES,
            recount_name="majority_judgment", aliases=("mj",),
            value_label=gettext_noop("Mediaan oordeel"), grade_labels=GRADE_LABELS,
            result_values=lambda outcome: outcome["medians"], explainer=explain.majority_judgment,
            **_POINTS,  # type: ignore[arg-type]
        ),
        VotingMethod(
            "dot", gettext_noop("Punten verdelen"), POINTS, "points", "cumulative",
            ("cumulative", "scoring"), "dot", gettext_noop("Punten"), needs_points=True,
            explainer=explain.dot,
        ),
        VotingMethod(
            "budget_greedy", gettext_noop("Begroten (meeste stemmen eerst)"), recount_name="greedy",
            pabulib_rule="greedy", explainer=explain.greedy_budget, **_BUDGET,  # type: ignore[arg-type]
        ),
        VotingMethod(
            "budget_mes", gettext_noop("Begroten (gelijke aandelen)"), recount_name="mes",
            aliases=("equalshares",), pabulib_rule="equalshares", explainer=explain.method_of_equal_shares,
            **_BUDGET,  # type: ignore[arg-type]
        ),
    )
}


def get(key: str) -> VotingMethod:
    """The entry of a stored method value; KeyError for an unknown one."""
    return REGISTRY[key]


def by_recount_name(name: str) -> VotingMethod | None:
    """The method a recount name (its name, its key or an alias) stands for."""
    for method in REGISTRY.values():
        if name in method.names:
            return method
    return None


def recount_names() -> tuple[str, ...]:
    """Every name the recount accepts, the main names first."""
    main = [m.recount_name for m in REGISTRY.values()]
    rest = [n for m in REGISTRY.values() for n in m.names if n not in main]
    return tuple(dict.fromkeys(main + rest))


def keys_of(shape: BallotShape) -> frozenset[str]:
    """The stored method values of one ballot shape (e.g. every ranked method)."""
    return frozenset(m.key for m in REGISTRY.values() if m.shape is shape)
