"""The recount command, run as a separate process the way an auditor would run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from voting import formats, tally

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[2]


def recount(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "voting.recount", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=60, check=False,
    )


def recount_json(*args: str) -> dict[str, object]:
    done = recount(*args, "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert isinstance(data, dict)
    return data


def test_irv_recount_prints_winner_ranking_and_rounds() -> None:
    done = recount(str(DATA / "wijkraad_2025.soi"), "--method", "irv")
    assert done.returncode == 0, done.stderr
    assert "Winnaars / Winners: Bram Jansen [2]" in done.stdout
    assert "1. Bram Jansen [2]" in done.stdout and "2. Anouk de Vries [1]" in done.stdout
    assert "Round 1: 1 4, 2 3, 3 2, 4 1; exhausted 0" in done.stdout
    assert "eliminated 4" in done.stdout


def test_schulze_recount_of_a_cycle_as_json() -> None:
    data = recount_json(str(DATA / "marktplein.soc"), "--method", "schulze")
    assert data["winners"] == ["1"] and data["ranking"] == ["1", "2", "3"]
    assert data["strongest_paths"] == {"1": {"2": 6, "3": 6}, "2": {"1": 5, "3": 7}, "3": {"1": 5, "2": 5}}
    assert data["names"] == {"1": "Markt", "2": "Park", "3": "Haven"}


def test_orders_with_ties_recount_with_pairwise_methods() -> None:
    assert recount_json(str(DATA / "speelplek.toi"), "--method", "copeland")["winners"] == ["3"]
    assert recount_json(str(DATA / "bankjes.toc"), "--method", "borda")["scores"] == {"1": 6, "2": 2, "3": 2}


def test_approval_recount_records_the_lottery() -> None:
    data = recount_json(str(DATA / "groenplan.cat"), "--method", "approval", "--seed", "raad-2025")
    assert data["scores"] == {"1": 4, "2": 3, "3": 4, "4": 0}
    assert data["winners"] == [tally.lottery_order("raad-2025", ["1", "3"])[0]]
    ties = data["tie_breaks"]
    assert isinstance(ties, list) and ties[0]["decides_winner"] is True


def test_budget_recounts_greedy_and_equal_shares() -> None:
    greedy = recount_json(str(DATA / "buurtbudget_2025.pb"), "--method", "greedy")
    mes = recount_json(str(DATA / "buurtbudget_2025.pb"), "--method", "mes")
    assert greedy["winners"] == ["1", "2"]
    assert mes["winners"] == ["1", "3"] and mes["spent"] == 90_000
    smaller = recount_json(str(DATA / "buurtbudget_2025.pb"), "--method", "greedy", "--budget", "60000")
    assert smaller["winners"] == ["1"]


def test_cumulative_votes_recount_as_dot_voting() -> None:
    data = recount_json(str(DATA / "buurtbudget_punten.pb"), "--method", "dot")
    assert data["scores"] == {"1": 4, "2": 7, "3": 9} and data["winners"] == ["3"]


def test_round_trip_write_read_recount_equals_the_direct_tally(tmp_path: Path) -> None:
    candidates = {str(i): f"Optie {i}" for i in range(1, 7)}
    ballots = [("1", "2", "3"), ("2", "3"), ("3", "1"), ("4", "5", "6", "1"), ("2", "1")] * 7 + [("6",)] * 5
    path = tmp_path / "ronde.soi"
    path.write_text(
        formats.preflib_text(data_type="soi", candidates=candidates,
                             ballots=formats.shuffled(ballots, "geheim"), title="Ronde"),
        encoding="utf-8",
    )
    for method, seats in (("irv", 1), ("stv", 2), ("schulze", 1), ("borda", 1)):
        direct: tally.Outcome
        if method == "stv":
            direct = tally.stv(list(candidates), ballots, seats=seats, seed="z")
        else:
            direct = getattr(tally, method)(list(candidates), ballots, seed="z")
        data = recount_json(str(path), "--method", method, "--seats", str(seats), "--seed", "z")
        assert data["winners"] == list(direct.winners)
        assert data["ranking"] == (list(direct.ranking) if direct.ranking else None)


def test_tracker_list_recounts_like_the_pabulib_file(tmp_path: Path) -> None:
    election = formats.read_ballot_file(DATA / "buurtbudget_2025.pb")
    receipts = [(formats.tracker_code(b"geheim", f"stem-{i}"), b) for i, b in enumerate(election.expanded())]
    path = tmp_path / "trackers.json"
    path.write_text(formats.tracker_list_text(election, formats.shuffled(receipts, "s")), encoding="utf-8")
    from_list = recount_json(str(path), "--method", "mes")
    assert from_list["winners"] == recount_json(str(DATA / "buurtbudget_2025.pb"), "--method", "mes")["winners"]


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Fout: ") and " / Error: " in lines[0]
    return lines[0]


def test_unknown_candidate_exits_with_a_dutch_and_english_reason(tmp_path: Path) -> None:
    bad = tmp_path / "kapot.soi"
    bad.write_text((DATA / "wijkraad_2025.soi").read_text(encoding="utf-8").replace("3: 2,1", "3: 2,12"),
                   encoding="utf-8")
    message = one_line_error(recount(str(bad), "--method", "irv"))
    assert message == (
        "Fout: regel 18: heeft een onbekende kandidaat 12 / Error: line 18: names unknown candidate 12"
    )


def test_truncated_file_exits_non_zero(tmp_path: Path) -> None:
    text = (DATA / "buurtbudget_2025.pb").read_text(encoding="utf-8")
    cut = tmp_path / "afgekapt.pb"
    cut.write_text(text.rsplit("\n", 4)[0] + "\n", encoding="utf-8")
    assert "afgekapt" in one_line_error(recount(str(cut), "--method", "greedy"))
    cut.write_text(text[:-20], encoding="utf-8")  # cut inside a line
    assert "line 27: has 1 fields" in one_line_error(recount(str(cut), "--method", "greedy"))


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--method", "loting"), "onbekende methode"),
        (("--method", "irv"), "past niet"),
        (("--method", "mes", "--budget", "veel"), "geen getal"),
        ((), "ongeldige opdracht"),
    ],
)
def test_bad_requests_exit_non_zero_with_a_reason(args: tuple[str, ...], words: str) -> None:
    assert words in one_line_error(recount(str(DATA / "buurtbudget_2025.pb"), *args))


def test_missing_file_exits_non_zero() -> None:
    assert "bestaat niet" in one_line_error(recount("nergens.soi", "--method", "irv"))


def test_budget_methods_need_project_costs() -> None:
    assert "projectkosten" in one_line_error(recount(str(DATA / "groenplan.cat"), "--method", "mes"))


def test_irv_counts_tied_ranks_under_each_documented_rule() -> None:
    # Round 1: Anouk 5, Bram 4, Cas 3, Dewi 1; Dewi out. Round 2: Cas out; Cas's three
    # ballots rank Anouk and Dewi equal next, then Bram.
    path = str(DATA / "overstem.toi")
    exhaust = recount_json(path, "--method", "irv", "--tied-ranks", "exhaust")
    assert exhaust["winners"] == ["1"] and exhaust["tied_ranks"] == "exhaust"
    assert exhaust["rounds"][1]["exhausted_now"] == 3
    skip = recount_json(path, "--method", "irv", "--tied-ranks", "skip")
    assert skip["winners"] == ["2"] and skip["rounds"][1]["transfers"] == {"2": 3}
    assert recount_json(path, "--method", "irv")["winners"] == ["1"]  # exhaust is the default
    done = recount(path, "--method", "irv")
    assert "Gelijke plaatsen / Tied ranks: exhaust" in done.stdout


def test_stv_counts_a_toi_file_with_tied_ranks() -> None:
    path = str(DATA / "overstem.toi")
    # Quota floor(13 / 3) + 1 = 5: Anouk is elected at once, Bram fills the second seat.
    for rule in ("exhaust", "skip"):
        assert recount_json(path, "--method", "stv", "--seats", "2", "--tied-ranks", rule)["winners"] == ["1", "2"]
    assert recount_json(str(DATA / "speelplek.toi"), "--method", "stv", "--seats", "2")["winners"]
