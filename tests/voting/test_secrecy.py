"""Secrecy and recount: nothing links a published ballot to a person or a time, and
``python -m voting.recount`` on the published file gives the stored result."""

import json
import random
import re

import pytest

from samenspel.models import Role
from tests.factories import UserFactory
from voting import formats, methods, recount, services
from voting.models import Ballot, Eligibility, Method, Poll

pytestmark = pytest.mark.django_db

OPTIONS = [
    "Speeltuin Ouddiemerlaan",
    "Bankjes Diemerpark",
    "Bomen Arenapark",
    "Moestuin",
    "Pannakooi",
]
COSTS = [45_000, 12_000, 30_000, 8_000, 60_000]


def random_choice(method, rng):
    keys = [str(i) for i in range(1, len(OPTIONS) + 1)]
    if method in (Method.IRV, Method.STV, Method.SCHULZE, Method.BORDA, Method.COPELAND):
        ranking = rng.sample(keys, rng.randint(1, len(keys)))
        return ranking
    if method in (Method.APPROVAL, Method.BUDGET_GREEDY, Method.BUDGET_MES):
        chosen = [k for k in keys if rng.random() < 0.4]
        if method != Method.APPROVAL:
            while sum(COSTS[int(k) - 1] for k in chosen) > 100_000:
                chosen.pop()
        return chosen
    if method == Method.DOT:
        points = {}
        for _ in range(5):
            key = rng.choice(keys)
            points[key] = points.get(key, 0) + 1
        return points
    if method == Method.YES_NO:
        return {k: rng.choice(["yes", "no", "abstain"]) for k in keys}
    return {k: rng.randint(0, 5) for k in keys}


def closed_poll(method, voters=25, seats=1, seed=7, majority_rule="simple"):
    rng = random.Random(seed)
    manager = UserFactory(roles=[Role.FACILITATOR])
    people = [UserFactory() for _ in range(voters)]
    poll = services.poll_create(
        title=f"Diemen kiest ({method})",
        method=method,
        options=[services.OptionSpec(t, cost=c) for t, c in zip(OPTIONS, COSTS, strict=True)],
        eligible=people,
        by=manager,
        seats=seats,
        budget=100_000,
        points=5,
        majority_rule=majority_rule,
    )
    services.poll_open(poll=poll, by=manager)
    for person in people[: voters - 3]:  # a few stay home
        services.ballot_cast(poll=poll, participant=person, choice=random_choice(method, rng))
    result = services.poll_close(poll=poll, by=manager)
    return Poll.objects.get(pk=poll.pk), result, people


def recount_published(tmp_path, capsys, poll, text, file_name):
    """Run the recount on a published file with the options the registry gives for the poll."""
    path = tmp_path / file_name
    path.write_text(text, encoding="utf-8")
    options = services.poll_spec(poll, list(poll.options.order_by("position")))
    code = recount.main([str(path), *poll.voting_method.recount_arguments(options), "--json"])
    assert code == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def assert_same_result(recounted, stored):
    assert recounted["winners"] == stored["winners"]
    assert recounted["ranking"] == stored["ranking"]
    for field in ("scores", "votes", "spent", "rounds", "points", "medians", "pairwise"):
        if field in stored:
            assert recounted[field] == stored[field], field


# Every method of the model, so none can be left out: a method without a registry entry,
# or one the recount cannot count from its published file, fails here.
@pytest.mark.parametrize("method", Method.values)
def test_recount_of_published_file_equals_stored_result(tmp_path, capsys, method):
    seats = 2 if methods.get(method).seats_below_options else 1
    poll, result, _people = closed_poll(method, seats=seats)
    stored = result.outcome
    assert_same_result(recount_published(tmp_path, capsys, poll, result.file_text, result.file_name), stored)
    trackers = recount_published(tmp_path, capsys, poll, result.tracker_file_text, result.tracker_file_name)
    assert_same_result(trackers, stored)


def test_two_thirds_yes_no_recounts_with_its_majority_rule(tmp_path, capsys):
    poll, result, _people = closed_poll(Method.YES_NO, majority_rule="two_thirds", seed=3)
    recounted = recount_published(tmp_path, capsys, poll, result.file_text, result.file_name)
    assert_same_result(recounted, result.outcome)
    assert all(point["inclusive"] for point in recounted["points"].values())


def test_published_file_hash_matches_what_is_served(client):
    poll, result, _people = closed_poll(Method.IRV)
    import hashlib

    response = client.get(f"/stemmen/{poll.pk}/bestand/")
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == result.file_sha256
    trackers = client.get(f"/stemmen/{poll.pk}/trackers/")
    assert hashlib.sha256(trackers.content).hexdigest() == result.tracker_file_sha256


def test_tracker_list_recounts_too_and_holds_every_receipt(tmp_path, capsys):
    poll, result, _people = closed_poll(Method.BORDA)
    path = tmp_path / result.tracker_file_name
    path.write_text(result.tracker_file_text, encoding="utf-8")
    assert recount.main([str(path), "--method", "borda", "--seed", poll.seed, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["winners"] == result.outcome["winners"]
    listed = {row["tracker"] for row in json.loads(result.tracker_file_text)["ballots"]}
    assert listed == set(Ballot.objects.filter(poll=poll).values_list("tracker", flat=True))


@pytest.mark.parametrize("method", [Method.IRV, Method.BUDGET_MES, Method.SCORE, Method.YES_NO])
def test_published_files_name_no_person_and_no_time_per_ballot(method):
    poll, result, people = closed_poll(method)
    for text in (result.file_text, result.tracker_file_text):
        for person in people:
            assert person.username not in text
            assert person.email not in text
            assert f"voter:{person.pk}" not in text
        for ballot in Ballot.objects.filter(poll=poll):
            assert ballot.voter_key not in text
            assert str(ballot.id) not in text
        # The only date in a file is the publication day, never a time of day.
        assert not re.search(r"\d{2}:\d{2}:\d{2}", text)


def test_ballot_rows_hold_no_person_and_no_time():
    field_names = {field.name for field in Ballot._meta.get_fields()}
    assert field_names == {"id", "poll", "voter_key", "content", "tracker", "source"}
    eligibility_fields = {field.name for field in Eligibility._meta.get_fields()}
    assert "ballot" not in eligibility_fields and not any(
        "time" in n or "_at" in n for n in eligibility_fields
    )


def test_published_order_is_not_the_casting_order():
    poll, result, _people = closed_poll(Method.BUDGET_GREEDY, voters=40)
    election = formats.parse_pabulib(result.file_text)
    assert election.voters == 37
    rows = json.loads(result.tracker_file_text)["ballots"]
    stored_order = list(
        Ballot.objects.filter(poll=poll).order_by("tracker").values_list("tracker", flat=True)
    )
    assert [row["tracker"] for row in rows] != stored_order


def test_one_counted_ballot_per_voter_is_a_database_constraint():
    from django.db import IntegrityError, transaction

    poll, _result, _people = closed_poll(Method.APPROVAL, voters=4)
    ballot = Ballot.objects.filter(poll=poll).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(
            poll=poll, voter_key=ballot.voter_key, content=["1"], tracker="XXXX-XXXX-XXXX"
        )
