"""The live channel through the real ASGI app: snapshot, every command, ack, error, close."""

import json
import logging
import uuid
import weakref

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings

from deliberation import events
from deliberation.models import CommandAnswer, Idea, Participant, Summit, Theme
from tests.deliberation.factories import make_summit
from tests.factories import code_for
from tests.live import closed_with, communicator, connected, receive_json

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_memory_layer")]

PATH = "/ws/summits/burgertop-test/"


_unread: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


async def receive_frame(socket):
    """The next frame as a client handles it: a batch frame yields its events one by one."""
    queue = _unread.setdefault(socket, [])
    if not queue:
        frame = await receive_json(socket)
        queue.extend(frame["events"] if frame["kind"] == "batch" else [frame])
    return queue.pop(0)


async def command(socket, type_, data=None, key=None):
    key = key or str(uuid.uuid4())
    await socket.send_to(
        text_data=json.dumps({"kind": "command", "id": key, "type": type_, "data": data or {}})
    )
    return key


async def answer(socket, key):
    """The ack or error for ``key``; events that come first are skipped."""
    while True:
        frame = await receive_frame(socket)
        if frame["kind"] in {"ack", "error"} and frame["id"] == key:
            return frame


async def event_of(socket, type_):
    while True:
        frame = await receive_frame(socket)
        if frame["kind"] == "event" and frame["type"] == type_:
            return frame


def assert_shape(frame):
    shape = events.EVENT_SHAPES[frame["type"]]
    assert set(frame["data"]) == set(shape.__annotations__), frame


@pytest.fixture
async def setup():
    return await sync_to_async(make_summit)()


async def run_idea_step(setup):
    async with connected(PATH, user=setup.facilitator) as control:
        await receive_frame(control)
        assert (await answer(control, await command(control, "step.advance")))["kind"] == "ack"
        assert (await answer(control, await command(control, "step.advance")))["kind"] == "ack"


async def test_connect_sends_a_snapshot_with_seq(setup):
    async with connected(PATH, user=setup.residents[0]) as socket:
        frame = await receive_frame(socket)
    assert frame["kind"] == "snapshot" and frame["seq"] == 0
    data = frame["data"]
    assert data["summit"]["slug"] == "burgertop-test"
    assert [step["title"] for step in data["agenda"]][:2] == ["Welkom", "Tafelronde"]
    assert data["me"]["table"] == 1 and data["me"]["roles"] == ["participant", "resident"]


async def test_outsiders_unknown_summits_and_anonymous_are_closed(setup):
    assert await closed_with(await communicator(PATH, user=setup.outsider)) == 4403
    assert (
        await closed_with(await communicator("/ws/summits/bestaat-niet/", user=setup.facilitator))
        == 4404
    )
    assert await closed_with(await communicator(PATH)) == 4401
    other = await sync_to_async(make_summit)("andere-top")
    # A participant of another summit is no participant of this one.
    assert await closed_with(await communicator(PATH, user=other.residents[0])) == 4403


async def test_facilitator_steps_reach_every_screen_with_a_deadline(setup):
    async with (
        connected(PATH, user=setup.facilitator) as control,
        connected(PATH, user=setup.residents[0]) as phone,
    ):
        await receive_frame(control)
        await receive_frame(phone)
        key = await command(control, "step.advance")
        seen = await event_of(phone, "step.changed")
        assert seen["seq"] == 1 and seen["data"]["title"] == "Welkom"
        assert seen["data"]["state"] == "running" and seen["data"]["deadline"]
        assert_shape(seen)
        assert (await answer(control, key))["result"]["step"] == seen["data"]["id"]

        key = await command(control, "step.pause")
        paused = await event_of(phone, "step.changed")
        assert paused["data"]["state"] == "paused" and paused["data"]["deadline"] is None
        assert 295 <= paused["data"]["remaining_seconds"] <= 300
        key = await command(control, "step.extend", {"seconds": 60})
        extended = await event_of(phone, "step.changed")
        assert extended["data"]["remaining_seconds"] >= 355
        key = await command(control, "step.start")
        resumed = await event_of(phone, "step.changed")
        assert resumed["data"]["state"] == "running" and resumed["data"]["deadline"]
        assert resumed["seq"] == 4
        await answer(control, key)

        key = await command(control, "message.send", {"text": "  Koffie staat   klaar "})
        message = await event_of(phone, "message.sent")
        assert message["data"]["text"] == "Koffie staat klaar"
        assert_shape(message)


async def test_last_step_cannot_be_advanced(setup):
    async with connected(PATH, user=setup.facilitator) as control:
        await receive_frame(control)
        for _ in range(5):
            assert (await answer(control, await command(control, "step.advance")))["kind"] == "ack"
        refused = await answer(control, await command(control, "step.advance"))
        assert refused["code"] == "no_next_step" and "laatste stap" in refused["message"]


async def test_host_and_participant_write_edit_and_withdraw_ideas(setup):
    await run_idea_step(setup)
    async with (
        connected(PATH, user=setup.hosts[0]) as host,
        connected(PATH, user=setup.residents[0]) as phone,
        connected(PATH, user=setup.theme_team) as team,
    ):
        for socket in (host, phone, team):
            await receive_frame(socket)
        ack = await answer(host, await command(host, "idea.create", {"text": "Meer bankjes"}))
        idea_id = ack["result"]["idea"]
        created = await event_of(team, "idea.created")
        assert created["data"] == {"id": idea_id, "table": 1, "text": "Meer bankjes", "theme": None}
        assert_shape(created)

        mine = await answer(phone, await command(phone, "idea.create", {"text": "Een buurtfeest"}))
        edited = await answer(
            phone,
            await command(
                phone, "idea.edit", {"idea": mine["result"]["idea"], "text": "Een groot buurtfeest"}
            ),
        )
        assert edited["kind"] == "ack"
        change = await event_of(team, "idea.edited")
        assert change["data"]["text"] == "Een groot buurtfeest"
        assert_shape(change)
        # A participant may not touch the host's idea; the host may withdraw it.
        refused = await answer(phone, await command(phone, "idea.withdraw", {"idea": idea_id}))
        assert refused["code"] == "forbidden"
        await answer(host, await command(host, "idea.withdraw", {"idea": idea_id}))
        withdrawn = await event_of(team, "idea.withdrawn")
        assert withdrawn["data"] == {"id": idea_id}
    texts = await sync_to_async(lambda: sorted(Idea.objects.values_list("text", "status")))()
    assert texts == [("Een groot buurtfeest", "visible"), ("Meer bankjes", "withdrawn")]


async def test_theme_team_hides_merges_and_groups_ideas_into_themes(setup):
    await run_idea_step(setup)
    async with (
        connected(PATH, user=setup.hosts[0]) as host,
        connected(PATH, user=setup.theme_team) as team,
        connected(PATH, user=setup.residents[1]) as phone,
    ):
        for socket in (host, team, phone):
            await receive_frame(socket)
        ids = []
        for text in ["Groen plein", "Groener plein", "Scheldwoord"]:
            ids.append(
                (await answer(host, await command(host, "idea.create", {"text": text})))["result"][
                    "idea"
                ]
            )
        await answer(team, await command(team, "idea.hide", {"idea": ids[2], "reason": "Scheldwoord"}))
        hidden = await event_of(phone, "idea.hidden")
        assert hidden["data"] == {"id": ids[2]}, "hidden text must not travel"
        await answer(team, await command(team, "idea.merge", {"idea": ids[1], "into": ids[0]}))
        merged = await event_of(phone, "idea.merged")
        assert merged["data"] == {"id": ids[1], "into": ids[0]}
        theme = (await answer(team, await command(team, "theme.create", {"name": "Groen"})))[
            "result"
        ]["theme"]
        assert_shape(await event_of(phone, "theme.created"))
        await answer(
            team, await command(team, "theme.rename", {"theme": theme, "name": "Groen en water"})
        )
        assert (await event_of(phone, "theme.renamed"))["data"]["name"] == "Groen en water"
        await answer(team, await command(team, "theme.assign", {"idea": ids[0], "theme": theme}))
        assigned = await event_of(phone, "theme.assigned")
        assert assigned["data"] == {"idea": ids[0], "theme": theme}
        await answer(team, await command(team, "theme.feature", {"theme": theme, "featured": True}))
        assert (await event_of(phone, "theme.featured"))["data"]["featured"] is True
        refused = await answer(
            team, await command(team, "idea.merge", {"idea": ids[0], "into": ids[0]})
        )
        assert refused["code"] == "invalid"
        missing = await answer(
            team, await command(team, "theme.rename", {"theme": 999999, "name": "x"})
        )
        assert missing["code"] == "not_found"
    names = await sync_to_async(lambda: list(Theme.objects.values_list("name", "featured")))()
    assert names == [("Groen en water", True)]


async def test_check_in_walk_in_and_seating(setup):
    await sync_to_async(lambda: Participant.objects.update(checked_in_at=None, table=None))()
    code = await sync_to_async(code_for)(setup.residents[0])
    async with (
        connected(PATH, user=setup.facilitator) as desk,
        connected(PATH, user=setup.theme_team) as screen,
    ):
        await receive_frame(desk)
        await receive_frame(screen)
        found = await answer(
            desk, await command(desk, "participant.check_in", {"code": code.lower()})
        )
        assert found["result"]["name"] == setup.residents[0].public_name
        arrived = await event_of(screen, "participant.checked_in")
        assert_shape(arrived)
        unknown = await answer(
            desk, await command(desk, "participant.check_in", {"code": "ZZZZ-AAAA-BBBB"})
        )
        assert unknown["code"] == "not_found" and "Geen deelnemer" in unknown["message"]
        by_id = await answer(
            desk,
            await command(desk, "participant.check_in", {"participant": setup.participants[1].pk}),
        )
        assert by_id["kind"] == "ack"
        walk_in = await answer(
            desk,
            await command(desk, "participant.walk_in", {"name": "Fatima B.", "birth_year": 1980}),
        )
        assert len(walk_in["result"]["code"]) == 14
        empty = await answer(desk, await command(desk, "participant.walk_in", {"name": "  "}))
        assert empty["code"] == "invalid"
        seated = await answer(desk, await command(desk, "participant.seat_all"))
        assert seated["result"] == {"seated": 3, "moved": 3}
        seating = await event_of(screen, "seating.changed")
        assert_shape(seating)
        assert set(seating["data"]["seats"].values()) <= {1, 2}, "no one is seated online"


async def test_idempotent_resend_returns_the_first_answer_and_stores_once(setup):
    await run_idea_step(setup)
    key = str(uuid.uuid4())
    async with connected(PATH, user=setup.hosts[0]) as host:
        await receive_frame(host)
        first = await answer(
            host, await command(host, "idea.create", {"text": "Fietspad"}, key=key)
        )
    async with connected(PATH, user=setup.hosts[0]) as host:
        await receive_frame(host)
        again = await answer(
            host, await command(host, "idea.create", {"text": "Fietspad"}, key=key)
        )
        assert again == first
        reused = await answer(host, await command(host, "idea.withdraw", {"idea": 1}, key=key))
        assert reused["code"] == "key_reused"
    assert await sync_to_async(Idea.objects.count)() == 1
    assert await sync_to_async(CommandAnswer.objects.count)() == 3  # two advances, one idea


async def test_reconnect_snapshot_before_plus_missed_events_equals_snapshot_after(setup):
    await run_idea_step(setup)
    async with connected(PATH, user=setup.theme_team) as team:
        before = await receive_frame(team)
    missed = []
    async with (
        connected(PATH, user=setup.hosts[0]) as host,
        connected(PATH, user=setup.facilitator) as watcher,
    ):
        await receive_frame(host)
        # Like a browser, the watcher skips an event its snapshot already holds (a push of
        # the idea step that reached this process late, on a busy machine).
        seen = (await receive_frame(watcher))["seq"]
        ids = [
            (await answer(host, await command(host, "idea.create", {"text": f"Idee {n}"})))[
                "result"
            ]["idea"]
            for n in range(3)
        ]
        await answer(host, await command(host, "idea.edit", {"idea": ids[0], "text": "Idee nul"}))
        await answer(host, await command(host, "idea.withdraw", {"idea": ids[1]}))
        async with connected(PATH, user=setup.theme_team) as team:
            await receive_frame(team)
            await answer(team, await command(team, "idea.hide", {"idea": ids[2], "reason": "Scheldwoord"}))
            theme = (await answer(team, await command(team, "theme.create", {"name": "Verkeer"})))[
                "result"
            ]["theme"]
            await answer(
                team, await command(team, "theme.assign", {"idea": ids[0], "theme": theme})
            )
        while len(missed) < 8:
            frame = await receive_frame(watcher)
            if frame["kind"] == "event" and frame["seq"] > seen:
                missed.append(frame)
    async with connected(PATH, user=setup.theme_team) as team:
        after = await receive_frame(team)
    assert [frame["seq"] for frame in missed] == list(range(before["seq"] + 1, after["seq"] + 1))
    assert apply_events(before["data"], missed) == comparable(after["data"])


def comparable(data):
    return {
        "step": data["step"]["id"],
        "ideas": {i["id"]: (i["text"], i["status"], i["theme"]) for i in data["ideas"]},
        "themes": {t["id"]: (t["name"], t["featured"]) for t in data["themes"]},
    }


def apply_events(data, frames):
    """What a client does with events (the theme team keeps hidden ideas, with their text)."""
    state = comparable(data)
    texts = {}
    for frame in frames:
        kind, event = frame["type"], frame["data"]
        if kind == "idea.created":
            texts[event["id"]] = event["text"]
            state["ideas"][event["id"]] = (event["text"], "visible", event["theme"])
        elif kind == "idea.edited":
            state["ideas"][event["id"]] = (event["text"],) + state["ideas"][event["id"]][1:]
        elif kind in {"idea.withdrawn", "idea.merged"}:
            state["ideas"].pop(event["id"])
        elif kind == "idea.hidden":
            text, _status, theme = state["ideas"][event["id"]]
            state["ideas"][event["id"]] = (text, "hidden", theme)
        elif kind in {"theme.created", "theme.renamed", "theme.featured"}:
            state["themes"][event["id"]] = (event["name"], event["featured"])
        elif kind == "theme.assigned":
            text, status, _theme = state["ideas"][event["idea"]]
            state["ideas"][event["idea"]] = (text, status, event["theme"])
        elif kind == "step.changed":
            state["step"] = event["id"]
    return state


async def test_snapshot_request_returns_a_fresh_snapshot(setup):
    async with connected(PATH, user=setup.residents[0]) as phone:
        await receive_frame(phone)
        await phone.send_to(text_data=json.dumps({"kind": "snapshot.request"}))
        frame = await receive_frame(phone)
        assert frame["kind"] == "snapshot" and frame["seq"] == 0


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "invalid"), ("   \n ", "invalid"), ("x" * 281, "too_long"), (12, "invalid")],
)
async def test_empty_blank_and_over_long_ideas_are_refused_in_dutch(setup, text, code):
    await run_idea_step(setup)
    async with connected(PATH, user=setup.hosts[0]) as host:
        await receive_frame(host)
        refused = await answer(host, await command(host, "idea.create", {"text": text}))
    assert refused["code"] == code and refused["message"].startswith("Een idee")
    assert await sync_to_async(Idea.objects.count)() == 0


async def test_malformed_and_unknown_frames_get_error_frames(setup):
    async with connected(PATH, user=setup.facilitator) as socket:
        await receive_frame(socket)
        await socket.send_to(text_data="{niet json")
        assert (await receive_frame(socket))["code"] == "bad_frame"
        await socket.send_to(text_data="[1, 2]")
        assert (await receive_frame(socket))["code"] == "bad_frame"
        await socket.send_to(text_data=json.dumps({"kind": "praatje"}))
        assert (await receive_frame(socket))["code"] == "bad_frame"
        await socket.send_to(
            text_data=json.dumps({"kind": "command", "id": "abc", "type": "step.start"})
        )
        assert (await receive_frame(socket))["code"] == "bad_id"
        await socket.send_to(
            text_data=json.dumps(
                {"kind": "command", "id": str(uuid.uuid4()), "type": "step.start", "data": []}
            )
        )
        assert (await receive_frame(socket))["code"] == "bad_frame"
        unknown = await answer(socket, await command(socket, "summit.explode"))
        assert unknown["code"] == "unknown_command" and unknown["message"] == "Onbekende opdracht."


async def test_frame_over_the_limit_is_closed_with_4413_and_logged(setup, caplog):
    async with connected(PATH, user=setup.residents[0]) as socket:
        await receive_frame(socket)
        with caplog.at_level(logging.WARNING, logger="deliberation.consumers"):
            await socket.send_to(text_data="x" * (settings.LIVE_MAX_FRAME_BYTES + 1))
            closing = await socket.receive_output(3)
    assert closing == {"type": "websocket.close", "code": 4413}
    assert "over the limit" in caplog.text


async def test_closed_summit_refuses_commands(setup):
    await sync_to_async(Summit.objects.update)(status=Summit.Status.CLOSED)
    async with connected(PATH, user=setup.facilitator) as socket:
        await receive_frame(socket)
        refused = await answer(socket, await command(socket, "step.advance"))
    assert refused["code"] == "summit_closed" and "gesloten" in refused["message"]


async def test_hall_screen_reads_with_its_token_and_cannot_command(setup):
    token = await sync_to_async(lambda: Summit.objects.get().hall_token)()
    assert await closed_with(await communicator(PATH + "?hall=verkeerd")) == 4403
    async with connected(PATH + f"?hall={token}") as hall:
        frame = await receive_frame(hall)
        assert frame["data"]["me"]["roles"] == ["hall"]
        assert all(table["host"] is None for table in frame["data"]["tables"])
        refused = await answer(hall, await command(hall, "step.advance"))
        assert refused["code"] == "read_only"
