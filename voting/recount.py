"""Recount a published ballot file without a database.

    python -m voting.recount FILE --method METHOD [--seats N] [--budget B] [--seed S] [--json]

FILE is PrefLib (.soi .soc .toi .toc .cat), Pabulib (.pb) or a tracker list (.json);
METHOD is any name in voting.methods (docs/voting.md lists them). A ranking with tied
places (.toi .toc) counts in IRV and STV under ``--tied-ranks exhaust`` (the default) or
``skip``.
Exits 0 with the result, 2 with a one-line reason (Dutch, then English) otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from fractions import Fraction
from typing import NoReturn

from voting import methods, tally
from voting.formats import BallotFileError, Election, read_ballot_file


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
    parser.add_argument("--method", required=True, help=", ".join(methods.recount_names()))
    parser.add_argument("--seats", type=int, default=1, help="seats (stv, ranking methods, approval)")
    parser.add_argument("--budget", help="budget for greedy / mes (default: from the .pb file)")
    parser.add_argument("--seed", default="", help="seed of the tie lottery, as published with the result")
    parser.add_argument("--utility", choices=("cost", "approval"), default="cost", help="mes utility")
    parser.add_argument("--completion", choices=("none", "greedy", "add1"), default="greedy",
                        help="mes completion")
    parser.add_argument("--strength", choices=("winning", "margin"), default="winning",
                        help="schulze link strength")
    parser.add_argument("--majority", choices=("simple", "two_thirds"), default="simple",
                        help="yes_no: more than half (simple) or at least two thirds of yes + no")
    parser.add_argument("--tied-ranks", choices=("exhaust", "skip"), default="exhaust",
                        help="irv / stv: a ballot's tied place exhausts it (default) or is skipped")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser


def count(election: Election, args: argparse.Namespace) -> tally.Outcome:
    """Run the requested method (voting.methods) on the file's ballots."""
    method = methods.by_recount_name(args.method)
    if method is None:
        names = ", ".join(methods.recount_names())
        raise RecountError(f"onbekende methode {args.method!r} (kies uit {names})",
                           f"unknown method {args.method!r} (choose from {names})")
    if election.vote_type not in method.vote_types:
        raise RecountError(
            f"methode {args.method} past niet bij stemmen van het type {election.vote_type}",
            f"method {args.method} does not fit {election.vote_type} votes",
        )
    budget = None
    if method.needs_budget:
        if set(election.costs) != set(election.candidates):
            raise RecountError("dit bestand heeft geen projectkosten (gebruik een .pb-bestand)",
                               "this file has no project costs (use a .pb file)")
        budget = _budget(args.budget, election)
    ballots = [method.shape.from_file(ballot) for ballot in election.expanded()]
    low, high = 0, methods.MAX_GRADE
    if method.key == "score":
        low = int(election.meta.get("min_points", "0") or 0)
        high = int(election.meta.get("max_points", "0") or 0) or max(
            (v for b in ballots for v in b.values()), default=0)
    spec = methods.PollSpec(
        keys=tuple(election.candidates),
        names=dict(election.candidates),
        seats=args.seats,
        seed=args.seed,
        budget=budget,
        costs=dict(election.costs),
        two_thirds=args.majority == "two_thirds",
        low=low,
        high=high,
        tied_ranks=args.tied_ranks,
        strength=args.strength,
        utility=args.utility,
        completion=args.completion,
    )
    return method.count(spec, ballots)


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


def render_text(path: str, election: Election, outcome: tally.Outcome, tied_ranks: str = "") -> str:
    lines = [
        f"Bestand / File: {path} ({election.data_type}, {election.voters} ballots, "
        f"{len(election.candidates)} candidates)",
        f"Titel / Title: {election.title}" if election.title else "",
        f"Methode / Method: {outcome.method}; lottery seed {outcome.seed!r}",
        f"Gelijke plaatsen / Tied ranks: {tied_ranks}" if tied_ranks else "",
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
    # Only a ranking with a tied place, counted by IRV or STV, depends on the rule.
    method = methods.by_recount_name(args.method)
    tied = method is not None and method.uses_tied_ranks and any(
        not isinstance(item, str) for ballot, _n in election.ballots for item in ballot  # type: ignore[union-attr]
    )
    if args.json:
        data = {
            "file": args.file,
            "data_type": election.data_type,
            **outcome.to_dict(),
            "names": dict(election.candidates),
        }
        if tied:
            data["tied_ranks"] = args.tied_ranks
        print(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        sys.stdout.write(render_text(args.file, election, outcome, args.tied_ranks if tied else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
