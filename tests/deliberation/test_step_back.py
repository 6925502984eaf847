"""Undo on the live channel: the facilitator takes a step back, the theme team puts back an
idea it hid or merged. Through the real ASGI application."""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from deliberation.models import Idea, Step
from tests.deliberation.factories import make_summit
from tests.deliberation.test_live_channel import (
    PATH,
    answer,
    assert_shape,
    command,
    event_of,
    receive_frame,
)
from tests.live import connected

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_memory_layer")]


@pytest.fixture
async def setup():
    return await sync_to_async(make_summit)()


async def test_facilitator_takes_a_step_back_and_every_screen_follows_with_its_clock(setup):
    steps = await sync_to_async(lambda: list(Step.objects.order_by("position")))()
    async with (
        connected(PATH, user=setup.facilitator) as control,
        connected(PATH, user=setup.residents[0]) as phone,
    ):
        await receive_frame(control)
        await receive_frame(phone)
        first = await answer(control, await command(control, "step.back"))
        assert first["code"] == "no_previous_step"  # before the first step
        for _ in range(3):
            await answer(control, await command(control, "step.advance"))
        back = await answer(control, await command(control, "step.back"))
        assert back["kind"] == "ack" and back["result"] == {"step": steps[1].pk}
        while True:
            changed = await event_of(phone, "step.changed")
            if changed["data"]["id"] == steps[1].pk:
                break
        assert_shape(changed)
        assert changed["data"]["title"] == steps[1].title
        assert changed["data"]["state"] == "running"
        # Its clock starts again from the step's full duration.
        deadline = parse_datetime(changed["data"]["deadline"])
        left = deadline - timezone.now()
        assert timedelta(seconds=steps[1].duration_seconds - 5) < left
        assert left <= timedelta(seconds=steps[1].duration_seconds)
        await answer(control, await command(control, "step.back"))
        at_first = await answer(control, await command(control, "step.back"))
    assert at_first["code"] == "no_previous_step"
    assert at_first["message"] == "Dit is de eerste stap van de agenda."


async def test_theme_team_puts_back_a_hidden_and_a_merged_idea_on_every_screen(setup):
    async with connected(PATH, user=setup.facilitator) as control:
        await receive_frame(control)
        await answer(control, await command(control, "step.advance"))
        await answer(control, await command(control, "step.advance"))
    async with (
        connected(PATH, user=setup.hosts[0]) as host,
        connected(PATH, user=setup.theme_team) as team,
        connected(PATH, user=setup.residents[1]) as phone,  # another table
    ):
        for socket in (host, team, phone):
            await receive_frame(socket)
        ids = []
        for text in ["Groen plein", "Groener plein", "Scheldwoord"]:
            done = await answer(host, await command(host, "idea.create", {"text": text}))
            ids.append(done["result"]["idea"])
        theme = (await answer(team, await command(team, "theme.create", {"name": "Groen"})))[
            "result"
        ]["theme"]
        await answer(team, await command(team, "theme.assign", {"idea": ids[1], "theme": theme}))
        await answer(team, await command(team, "idea.hide", {"idea": ids[2], "reason": "Scheldwoord"}))
        await answer(team, await command(team, "idea.merge", {"idea": ids[1], "into": ids[0]}))

    # The theme team's screen lists what it merged, with where it went, to undo it later.
    async with connected(PATH, user=setup.theme_team) as team:
        snapshot = await receive_frame(team)
    assert [(i["id"], i["into"]) for i in snapshot["data"]["merged"]] == [(ids[1], ids[0])]
    assert ids[1] not in [i["id"] for i in snapshot["data"]["ideas"]]

    async with (
        connected(PATH, user=setup.theme_team) as team,
        connected(PATH, user=setup.hosts[0]) as host,
        connected(PATH, user=setup.residents[1]) as phone,
    ):
        for socket in (host, team, phone):
            await receive_frame(socket)
        restored = await answer(team, await command(team, "idea.restore", {"idea": ids[1]}))
        assert restored["kind"] == "ack"
        full = await event_of(host, "idea.restored")
        assert full["data"] == {"id": ids[1], "table": 1, "text": "Groener plein", "theme": theme}
        assert_shape(full)
        # Another table's screens count it again, without its text (as for a new idea).
        brief = await event_of(phone, "idea.restored")
        assert brief["data"] == {"id": ids[1], "table": 1, "theme": theme}
        await answer(team, await command(team, "idea.restore", {"idea": ids[2]}))
        assert (await event_of(host, "idea.restored"))["data"]["text"] == "Scheldwoord"
        again = await answer(team, await command(team, "idea.restore", {"idea": ids[2]}))
        assert again["code"] == "not_found"
        refused = await answer(host, await command(host, "idea.restore", {"idea": ids[0]}))
        assert refused["code"] == "forbidden"
    rows = await sync_to_async(
        lambda: sorted(Idea.objects.values_list("text", "status", "merged_into", "theme"))
    )()
    assert rows == [
        ("Groen plein", "visible", None, None),
        ("Groener plein", "visible", None, theme),
        ("Scheldwoord", "visible", None, None),
    ]
    async with connected(PATH, user=setup.theme_team) as team:
        snapshot = await receive_frame(team)
    assert snapshot["data"]["merged"] == []
    assert snapshot["data"]["counts"]["ideas"] == 3


async def test_a_withdrawn_idea_is_not_put_back_by_the_theme_team(setup):
    async with connected(PATH, user=setup.facilitator) as control:
        await receive_frame(control)
        await answer(control, await command(control, "step.advance"))
        await answer(control, await command(control, "step.advance"))
    async with (
        connected(PATH, user=setup.hosts[0]) as host,
        connected(PATH, user=setup.theme_team) as team,
    ):
        await receive_frame(host)
        await receive_frame(team)
        idea = (await answer(host, await command(host, "idea.create", {"text": "Weg ermee"})))[
            "result"
        ]["idea"]
        await answer(host, await command(host, "idea.withdraw", {"idea": idea}))
        refused = await answer(team, await command(team, "idea.restore", {"idea": idea}))
    assert refused["code"] == "not_found"
    assert await sync_to_async(lambda: Idea.objects.get().status)() == "withdrawn"
