"""A superscript digit ('²') passes ``str.isdigit()`` but not ``int()``: wherever a number
arrives as text (a ballot form, a ballot file) it gets a clear message or a normal page,
never a server error or a traceback."""

from __future__ import annotations

import json

import pytest

from tests.voting.test_ballots import open_poll
from tests.voting.test_recount import DATA, recount
from voting.models import Method

from .sealed import sealed_ballot


@pytest.mark.django_db
@pytest.mark.parametrize("revision", ["²", "¹"])
def test_a_ballot_form_with_a_superscript_digit_as_revision_is_stored_normally(client, revision):
    poll, voter = open_poll(Method.APPROVAL)
    client.force_login(voter)
    response = client.post(
        f"/stemmen/{poll.pk}/", {"option": ["2"], "revision": revision}, follow=True
    )
    assert response.status_code == 200
    assert "Uw stem is opgeslagen" in response.content.decode()
    assert sealed_ballot(poll).content == ["2"]


def one_line_error(path) -> str:
    done = recount(str(path), "--method", "irv")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Fout: ")
    return lines[0]


def test_a_preflib_file_with_a_superscript_count_or_header_is_refused_in_one_line(tmp_path):
    text = (DATA / "wijkraad_2025.soi").read_text(encoding="utf-8")
    count = tmp_path / "telling.soi"
    count.write_text(text.replace("\n3: 2,1", "\n³: 2,1"), encoding="utf-8")
    assert "'³' is geen positief getal" in one_line_error(count)
    header = tmp_path / "kop.soi"
    header.write_text(
        text.replace("# NUMBER ALTERNATIVES: 4", "# NUMBER ALTERNATIVES: ⁴"), encoding="utf-8"
    )
    assert "'# NUMBER ALTERNATIVES' is geen getal" in one_line_error(header)


def test_a_pabulib_file_with_a_superscript_vote_count_is_counted_without_a_traceback(tmp_path):
    text = (DATA / "buurtbudget_punten.pb").read_text(encoding="utf-8")
    path = tmp_path / "punten.pb"
    path.write_text(text.replace("num_votes;4", "num_votes;⁴"), encoding="utf-8")
    done = recount(str(path), "--method", "dot")
    assert done.returncode == 0, done.stderr  # an unreadable count is not checked, as before
    assert "Traceback" not in done.stderr


def test_a_tracker_list_with_superscript_points_is_refused_in_one_line(tmp_path):
    tracker_list = {
        "format": "samenspel-tracker-list/1",
        "data_type": "points",
        "vote_type": "cumulative",
        "title": "Punten",
        "candidates": {"1": "Bloembakken", "2": "Lantaarns"},
        "ballots": [
            {"tracker": "AAAA-BBBB-CCCC", "ballot": "1:3,2:2"},
            {"tracker": "DDDD-EEEE-FFFF", "ballot": "1:²"},
        ],
    }
    path = tmp_path / "punten.json"
    path.write_text(json.dumps(tracker_list), encoding="utf-8")
    done = recount(str(path), "--method", "dot")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "stem 2: ongeldig '1:²'" in done.stderr
