"""Live commands that arrive together run in one transaction, each as if it ran alone."""

import asyncio
import json
import threading
import time
import uuid

import pytest
from asgiref.sync import sync_to_async
from django.db import connection, transaction
from django.utils import timezone

from deliberation import services
from deliberation.models import CommandAnswer, Idea, Summit
from tests.deliberation.factories import make_summit
from tests.live import connected, receive_json

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_memory_layer")]

PATH = "/ws/summits/burgertop-test/"


def open_idea_step(setup):
    for _ in range(2):
        services.command_run(
            summit=setup.summit,
            by=setup.facilitator,
            key=uuid.uuid4(),
            command="step.advance",
            data={},
            now=timezone.now(),
        )


def command(by, type_, **data):
    return services.Command(by=by, key=uuid.uuid4(), type=type_, data=data)


def test_a_refused_command_in_a_batch_leaves_the_others_and_the_seq_intact():
    setup = make_summit()
    open_idea_step(setup)
    host_one, host_two = setup.hosts
    answers = services.command_run_batch(
        summit=setup.summit,
        commands=[
            command(host_one, "idea.create", text="Meer bomen"),
            command(host_two, "idea.create", text="   "),  # refused: empty
            command(setup.outsider, "idea.create", text="Ik hoor hier niet"),  # refused: role
            command(host_two, "idea.create", text="Een speeltuin"),
            command(host_one, "idea.edit", idea=2**70, text="Bestaat niet"),  # refused
            command(setup.facilitator, "message.send", text="Nog vijf minuten"),
        ],
    )
    kinds = [type(a).__name__ if isinstance(a, Exception) else "ok" for a in answers]
    assert kinds == ["ok", "CommandRefused", "CommandRefused", "ok", "CommandRefused", "ok"]
    assert [a.code for a in answers if isinstance(a, services.CommandRefused)] == [
        "invalid",
        "forbidden",
        "not_found",
    ]
    ideas = Idea.objects.filter(summit=setup.summit).order_by("pk")
    assert [(i.text, i.table.number) for i in ideas] == [("Meer bomen", 1), ("Een speeltuin", 2)]
    # Two step changes, two ideas and one message: the stored seq counts exactly those.
    assert Summit.objects.get(pk=setup.summit.pk).seq == 5
    assert CommandAnswer.objects.filter(summit=setup.summit).count() == 2 + 3


def test_the_same_command_twice_in_one_batch_is_stored_once_with_one_answer():
    setup = make_summit()
    open_idea_step(setup)
    once = command(setup.hosts[0], "idea.create", text="Bankjes bij het water")
    answers = services.command_run_batch(summit=setup.summit, commands=[once, once])
    assert answers[0] == answers[1] == {"idea": answers[0]["idea"]}
    assert Idea.objects.filter(text="Bankjes bij het water").count() == 1
    assert Summit.objects.get(pk=setup.summit.pk).seq == 3


def test_a_batch_sees_a_role_change_made_earlier_in_the_same_batch():
    """Checking someone in makes them a participant for the next command in the batch."""
    setup = make_summit(seated=False)
    open_idea_step(setup)
    resident = setup.residents[0]
    participant = setup.participants[0]
    answers = services.command_run_batch(
        summit=setup.summit,
        commands=[
            command(resident, "idea.create", text="Voor ik er ben"),
            command(setup.facilitator, "participant.check_in", participant=participant.pk),
            command(setup.facilitator, "participant.seat_all", seed=1),
            command(resident, "idea.create", text="Nu ik er ben"),
        ],
    )
    assert isinstance(answers[0], services.CommandRefused) and answers[0].code == "forbidden"
    assert not any(isinstance(a, Exception) for a in answers[1:]), answers
    assert list(Idea.objects.values_list("text", flat=True)) == ["Nu ik er ben"]


def test_text_with_control_characters_is_stored_without_them():
    setup = make_summit()
    open_idea_step(setup)
    answers = services.command_run_batch(
        summit=setup.summit,
        commands=[
            command(setup.hosts[0], "idea.create", text="Fiets\x00paden\ud800 veilig\x07"),
            command(setup.hosts[0], "idea.create", text="\x00\x01"),
        ],
    )
    assert Idea.objects.get(pk=answers[0]["idea"]).text == "Fietspaden veilig"
    assert isinstance(answers[1], services.CommandRefused) and answers[1].code == "invalid"


async def test_a_burst_from_many_screens_is_answered_in_full_and_stored_exactly_once():
    setup = await sync_to_async(make_summit)()
    await sync_to_async(open_idea_step)(setup)
    async with (
        connected(PATH, user=setup.hosts[0]) as one,
        connected(PATH, user=setup.hosts[1]) as two,
        connected(PATH, user=setup.theme_team) as team,
    ):
        for socket in (one, two, team):
            await receive_json(socket)
        sent = {}
        for n in range(30):
            socket = one if n % 2 == 0 else two
            key = str(uuid.uuid4())
            sent[key] = f"Idee {n}"
            await socket.send_to(
                text_data=json.dumps(
                    {
                        "kind": "command",
                        "id": key,
                        "type": "idea.create",
                        "data": {"text": sent[key]},
                    }
                )
            )
        acked = set()
        for socket in (one, two):
            while len(acked) < (15 if socket is one else 30):
                frame = await receive_json(socket, timeout=10)
                if frame["kind"] in {"ack", "error"}:
                    assert frame["kind"] == "ack", frame
                    acked.add(frame["id"])
        seen = []
        while len(seen) < 30:
            frame = await receive_json(team, timeout=10)
            seen.extend(frame["events"] if frame["kind"] == "batch" else [frame])
    assert acked == set(sent)
    assert [event["seq"] for event in seen] == list(range(3, 33))
    assert sorted(event["data"]["text"] for event in seen) == sorted(sent.values())
    stored = await sync_to_async(lambda: sorted(Idea.objects.values_list("text", flat=True)))()
    assert stored == sorted(sent.values())


async def test_a_command_survives_its_screen_closing_before_the_answer():
    setup = await sync_to_async(make_summit)()
    await sync_to_async(open_idea_step)(setup)
    key = str(uuid.uuid4())
    frame = {"kind": "command", "id": key, "type": "idea.create", "data": {"text": "Hallo"}}
    async with connected(PATH, user=setup.hosts[0]) as tab:
        await receive_json(tab)
        await tab.send_to(text_data=json.dumps(frame))
    # The tab closed at once; the same command sent again from a new tab gets the same answer.
    async with connected(PATH, user=setup.hosts[0]) as again:
        await receive_json(again)
        await again.send_to(text_data=json.dumps(frame))
        while (answer := await receive_json(again))["kind"] != "ack":
            pass
    await asyncio.sleep(0)
    ideas = await sync_to_async(lambda: list(Idea.objects.values_list("pk", "text")))()
    assert ideas == [(answer["result"]["idea"], "Hallo")]


async def test_a_batch_of_new_ideas_numbers_only_the_ideas_it_stored():
    # A batch of new ideas locks the summit at its end to number its events: refused ideas
    # leave no event and no gap, and the numbers follow on from the stored seq.
    setup = await sync_to_async(make_summit)()
    await sync_to_async(open_idea_step)(setup)
    host_one, host_two = setup.hosts
    twice = command(host_two, "idea.create", text="Zitbanken in het park")
    async with connected(PATH, user=setup.theme_team) as team:
        snapshot = await receive_json(team)
        answers = await sync_to_async(services.command_run_batch)(
            summit=setup.summit,
            commands=[
                command(host_one, "idea.create", text="Een pluktuin"),
                command(host_two, "idea.create", text=""),  # refused: empty
                command(setup.outsider, "idea.create", text="Niet van hier"),  # refused
                twice,
                twice,  # sent again: rolled back after its event was made, same answer
            ],
        )
        assert [isinstance(a, services.CommandRefused) for a in answers] == [
            False,
            True,
            True,
            False,
            False,
        ]
        assert answers[4] == answers[3]
        seen = []
        while len(seen) < 2:
            frame = await receive_json(team, timeout=5)
            # On a loaded machine the step's own events (before the snapshot) may still be
            # on their way when the socket joins; a screen skips those by their seq.
            events = frame["events"] if frame["kind"] == "batch" else [frame]
            seen.extend(e for e in events if e["seq"] > snapshot["seq"])
        assert await team.receive_nothing(0.3)
    assert [(e["seq"], e["type"], e["data"]["text"]) for e in seen] == [
        (3, "idea.created", "Een pluktuin"),
        (4, "idea.created", "Zitbanken in het park"),
    ]
    assert [e["data"]["id"] for e in seen] == [answers[0]["idea"], answers[3]["idea"]]
    summit = await sync_to_async(Summit.objects.get)(pk=setup.summit.pk)
    assert summit.seq == 4


def test_an_idea_another_process_stores_while_the_batch_runs_is_answered_once():
    # Another server process runs the same command (a screen resent it there) and commits
    # only while this batch is already writing: on PostgreSQL the batch's insert of answers
    # then collides, the batch is rolled back and run again one idea at a time, and the
    # resent idea gets the other process's answer. Nothing is stored twice.
    setup = make_summit()
    open_idea_step(setup)
    host_one, host_two = setup.hosts
    resent = command(host_one, "idea.create", text="Een waterspeelplaats")
    written, done = threading.Event(), {}

    def other_process():
        try:
            with transaction.atomic():
                done["answer"] = services.command_run(
                    summit=setup.summit,
                    by=host_one,
                    key=resent.key,
                    command="idea.create",
                    data=resent.data,
                    now=timezone.now(),
                )
                written.set()
                time.sleep(0.5)
        finally:
            written.set()
            connection.close()

    thread = threading.Thread(target=other_process)
    thread.start()
    assert written.wait(10)
    answers = services.command_run_batch(
        summit=setup.summit,
        commands=[command(host_two, "idea.create", text="Meer schaduw"), resent],
    )
    thread.join(10)
    assert answers[1] == done["answer"]
    ideas = sorted(Idea.objects.filter(summit=setup.summit).values_list("text", flat=True))
    assert ideas == ["Een waterspeelplaats", "Meer schaduw"]
    assert Summit.objects.get(pk=setup.summit.pk).seq == 4
