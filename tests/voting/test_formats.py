"""Reading and writing PrefLib, Pabulib and tracker-list files."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
from pabutools.election import parse_pabulib as pabutools_parse
from preflibtools.instances import CategoricalInstance, OrdinalInstance

from voting import formats, tally

DATA = Path(__file__).parent / "data"


def test_reads_strict_incomplete_orders_with_names() -> None:
    election = formats.read_ballot_file(DATA / "wijkraad_2025.soi")
    assert election.data_type == "soi" and election.vote_type == "ordinal"
    assert election.candidates["3"] == "Chaima El Amrani"
    assert dict(election.ballots) == {("1",): 4, ("2", "1"): 3, ("3", "2"): 2, ("4",): 1}
    assert election.title == "Wijkraad Oost 2025, voorzitter"


def test_reads_orders_with_ties() -> None:
    election = formats.read_ballot_file(DATA / "speelplek.toi")
    assert dict(election.ballots)[("1", ("2", "3"))] == 3
    assert election.voters == 8


def test_reads_complete_orders_with_and_without_ties() -> None:
    assert formats.read_ballot_file(DATA / "marktplein.soc").voters == 9
    assert dict(formats.read_ballot_file(DATA / "bankjes.toc").ballots) == {
        ("1", ("2", "3")): 3, (("2", "3"), "1"): 2,
    }


def test_reads_categorical_file_as_approvals_of_the_first_category() -> None:
    election = formats.read_ballot_file(DATA / "groenplan.cat")
    assert election.vote_type == "approval"
    assert dict(election.ballots) == {
        frozenset({"1", "3"}): 3, frozenset({"2"}): 2, frozenset({"1", "2", "3"}): 1, frozenset(): 1,
    }


def test_reads_pabulib_approval_file_with_quoted_names() -> None:
    election = formats.read_ballot_file(DATA / "buurtbudget_2025.pb")
    assert election.budget == 100_000
    assert election.costs == {"1": 50_000, "2": 48_000, "3": 40_000}
    assert election.candidates["3"] == "Leeshoek in de bibliotheek; met koffie"
    assert election.voters == 10


def test_reads_pabulib_cumulative_points() -> None:
    election = formats.read_ballot_file(DATA / "buurtbudget_punten.pb")
    assert election.vote_type == "cumulative"
    assert (("1", 1), ("3", 4)) in dict(election.ballots)


def test_sample_files_are_readable_by_the_reference_tools() -> None:
    assert OrdinalInstance(str(DATA / "wijkraad_2025.soi")).num_voters == 10
    assert OrdinalInstance(str(DATA / "speelplek.toi")).num_voters == 8
    assert sum(CategoricalInstance(str(DATA / "groenplan.cat")).multiplicity.values()) == 7
    instance, profile = pabutools_parse(str(DATA / "buurtbudget_2025.pb"))
    assert instance.budget_limit == 100_000 and len(profile) == 10


def ranked_sample() -> tuple[dict[str, str], list[tuple[str, ...]]]:
    candidates = {"1": "Anouk", "2": "Bram", "3": "Chaima", "4": "Daan"}
    ballots = [("1", "2"), ("2",), ("3", "1", "2", "4"), ("1", "2"), ("4", "3")] * 3
    return candidates, ballots


def test_preflib_round_trip_keeps_every_ballot_and_the_result(tmp_path: Path) -> None:
    candidates, ballots = ranked_sample()
    text = formats.preflib_text(
        data_type="soi", candidates=candidates, ballots=formats.shuffled(ballots, "geheim"),
        title="Proef",
    )
    path = tmp_path / "proef.soi"
    path.write_text(text, encoding="utf-8")
    election = formats.read_ballot_file(path)
    assert Counter(election.expanded()) == Counter(ballots)
    assert election.candidates == candidates
    direct = tally.schulze(list(candidates), ballots, seed="s")
    assert tally.schulze(list(election.candidates), dict(election.ballots), seed="s") == direct
    assert OrdinalInstance(str(path)).num_voters == len(ballots)


def test_written_files_have_no_timestamps_unless_given() -> None:
    candidates, ballots = ranked_sample()
    text = formats.preflib_text(data_type="soi", candidates=candidates, ballots=ballots, title="x")
    assert "# PUBLICATION DATE: \n" in text and "20" not in text.split("# NUMBER")[0]


def test_preflib_writer_demands_numbered_candidates() -> None:
    with pytest.raises(ValueError, match="1"):
        formats.preflib_text(data_type="soi", candidates={"a": "A"}, ballots=[], title="")


def test_cat_round_trip(tmp_path: Path) -> None:
    candidates = {"1": "Bomen", "2": "Bankjes", "3": "Fietsenrek"}
    ballots = [frozenset({"1", "3"}), frozenset({"2"}), frozenset(), frozenset({"1", "3"})]
    text = formats.preflib_text(data_type="cat", candidates=candidates, ballots=ballots, title="Groen")
    election = formats.parse_text(text, ".cat")
    assert Counter(election.expanded()) == Counter(ballots)
    path = tmp_path / "groen.cat"
    path.write_text(text, encoding="utf-8")
    assert sum(CategoricalInstance(str(path)).multiplicity.values()) == 4


def test_pabulib_round_trip_numbers_voters_after_the_shuffle(tmp_path: Path) -> None:
    projects = {"p1": ("Speeltuin", 50_000), "p2": ("Skatebaan; groot", 48_000), "p3": ("Leeshoek", 40_000)}
    ballots = [frozenset({"p1", "p2"})] * 5 + [frozenset({"p3"})] * 4 + [frozenset({"p1"})]
    order = formats.shuffled(ballots, "zout")
    text = formats.pabulib_text(meta={"budget": "100000", "unit": "Voorbeeldstad"}, projects=projects, ballots=order)
    votes = text.split("VOTES\n")[1].splitlines()
    assert votes[0] == "voter_id;vote" and [v.split(";")[0] for v in votes[1:]] == [str(i) for i in range(1, 11)]
    path = tmp_path / "budget.pb"
    path.write_text(text, encoding="utf-8")
    election = formats.read_ballot_file(path)
    assert election.candidates["p2"] == "Skatebaan; groot"
    assert Counter(election.expanded()) == Counter(ballots)
    instance, profile = pabutools_parse(str(path))
    assert len(profile) == 10 and instance.budget_limit == 100_000


def test_pabulib_cumulative_round_trip() -> None:
    projects = {"1": ("Bloembakken", 10_000), "2": ("Lantaarns", 15_000)}
    ballots = [{"1": 3, "2": 2}, {"2": 5}]
    text = formats.pabulib_text(meta={"budget": "20000"}, projects=projects, ballots=ballots, vote_type="cumulative")
    election = formats.parse_text(text, "pb")
    assert Counter(election.expanded()) == Counter([(("1", 3), ("2", 2)), (("2", 5),)])


def test_shuffle_is_a_permutation_fixed_by_its_seed() -> None:
    items = list(range(50))
    assert formats.shuffled(items, "a") == formats.shuffled(items, "a")
    assert sorted(formats.shuffled(items, "a")) == items
    assert formats.shuffled(items, "a") != formats.shuffled(items, "b")


def test_tracker_code_is_deterministic_and_readable() -> None:
    code = formats.tracker_code(b"poll secret", "ballot-7f3a")
    assert code == formats.tracker_code(b"poll secret", "ballot-7f3a")
    assert code != formats.tracker_code(b"other secret", "ballot-7f3a")
    assert len(code) == 14 and code[4] == code[9] == "-"
    assert not set(code) & set("01IO")


def test_tracker_list_finds_a_ballot_and_counts_like_the_preflib_file() -> None:
    candidates, ballots = ranked_sample()
    receipts = [(formats.tracker_code(b"s", f"b{i}"), b) for i, b in enumerate(ballots)]
    receipts = formats.shuffled(receipts, "geheim")
    election = formats.parse_text(
        formats.preflib_text(data_type="soi", candidates=candidates, ballots=[b for _, b in receipts], title="t"),
        "soi",
    )
    listing = formats.tracker_list_text(election, receipts)
    mine = receipts[3]
    assert f'"tracker": "{mine[0]}"' in listing
    from_list = formats.parse_text(listing, ".json")
    assert Counter(from_list.expanded()) == Counter(election.expanded())


def good_soi() -> str:
    return (DATA / "wijkraad_2025.soi").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("mangle", "reason"),
    [
        (lambda t: t.rsplit("\n", 2)[0] + "\n", "truncated"),
        (lambda t: t.replace("3: 2,1", "3: 2,12"), "line 18: names unknown candidate 12"),
        (lambda t: t.replace("3: 2,1", "x: 2,1"), "line 18: count 'x'"),
        (lambda t: t.replace("3: 2,1", "3 2,1"), "line 18: expected 'count: preferences'"),
        (lambda t: t.replace("3: 2,1", "3: 2,2"), "twice"),
        (lambda t: t.replace("3: 2,1", "3: {2,1}"), "ties are not allowed"),
        (lambda t: t.replace("# NUMBER VOTERS: 10", "# NUMBER VOTERS: 11"), "11 voters"),
        (lambda t: t.replace("# ALTERNATIVE NAME 4: Daan Visser\n", ""), "ALTERNATIVE NAME"),
        (lambda t: t.replace("# NUMBER ALTERNATIVES: 4\n", ""), "NUMBER ALTERNATIVES"),
        (lambda t: t.replace("3: 2,1", "3: 2,"), "comma"),
        (lambda t: "", "empty"),
        (lambda t: t.replace("# DATA TYPE: soi", "# DATA TYPE: toi"), "extension says soi"),
    ],
)
def test_malformed_preflib_files_are_refused_with_a_reason(mangle: object, reason: str) -> None:
    with pytest.raises(formats.BallotFileError, match=reason) as error:
        formats.parse_text(mangle(good_soi()), ".soi")  # type: ignore[operator]
    assert error.value.nl and error.value.nl != error.value.en


def good_pb() -> str:
    return (DATA / "buurtbudget_2025.pb").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("mangle", "reason"),
    [
        (lambda t: t.split("VOTES")[0], "VOTES is missing"),
        (lambda t: t.rsplit("\n", 3)[0] + "\n", "num_votes"),
        (lambda t: t.replace("7;3", "7;9"), "line 27: names unknown project 9"),
        (lambda t: t.replace("budget;100000", "budget;veel"), "budget 'veel' is not a number"),
        (lambda t: t.replace("budget;100000\n", ""), "no budget"),
        (lambda t: t.replace("4;1\n", "3;1\n"), "appears twice"),
        (lambda t: t.replace("vote_type;approval", "vote_type;lottery"), "vote_type"),
        (lambda t: t.replace("2;48000;Skatebaan", "2;-5;Skatebaan"), "negative"),
    ],
)
def test_malformed_pabulib_files_are_refused_with_a_reason(mangle: object, reason: str) -> None:
    with pytest.raises(formats.BallotFileError, match=reason):
        formats.parse_text(mangle(good_pb()), ".pb")  # type: ignore[operator]


def test_cumulative_points_must_match_the_votes() -> None:
    text = (DATA / "buurtbudget_punten.pb").read_text(encoding="utf-8").replace("1;1,2;3,2", "1;1,2;3")
    with pytest.raises(formats.BallotFileError, match="differ in length"):
        formats.parse_text(text, ".pb")


def test_unreadable_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(formats.BallotFileError, match="does not exist"):
        formats.read_ballot_file(tmp_path / "weg.soi")
    binary = tmp_path / "kapot.soi"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(formats.BallotFileError, match="UTF-8"):
        formats.read_ballot_file(binary)


def test_budget_with_decimal_comma_is_exact() -> None:
    text = good_pb().replace("budget;100000", "budget;100000,50")
    assert formats.parse_text(text, ".pb").budget == Fraction(200001, 2)
