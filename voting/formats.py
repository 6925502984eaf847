"""Open ballot files: PrefLib (.soi .soc .toi .toc .cat), Pabulib (.pb) and our tracker list.

Reading checks the whole file and raises ``BallotFileError`` with a Dutch and an English
reason (and the line number) instead of a traceback. Writing takes ballots in the order
given: shuffle them first with ``shuffled`` and a secret seed. Files carry no timestamps per
ballot and no voter identities; Pabulib's voter_id is a sequence number after shuffling.
No Django import: ``python -m voting.recount`` runs without a database.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import random
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TypeVar

from samenspel.digits import is_digits
from voting.tally import Number, RankItem

T = TypeVar("T")
Ranking = tuple[RankItem, ...]
Ballot = Ranking | frozenset[str] | tuple[tuple[str, int], ...]
"""A ranking, an approval set, or (candidate, points) pairs sorted by candidate."""

PREFLIB_TYPES = ("soi", "soc", "toi", "toc", "cat")
PABULIB_VOTE_TYPES = ("approval", "ordinal", "cumulative", "scoring")
TRACKER_FORMAT = "samenspel-tracker-list/1"


class BallotFileError(ValueError):
    """A ballot file that cannot be read; ``nl`` and ``en`` say why, ``line`` where."""

    def __init__(self, en: str, nl: str, line: int | None = None) -> None:
        self.line = line
        self.en = f"line {line}: {en}" if line is not None else en
        self.nl = f"regel {line}: {nl}" if line is not None else nl
        super().__init__(self.en)


@dataclass(frozen=True)
class Election:
    """The contents of a ballot file: candidates (id -> name) and grouped ballots."""

    data_type: str
    vote_type: str
    candidates: Mapping[str, str]
    ballots: tuple[tuple[Ballot, int], ...]
    title: str = ""
    budget: Number | None = None
    costs: Mapping[str, Number] = field(default_factory=dict)
    meta: Mapping[str, str] = field(default_factory=dict)

    @property
    def voters(self) -> int:
        return sum(n for _, n in self.ballots)

    def expanded(self) -> list[Ballot]:
        """One entry per voter, in file order."""
        out: list[Ballot] = []
        for ballot, count in self.ballots:
            out.extend([ballot] * count)
        return out


def shuffled(ballots: Sequence[T], seed: str) -> list[T]:
    """A copy in an order drawn from ``seed``. Use a secret random seed and do not publish
    it: the shuffle hides the order in which ballots were cast."""
    out = list(ballots)
    random.Random(seed).shuffle(out)
    return out


def tracker_code(secret: bytes, ballot_key: str) -> str:
    """The receipt a voter sees: HMAC-SHA256(poll secret, ballot key), 12 base-32-ish
    characters in groups of four. The key is the stored ballot's random id."""
    digest = hmac.new(secret, ballot_key.encode(), hashlib.sha256).digest()
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(12):
        number, digit = divmod(number, 32)
        chars.append(alphabet[digit])
    code = "".join(chars)
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


# ---------------------------------------------------------------------------------------
# PrefLib
# ---------------------------------------------------------------------------------------

_HEADER = re.compile(r"#\s*([A-Z][A-Z0-9 ]*?)\s*:\s?(.*)$")


def format_ranking(ranking: Ranking) -> str:
    """PrefLib notation: 1,{2,3},4 (braces hold candidates ranked equal)."""
    return ",".join(
        item if isinstance(item, str) else "{" + ",".join(item) + "}" for item in ranking
    )


def _parse_order(
    text: str, line: int, valid: Mapping[str, str], numeric: bool = True
) -> list[tuple[str, ...]]:
    """'1,{2,3},4' -> [('1',), ('2', '3'), ('4',)]; '{}' is an empty group. PrefLib ids
    are numbers (leading zeros ignored); tracker lists may use any id without , { }."""
    groups: list[tuple[str, ...]] = []
    text = text.replace(" ", "")
    if not text:
        return groups
    i = 0
    while i <= len(text):
        if i < len(text) and text[i] == "{":
            end = text.find("}", i)
            if end < 0:
                raise BallotFileError("unclosed '{'", "'{' zonder '}'", line)
            inner = text[i + 1:end]
            members = tuple(inner.split(",")) if inner else ()
            i = end + 1
        else:
            end = text.find(",", i)
            end = len(text) if end < 0 else end
            members = (text[i:end],)
            i = end
        if numeric:
            for c in members:
                if not is_digits(c):
                    raise BallotFileError(f"bad candidate number {c!r}", f"ongeldig kandidaatnummer {c!r}", line)
            members = tuple(c.lstrip("0") or "0" for c in members)
        for c in members:
            if c not in valid:
                raise BallotFileError(
                    f"names unknown candidate {c}", f"heeft een onbekende kandidaat {c}", line
                )
        groups.append(members)
        if i < len(text):
            if text[i] != ",":
                raise BallotFileError(f"unexpected {text[i]!r}", f"onverwacht teken {text[i]!r}", line)
            i += 1
            if i == len(text):
                raise BallotFileError("ends with a comma", "eindigt op een komma", line)
        else:
            break
    return groups


def _int_header(headers: Mapping[str, tuple[str, int]], key: str) -> int:
    if key not in headers:
        raise BallotFileError(f"header '# {key}' is missing", f"kopregel '# {key}' ontbreekt")
    value, line = headers[key]
    if not is_digits(value.strip()):
        raise BallotFileError(f"'# {key}' is not a number", f"'# {key}' is geen getal", line)
    return int(value)


def parse_preflib(text: str, data_type: str | None = None) -> Election:
    """Read a PrefLib file of type soi, soc, toi, toc or cat (the current '#' header form)."""
    headers: dict[str, tuple[str, int]] = {}
    names: dict[str, str] = {}
    categories: dict[int, str] = {}
    body: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if body:
                raise BallotFileError("header line after the ballots", "kopregel na de stemmen", number)
            match = _HEADER.match(line)
            if not match:
                raise BallotFileError("unreadable header line", "onleesbare kopregel", number)
            key, value = match.group(1), match.group(2).strip()
            if key.startswith("ALTERNATIVE NAME "):
                names[key.removeprefix("ALTERNATIVE NAME ").strip()] = value
            elif key.startswith("CATEGORY NAME "):
                categories[int(key.removeprefix("CATEGORY NAME ").strip() or 0)] = value
            else:
                headers[key] = (value, number)
        else:
            body.append((number, line))
    declared = headers.get("DATA TYPE", ("", 0))[0].lower()
    kind = declared or (data_type or "")
    if kind not in PREFLIB_TYPES:
        raise BallotFileError(
            f"unknown or missing PrefLib data type {kind!r}", f"onbekend of ontbrekend PrefLib-gegevenstype {kind!r}"
        )
    if data_type and declared and data_type != declared:
        raise BallotFileError(
            f"file extension says {data_type} but '# DATA TYPE' says {declared}",
            f"de extensie zegt {data_type} maar '# DATA TYPE' zegt {declared}",
        )
    m = _int_header(headers, "NUMBER ALTERNATIVES")
    voters = _int_header(headers, "NUMBER VOTERS")
    unique_key = "NUMBER UNIQUE PREFERENCES" if kind == "cat" else "NUMBER UNIQUE ORDERS"
    unique = _int_header(headers, unique_key)
    expected_ids = [str(i) for i in range(1, m + 1)]
    if sorted(names, key=lambda k: (len(k), k)) != expected_ids:
        raise BallotFileError(
            f"expected '# ALTERNATIVE NAME 1' to '# ALTERNATIVE NAME {m}'",
            f"verwacht '# ALTERNATIVE NAME 1' tot en met '# ALTERNATIVE NAME {m}'",
        )
    candidates = {i: names[i] for i in expected_ids}
    n_categories = _int_header(headers, "NUMBER CATEGORIES") if kind == "cat" else 0
    ballots: Counter[Ballot] = Counter()
    total = 0
    for number, line in body:
        count_text, sep, order_text = line.partition(":")
        if not sep:
            raise BallotFileError("expected 'count: preferences'", "verwacht 'aantal: voorkeuren'", number)
        if not is_digits(count_text.strip()) or int(count_text) < 1:
            raise BallotFileError(
                f"count {count_text.strip()!r} is not a positive number",
                f"aantal {count_text.strip()!r} is geen positief getal", number,
            )
        groups = _parse_order(order_text, number, candidates)
        flat = [c for g in groups for c in g]
        if len(set(flat)) != len(flat):
            raise BallotFileError("names a candidate twice", "noemt een kandidaat twee keer", number)
        ballot: Ballot
        if kind == "cat":
            if len(groups) > n_categories:
                raise BallotFileError(
                    f"has {len(groups)} categories, header says {n_categories}",
                    f"heeft {len(groups)} categorieën, de kop zegt {n_categories}", number,
                )
            ballot = frozenset(groups[0]) if groups else frozenset()
        else:
            if any(len(g) == 0 for g in groups):
                raise BallotFileError("empty '{}' in an order", "lege '{}' in een volgorde", number)
            if kind in ("soi", "soc") and any(len(g) > 1 for g in groups):
                raise BallotFileError(
                    f"ties are not allowed in .{kind}", f"gelijke plaatsen mogen niet in .{kind}", number
                )
            if kind in ("soc", "toc") and len(flat) != m:
                raise BallotFileError(
                    f"a complete order (.{kind}) must rank all {m} candidates",
                    f"een volledige volgorde (.{kind}) moet alle {m} kandidaten bevatten", number,
                )
            ballot = tuple(g[0] if len(g) == 1 else g for g in groups)
        ballots[ballot] += int(count_text)
        total += int(count_text)
    if len(body) != unique:
        raise BallotFileError(
            f"header says {unique} lines of ballots, the file has {len(body)} (truncated?)",
            f"de kop zegt {unique} stemregels, het bestand heeft er {len(body)} (afgekapt?)",
        )
    if total != voters:
        raise BallotFileError(
            f"header says {voters} voters, the lines add up to {total}",
            f"de kop zegt {voters} kiezers, de regels tellen op tot {total}",
        )
    vote_type = "approval" if kind == "cat" else "ordinal"
    meta = {k: v for k, (v, _) in headers.items()}
    if categories:
        meta["CATEGORIES"] = ", ".join(categories[k] for k in sorted(categories))
    return Election(kind, vote_type, candidates, tuple(ballots.items()),
                    title=headers.get("TITLE", ("", 0))[0], meta=meta)


def preflib_text(
    *,
    data_type: str,
    candidates: Mapping[str, str],
    ballots: Sequence[Ranking] | Sequence[frozenset[str]],
    title: str,
    file_name: str = "",
    description: str = "",
    publication_date: str = "",
) -> str:
    """A PrefLib file. Candidate ids must be "1".."m" (PrefLib numbers them so); count with
    the same ids so the recount's lottery matches. Identical ballots share a line, lines
    by descending count, ties in the order the (shuffled) ballots first show them."""
    if data_type not in PREFLIB_TYPES:
        raise ValueError(f"unknown PrefLib data type {data_type!r}")
    ids = list(candidates)
    if ids != [str(i) for i in range(1, len(ids) + 1)]:
        raise ValueError('PrefLib candidate ids must be "1", "2", ... in order')
    counts: Counter[str] = Counter()
    for ballot in ballots:
        if data_type == "cat":
            approved = sorted((str(c) for c in ballot), key=int)
            rest = [c for c in ids if c not in set(approved)]
            line = "{" + ",".join(approved) + "},{" + ",".join(rest) + "}"
        else:
            line = format_ranking(ballot)  # type: ignore[arg-type]
        counts[line] += 1
    lines = sorted(counts, key=lambda k: -counts[k])  # stable: first appearance breaks ties
    unique_key = "NUMBER UNIQUE PREFERENCES" if data_type == "cat" else "NUMBER UNIQUE ORDERS"
    head = [
        f"# FILE NAME: {file_name}",
        f"# TITLE: {title}",
        f"# DESCRIPTION: {description}",
        f"# DATA TYPE: {data_type}",
        "# MODIFICATION TYPE: original",
        "# RELATES TO: ",
        "# RELATED FILES: ",
        f"# PUBLICATION DATE: {publication_date}",
        f"# MODIFICATION DATE: {publication_date}",
        f"# NUMBER ALTERNATIVES: {len(ids)}",
        f"# NUMBER VOTERS: {len(ballots)}",
        f"# {unique_key}: {len(lines)}",
    ]
    if data_type == "cat":
        head += ["# NUMBER CATEGORIES: 2", "# CATEGORY NAME 1: approved", "# CATEGORY NAME 2: not approved"]
    head += [f"# ALTERNATIVE NAME {i}: {_one_line(candidates[i])}" for i in ids]
    return "\n".join(head + [f"{counts[k]}: {k}" for k in lines]) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------------------------------
# Pabulib
# ---------------------------------------------------------------------------------------


def _number(text: str, what_en: str, what_nl: str, line: int) -> Number:
    cleaned = text.strip().replace(",", ".")
    try:
        value = Fraction(cleaned)
    except (ValueError, ZeroDivisionError):
        raise BallotFileError(f"{what_en} {text.strip()!r} is not a number",
                              f"{what_nl} {text.strip()!r} is geen getal", line) from None
    if value < 0:
        raise BallotFileError(f"{what_en} is negative", f"{what_nl} is negatief", line)
    return value.numerator if value.denominator == 1 else value


def parse_pabulib(text: str) -> Election:
    """Read a Pabulib .pb file: META, PROJECTS and VOTES sections, ';'-separated CSV."""
    sections: dict[str, list[tuple[int, list[str]]]] = {}
    current: str | None = None
    reader = csv.reader(io.StringIO(text), delimiter=";")
    for row in reader:
        number = reader.line_num
        cells = [c.strip() for c in row]
        if not cells or all(not c for c in cells):
            continue
        title = cells[0].upper()
        if len(cells) == 1 and title in ("META", "PROJECTS", "VOTES"):
            if title in sections:
                raise BallotFileError(f"second {title} section", f"tweede {title}-sectie", number)
            current = title
            sections[title] = []
            continue
        if current is None:
            raise BallotFileError("expected META", "verwacht META", number)
        sections[current].append((number, cells))
    for name in ("META", "PROJECTS", "VOTES"):
        if name not in sections:
            raise BallotFileError(f"section {name} is missing (truncated?)", f"sectie {name} ontbreekt (afgekapt?)")
        if not sections[name]:
            raise BallotFileError(f"section {name} has no header line", f"sectie {name} heeft geen kopregel")

    meta: dict[str, str] = {}
    for number, cells in sections["META"][1:]:
        if len(cells) < 2:
            raise BallotFileError("expected 'key;value'", "verwacht 'sleutel;waarde'", number)
        meta[cells[0]] = cells[1]
    if "budget" not in meta:
        raise BallotFileError("META has no budget", "META heeft geen budget")
    budget = _number(meta["budget"], "budget", "budget", sections["META"][0][0])
    vote_type = meta.get("vote_type", "approval")
    if vote_type not in PABULIB_VOTE_TYPES:
        raise BallotFileError(f"unknown vote_type {vote_type!r}", f"onbekend vote_type {vote_type!r}")

    head_line, head = sections["PROJECTS"][0]
    if "project_id" not in head or "cost" not in head:
        raise BallotFileError("PROJECTS needs project_id and cost columns",
                              "PROJECTS heeft kolommen project_id en cost nodig", head_line)
    pid, pcost = head.index("project_id"), head.index("cost")
    pname = head.index("name") if "name" in head else None
    candidates: dict[str, str] = {}
    costs: dict[str, Number] = {}
    for number, cells in sections["PROJECTS"][1:]:
        if len(cells) != len(head):
            raise BallotFileError(f"has {len(cells)} fields, the header {len(head)}",
                                  f"heeft {len(cells)} velden, de kop {len(head)}", number)
        project = cells[pid]
        if not project or project in candidates:
            raise BallotFileError(f"project id {project!r} is empty or repeated",
                                  f"project-id {project!r} is leeg of dubbel", number)
        costs[project] = _number(cells[pcost], "cost", "kosten", number)
        candidates[project] = cells[pname] if pname is not None else project

    head_line, head = sections["VOTES"][0]
    if "voter_id" not in head or "vote" not in head:
        raise BallotFileError("VOTES needs voter_id and vote columns",
                              "VOTES heeft kolommen voter_id en vote nodig", head_line)
    vid, vvote = head.index("voter_id"), head.index("vote")
    vpoints = head.index("points") if "points" in head else None
    if vote_type in ("cumulative", "scoring") and vpoints is None:
        raise BallotFileError(f"{vote_type} votes need a points column",
                              f"{vote_type}-stemmen hebben een kolom points nodig", head_line)
    seen_voters: set[str] = set()
    ballots: Counter[Ballot] = Counter()
    for number, cells in sections["VOTES"][1:]:
        if len(cells) != len(head):
            raise BallotFileError(f"has {len(cells)} fields, the header {len(head)}",
                                  f"heeft {len(cells)} velden, de kop {len(head)}", number)
        if cells[vid] in seen_voters:
            raise BallotFileError(f"voter_id {cells[vid]} appears twice",
                                  f"voter_id {cells[vid]} komt twee keer voor", number)
        seen_voters.add(cells[vid])
        chosen = [p.strip() for p in cells[vvote].split(",")] if cells[vvote] else []
        for p in chosen:
            if p not in candidates:
                raise BallotFileError(f"names unknown project {p}", f"heeft een onbekend project {p}", number)
        if len(set(chosen)) != len(chosen):
            raise BallotFileError("names a project twice", "noemt een project twee keer", number)
        ballot: Ballot
        if vote_type == "approval":
            ballot = frozenset(chosen)
        elif vote_type == "ordinal":
            ballot = tuple(chosen)
        else:
            assert vpoints is not None
            raw_points = [p.strip() for p in cells[vpoints].split(",")] if cells[vpoints] else []
            if len(raw_points) != len(chosen):
                raise BallotFileError("vote and points differ in length",
                                      "vote en points verschillen in lengte", number)
            points = []
            for p in raw_points:
                value = _number(p, "points", "punten", number)
                if not isinstance(value, int):
                    raise BallotFileError(f"points {p!r} are not whole", f"punten {p!r} zijn niet heel", number)
                points.append(value)
            ballot = tuple(sorted(zip(chosen, points, strict=True)))
        ballots[ballot] += 1
    for key, actual, nl in (("num_projects", len(candidates), "projecten"),
                            ("num_votes", len(seen_voters), "stemmen")):
        if key in meta and is_digits(meta[key]) and int(meta[key]) != actual:
            raise BallotFileError(
                f"META says {key} {meta[key]}, the file has {actual} (truncated?)",
                f"META zegt {meta[key]} {nl}, het bestand heeft er {actual} (afgekapt?)",
            )
    title = meta.get("description", "")
    return Election("pb", vote_type, candidates, tuple(ballots.items()), title, budget, costs, meta)


def pabulib_text(
    *,
    meta: Mapping[str, str],
    projects: Mapping[str, tuple[str, Number]],
    ballots: Sequence[Ranking] | Sequence[frozenset[str]] | Sequence[Mapping[str, int]],
    vote_type: str = "approval",
) -> str:
    """A Pabulib file. ``projects`` maps project_id -> (name, cost); ``ballots`` are in the
    order given (shuffle first). voter_id is 1, 2, ... in that order and is linked to no
    person. ``meta`` must hold budget; the other required keys get neutral defaults."""
    if vote_type not in PABULIB_VOTE_TYPES:
        raise ValueError(f"unknown vote type {vote_type!r}")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    full = {
        "description": "", "country": "Netherlands", "unit": "", "instance": "",
        "num_projects": str(len(projects)), "num_votes": str(len(ballots)),
        "vote_type": vote_type, "rule": "greedy", **meta,
    }
    full["num_projects"], full["num_votes"] = str(len(projects)), str(len(ballots))
    full["vote_type"] = vote_type
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    for key, value in full.items():
        writer.writerow([key, _one_line(str(value))])
    writer.writerow(["PROJECTS"])
    writer.writerow(["project_id", "cost", "name"])
    for pid, (name, cost) in projects.items():
        writer.writerow([pid, str(cost), _one_line(name)])
    writer.writerow(["VOTES"])
    points = vote_type in ("cumulative", "scoring")
    writer.writerow(["voter_id", "vote", "points"] if points else ["voter_id", "vote"])
    order = list(projects)
    for number, ballot in enumerate(ballots, 1):
        if isinstance(ballot, Mapping):
            items = [(p, ballot[p]) for p in order if p in ballot]
            writer.writerow([number, ",".join(p for p, _ in items), ",".join(str(v) for _, v in items)])
        elif isinstance(ballot, frozenset | set):
            writer.writerow([number, ",".join(p for p in order if p in ballot)])
        else:
            writer.writerow([number, ",".join(str(p) for p in ballot)])
    return out.getvalue()


# ---------------------------------------------------------------------------------------
# Tracker list
# ---------------------------------------------------------------------------------------


def _ballot_text(ballot: Ballot, vote_type: str) -> str:
    if isinstance(ballot, frozenset):
        return ",".join(sorted(ballot, key=lambda c: (len(c), c)))
    if vote_type in ("cumulative", "scoring"):
        return ",".join(f"{pair[0]}:{pair[1]}" for pair in ballot)
    return format_ranking(ballot)  # type: ignore[arg-type]


def tracker_list_text(
    election: Election, receipts: Iterable[tuple[str, Ballot]]
) -> str:
    """JSON published next to the ballot file: (tracker code, ballot) pairs in the order
    given (shuffle first), with the candidates, so it can be recounted on its own."""
    rows = [{"tracker": code, "ballot": _ballot_text(b, election.vote_type)} for code, b in receipts]
    data: dict[str, object] = {
        "format": TRACKER_FORMAT,
        "data_type": election.data_type,
        "vote_type": election.vote_type,
        "title": election.title,
        "candidates": dict(election.candidates),
        "ballots": rows,
    }
    if election.budget is not None:
        data["budget"] = str(election.budget)
        data["costs"] = {k: str(v) for k, v in election.costs.items()}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def parse_tracker_list(text: str) -> Election:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BallotFileError(f"not valid JSON ({error.msg})", f"geen geldige JSON ({error.msg})", error.lineno) from None
    if not isinstance(data, dict) or data.get("format") != TRACKER_FORMAT:
        raise BallotFileError(f"not a tracker list ({TRACKER_FORMAT})", f"geen trackerlijst ({TRACKER_FORMAT})")
    try:
        candidates = {str(k): str(v) for k, v in data["candidates"].items()}
        vote_type = str(data["vote_type"])
        rows = list(data["ballots"])
    except (KeyError, AttributeError, TypeError):
        raise BallotFileError("candidates, vote_type or ballots missing",
                              "candidates, vote_type of ballots ontbreekt") from None
    ballots: Counter[Ballot] = Counter()
    codes: set[str] = set()
    for index, row in enumerate(rows, 1):
        if not isinstance(row, dict) or "tracker" not in row or "ballot" not in row:
            raise BallotFileError(f"ballot {index} lacks tracker or ballot",
                                  f"stem {index} mist tracker of ballot")
        if row["tracker"] in codes:
            raise BallotFileError(f"tracker {row['tracker']} appears twice", f"tracker {row['tracker']} komt twee keer voor")
        codes.add(row["tracker"])
        text_ballot = str(row["ballot"])
        ballot: Ballot
        if vote_type in ("cumulative", "scoring"):
            pairs = []
            for part in filter(None, text_ballot.split(",")):
                c, _, p = part.partition(":")
                if c not in candidates or not is_digits(p):
                    raise BallotFileError(f"ballot {index}: bad entry {part!r}", f"stem {index}: ongeldig {part!r}")
                pairs.append((c, int(p)))
            ballot = tuple(sorted(pairs))
        else:
            try:
                groups = _parse_order(text_ballot, index, candidates, numeric=False)
            except BallotFileError as error:
                raise BallotFileError(error.en.replace("line", "ballot", 1),
                                      error.nl.replace("regel", "stem", 1)) from None
            if vote_type == "approval":
                ballot = frozenset(c for g in groups for c in g)
            else:
                ballot = tuple(g[0] if len(g) == 1 else g for g in groups)
        ballots[ballot] += 1
    budget = costs = None
    if "budget" in data:
        budget = _number(str(data["budget"]), "budget", "budget", 0)
        costs = {k: _number(str(v), "cost", "kosten", 0) for k, v in dict(data.get("costs", {})).items()}
    return Election(str(data.get("data_type", "")), vote_type, candidates, tuple(ballots.items()),
                    str(data.get("title", "")), budget, costs or {})


# ---------------------------------------------------------------------------------------
# Any file
# ---------------------------------------------------------------------------------------


def parse_text(text: str, extension: str = "") -> Election:
    """Parse by extension when it is known, else by content."""
    ext = extension.lower().lstrip(".")
    start = text.lstrip()
    if not start:
        raise BallotFileError("the file is empty", "het bestand is leeg")
    if ext in PREFLIB_TYPES:
        return parse_preflib(text, ext)
    if ext == "pb" or start[:4].upper() == "META":
        return parse_pabulib(text)
    if ext == "json" or start.startswith("{"):
        return parse_tracker_list(text)
    if start.startswith("#"):
        return parse_preflib(text)
    raise BallotFileError("not a PrefLib, Pabulib or tracker-list file",
                          "geen PrefLib-, Pabulib- of trackerlijstbestand")


def read_ballot_file(path: str | Path) -> Election:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise BallotFileError(f"file {path} does not exist", f"bestand {path} bestaat niet") from None
    except OSError as error:
        raise BallotFileError(f"cannot read {path} ({error.strerror})", f"kan {path} niet lezen ({error.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BallotFileError("file is not UTF-8 text", "bestand is geen UTF-8-tekst") from None
    return parse_text(text, path.suffix)
