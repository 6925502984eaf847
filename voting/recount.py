"""Recount a published ballot file without a database.

    python -m voting.recount FILE --method METHOD [--seats N] [--budget B] [--seed S] [--json]

FILE is PrefLib (.soi .soc .toi .toc .cat), Pabulib (.pb) or a tracker list (.json).
Exits 0 with the result, 2 with a one-line reason (Dutch, then English) otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from fractions import Fraction
from typing import NoReturn

from voting import tally
from voting.formats import BallotFileError, Election, read_ballot_file

RANKED = ("irv", "stv", "schulze", "borda", "copeland")
BUDGET = ("greedy", "mes")
METHODS = RANKED + ("approval",) + BUDGET + ("score", "dot")
FITS = {
    "ordinal": RANKED,
    "approval": ("approval",) + BUDGET,
    "cumulative": ("dot",),
    "scoring": ("score", "dot"),
}


class RecountError(Exception):
    def __init__(self, nl: str, en: str) -> None:
        super().__init__(en)
        self.nl, self.en = nl, en


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise RecountError(f"ongeldige opdracht ({message})", f"invalid command line ({message})")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m voting.recount", description=__doc__.split("\n\n")[0])
    parser.add_argument("file", help="PrefLib, Pabulib or tracker-list file")
    parser.add_argument("--method", required=True, help=", ".join(METHODS))
    parser.add_argument("--seats", type=int, default=1, help="seats (stv, ranking methods, approval)")
    parser.add_argument("--budget", help="budget for greedy / mes (default: from the .pb file)")
    parser.add_argument("--seed", default="", help="seed of the tie lottery, as published with the result")
    parser.add_argument("--utility", choices=("cost", "approval"), default="cost", help="mes utility")
    parser.add_argument("--completion", choices=("none", "greedy", "add1"), default="greedy",
                        help="mes completion")
    parser.add_argument("--strength", choices=("winning", "margin"), default="winning",
                        help="schulze link strength")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser


def count(election: Election, args: argparse.Namespace) -> tally.Outcome:
    """Run the requested method on the file's ballots."""
    method = args.method
    if method not in METHODS:
        raise RecountError(f"onbekende methode {method!r} (kies uit {', '.join(METHODS)})",
                           f"unknown method {method!r} (choose from {', '.join(METHODS)})")
    if method not in FITS.get(election.vote_type, ()):
        raise RecountError(
            f"methode {method} past niet bij stemmen van het type {election.vote_type}",
            f"method {method} does not fit {election.vote_type} votes",
        )
    cands = list(election.candidates)
    seed = args.seed
    grouped = dict(election.ballots)
    if method == "irv":
        return tally.irv(cands, grouped, seed=seed)  # type: ignore[arg-type]
    if method == "stv":
        return tally.stv(cands, grouped, seats=args.seats, seed=seed)  # type: ignore[arg-type]
    if method == "schulze":
        return tally.schulze(cands, grouped, seats=args.seats, seed=seed, strength=args.strength)  # type: ignore[arg-type]
    if method == "borda":
        return tally.borda(cands, grouped, seats=args.seats, seed=seed)  # type: ignore[arg-type]
    if method == "copeland":
        return tally.copeland(cands, grouped, seats=args.seats, seed=seed)  # type: ignore[arg-type]
    ballots = election.expanded()
    if method == "approval":
        return tally.approval(cands, ballots, seats=args.seats, seed=seed)  # type: ignore[arg-type]
    if method in ("score", "dot"):
        points = [dict(b) for b in ballots]  # type: ignore[arg-type]
        if method == "dot":
            return tally.dot_voting(cands, points, seats=args.seats, seed=seed)
        low = int(election.meta.get("min_points", "0") or 0)
        high = int(election.meta.get("max_points", "0") or 0) or max(
            (v for b in points for v in b.values()), default=0)
        return tally.score(cands, points, low=low, high=high, seats=args.seats, seed=seed)
    costs = dict(election.costs)
    if set(costs) != set(cands):
        raise RecountError("dit bestand heeft geen projectkosten (gebruik een .pb-bestand)",
                           "this file has no project costs (use a .pb file)")
    budget = _budget(args.budget, election)
    if method == "greedy":
        return tally.greedy_budget(costs, budget, ballots, seed=seed)  # type: ignore[arg-type]
    return tally.method_of_equal_shares(
        costs, budget, ballots, seed=seed, utility=args.utility, completion=args.completion,  # type: ignore[arg-type]
    )


def _budget(text: str | None, election: Election) -> tally.Number:
    if text is None:
        if election.budget is None:
            raise RecountError("geen budget: geef --budget op", "no budget: pass --budget")
        return election.budget
    try:
        value = Fraction(text.replace(",", "."))
    except (ValueError, ZeroDivisionError):
        raise RecountError(f"budget {text!r} is geen getal", f"budget {text!r} is not a number") from None
    return value.numerator if value.denominator == 1 else value


def _label(election: Election, candidate: str) -> str:
    name = election.candidates.get(candidate, candidate)
    return candidate if name == candidate else f"{name} [{candidate}]"


def render_text(path: str, election: Election, outcome: tally.Outcome) -> str:
    lines = [
        f"Bestand / File: {path} ({election.data_type}, {election.voters} ballots, "
        f"{len(election.candidates)} candidates)",
        f"Titel / Title: {election.title}" if election.title else "",
        f"Methode / Method: {outcome.method}; lottery seed {outcome.seed!r}",
        "Winnaars / Winners: " + "; ".join(_label(election, c) for c in outcome.winners),
    ]
    if outcome.ranking is not None:
        lines.append("Rangorde / Ranking:")
        lines += [f"  {i}. {_label(election, c)}" for i, c in enumerate(outcome.ranking, 1)]
    lines.append("Uitleg / Explanation:")
    lines += [f"  {line}" for line in outcome.explain()]
    return "\n".join(line for line in lines if line) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        election = read_ballot_file(args.file)
        outcome = count(election, args)
    except BallotFileError as error:
        print(f"Fout: {error.nl} / Error: {error.en}", file=sys.stderr)
        return 2
    except RecountError as error:
        print(f"Fout: {error.nl} / Error: {error.en}", file=sys.stderr)
        return 2
    except tally.TallyError as error:
        print(f"Fout: telling niet mogelijk ({error}) / Error: cannot count ({error})", file=sys.stderr)
        return 2
    if args.json:
        data = {
            "file": args.file,
            "data_type": election.data_type,
            **outcome.to_dict(),
            "names": dict(election.candidates),
        }
        print(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        sys.stdout.write(render_text(args.file, election, outcome))
    return 0


if __name__ == "__main__":
    sys.exit(main())
