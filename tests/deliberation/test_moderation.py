"""Moderating a summit's ideas on the live channel: a hide needs a reason and is recorded
(who, why, when); the moderation queue's undo puts the idea back on every screen, in any
step. Through the real ASGI application."""

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.urls import reverse

from deliberation.models import Idea, IdeaModeration
from tests.deliberation.factories import make_summit
from tests.deliberation.test_live_channel import (
    PATH,
    answer,
    assert_shape,
    command,
    event_of,
    receive_frame,
    run_idea_step,
)
from tests.live import connected

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_memory_layer")]


@pytest.fixture
async def setup():
    return await sync_to_async(make_summit)()


async def test_a_hide_needs_a_reason_and_records_who_hid_it_why_and_when(setup):
    await run_idea_step(setup)
    async with (
        connected(PATH, user=setup.hosts[0]) as host,
        connected(PATH, user=setup.theme_team) as team,
    ):
        await receive_frame(host)
        await receive_frame(team)
        done = await answer(host, await command(host, "idea.create", {"text": "Scheldwoord"}))
        idea = done["result"]["idea"]

        empty = await answer(team, await command(team, "idea.hide", {"idea": idea, "reason": " "}))
        assert empty["kind"] == "error" and empty["code"] == "invalid"
        assert empty["message"] == "Geef een reden op waarom u dit verbergt."
        missing = await answer(team, await command(team, "idea.hide", {"idea": idea}))
        assert missing["code"] == "invalid"
        long = await answer(
            team, await command(team, "idea.hide", {"idea": idea, "reason": "x" * 501})
        )
        assert long["code"] == "too_long"
        assert long["message"] == "Een reden is hoogstens 500 tekens lang."
        assert await sync_to_async(Idea.objects.get)(pk=idea) is not None
        assert (await sync_to_async(Idea.objects.get)(pk=idea)).status == Idea.Status.VISIBLE

        reason = "Persoonlijke aanval op een buurman"
        hidden = await answer(
            team, await command(team, "idea.hide", {"idea": idea, "reason": reason})
        )
        assert hidden["kind"] == "ack"
        assert (await event_of(host, "idea.hidden"))["data"] == {"id": idea}

    records = await sync_to_async(lambda: list(IdeaModeration.objects.filter(idea_id=idea)))()
    assert [(r.action, r.reason, r.by_id) for r in records] == [
        ("hide", reason, setup.theme_team.pk)
    ]
    assert records[0].at is not None


async def test_the_queue_undo_puts_the_idea_back_on_a_participants_screen_in_any_step(setup):
    await run_idea_step(setup)
    async with (
        connected(PATH, user=setup.hosts[0]) as host,
        connected(PATH, user=setup.theme_team) as team,
    ):
        await receive_frame(host)
        await receive_frame(team)
        done = await answer(host, await command(host, "idea.create", {"text": "Scheldwoord"}))
        idea = done["result"]["idea"]
        await answer(team, await command(team, "idea.hide", {"idea": idea, "reason": "Belediging"}))
    async with connected(PATH, user=setup.facilitator) as control:
        await receive_frame(control)
        # Past the curation steps: the live 'idea.restore' is closed now, the queue is not.
        for _ in range(2):
            await answer(control, await command(control, "step.advance"))

    async with connected(PATH, user=setup.residents[0]) as phone:
        await receive_frame(phone)

        def undo():
            client = Client()
            client.force_login(setup.facilitator)
            return client.post(reverse("idea_moderation_undo", args=[idea]), follow=True)

        page = await sync_to_async(undo)()
        assert "Het idee staat weer op alle schermen." in page.content.decode()
        restored = await event_of(phone, "idea.restored")
    assert_shape(restored)
    assert restored["data"]["id"] == idea
    assert (await sync_to_async(Idea.objects.get)(pk=idea)).status == Idea.Status.VISIBLE
    actions = await sync_to_async(
        lambda: list(IdeaModeration.objects.filter(idea_id=idea).values_list("action", "by"))
    )()
    assert sorted(actions) == [("hide", setup.theme_team.pk), ("restore", setup.facilitator.pk)]
