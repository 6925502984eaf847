"""The results page of every method: the count explained in Dutch with the options' names,
two different published files, and a recount command that, run on the downloaded file,
gives the result the page shows."""

from __future__ import annotations

import html
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.voting.test_secrecy import OPTIONS, closed_poll
from voting import methods
from voting.models import Method

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def page_text(response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).replace("\u00a0", " ")


def recount_command(response) -> str:
    found = re.search(r'<code id="natel-opdracht"[^>]*>(.*?)</code>', response.content.decode(), re.S)
    assert found, "the results page gives no recount command"
    return html.unescape(found.group(1)).strip()


def download_links(response) -> list[tuple[str, str]]:
    """(href, link text) of the published files the page offers."""
    links = re.findall(r'<a class="utrecht-link" href="([^"]+)" download[^>]*>(.*?)</a>', response.content.decode(), re.S)
    return [(href, html.unescape(re.sub(r"<[^>]+>", "", text)).strip()) for href, text in links]


@pytest.mark.parametrize("method", Method.values)
def test_the_recount_command_on_the_results_page_reproduces_the_result(tmp_path, method):
    kind = methods.get(method)
    seats = 2 if kind.seats_below_options else 1
    poll, result, _people = closed_poll(method, seats=seats, majority_rule="two_thirds")
    client = Client()
    response = client.get(f"/stemmen/{poll.pk}/uitslag/")
    assert response.status_code == 200
    command = recount_command(response)
    words = shlex.split(command)
    assert words[:3] == ["python", "-m", "voting.recount"]
    assert f"--seed {poll.seed}" in command
    if kind.shape is methods.YES_NO:
        assert "--majority two_thirds" in command
    if kind.seats_below_options:
        assert "--seats 2" in command

    # The page offers two different files, each under its own name, and says what each is.
    links = download_links(response)
    assert len(links) == 2
    bodies = [client.get(href) for href, _text in links]
    names = [
        re.search(r'filename="([^"]+)"', body["Content-Disposition"]).group(1)  # type: ignore[union-attr]
        for body in bodies
    ]
    assert names[0] != names[1]
    assert bodies[0].content != bodies[1].content, "the two download links serve the same file"
    assert all(name in text for name, (_href, text) in zip(names, links, strict=True))
    assert "bewijscode" in links[1][1].lower()
    ballot_file = tmp_path / names[0]
    ballot_file.write_bytes(bodies[0].content)
    assert words[3] == names[0], "the command names the downloaded ballot file"

    done = subprocess.run(
        [sys.executable, *words[1:], "--json"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    recounted = json.loads(done.stdout)
    assert recounted["winners"] == result.outcome["winners"]
    assert recounted.get("ranking") == result.outcome.get("ranking")
    # ... and those are the options the page marks as chosen.
    chosen = re.findall(r'<tr class="utrecht-table__row" data-chosen>\s*<th[^>]*>(.*?)</th>', response.content.decode())
    titles = {str(i): title for i, title in enumerate(OPTIONS, 1)}
    assert sorted(html.unescape(c) for c in chosen) == sorted(titles[k] for k in result.outcome["winners"])


@pytest.mark.parametrize("method", Method.values)
def test_the_results_page_explains_the_count_in_dutch_with_names(method):
    kind = methods.get(method)
    poll, result, _people = closed_poll(method, seats=2 if kind.seats_below_options else 1)
    text = page_text(Client().get(f"/stemmen/{poll.pk}/uitslag/"))
    explanation = text.split("Uitleg van de telling", 1)[1].split("Zelf natellen", 1)[0]
    for english in ("Round", "Winner", "eliminated", "rho", "Elected", "Funded", "Budget ", "Yes "):
        assert english not in explanation
    assert not re.search(r"\d+/\d+", explanation), "raw fractions in the explanation"
    assert any(title in explanation for title in OPTIONS)
    for winner in result.outcome["winners"]:
        assert OPTIONS[int(winner) - 1] in explanation


def test_amounts_on_a_budget_results_page_are_in_euros_the_dutch_way():
    poll, _result, _people = closed_poll(Method.BUDGET_GREEDY)
    text = page_text(Client().get(f"/stemmen/{poll.pk}/uitslag/"))
    assert "€ 45.000" in text and "€ 100.000" in text
    assert "45000" not in text and "100000" not in text
