"""A flooding screen and malformed frames on the live channel, through the real ASGI app."""

import json
import logging
import random
import uuid
from collections import Counter

import pytest
from asgiref.sync import sync_to_async
from django.utils import translation
from django.utils.translation import trans_real

from deliberation import consumers
from deliberation.models import Idea
from tests.deliberation.factories import make_summit
from tests.live import connected, receive_json

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_memory_layer")]

PATH = "/ws/summits/burgertop-test/"


def idea_frame(text, key=None):
    return json.dumps(
        {
            "kind": "command",
            "id": key or str(uuid.uuid4()),
            "type": "idea.create",
            "data": {"text": text},
        }
    )


async def answers(socket, keys, timeout=10):
    """The ack or error frame of each key, in the order of ``keys``; events are skipped."""
    found = {}
    while len(found) < len(keys):
        frame = await receive_json(socket, timeout=timeout)
        if frame["kind"] in {"ack", "error"} and frame["id"] in keys:
            found[frame["id"]] = frame
    return [found[key] for key in keys]


async def next_answer(socket, timeout=3):
    while True:
        frame = await receive_json(socket, timeout=timeout)
        if frame["kind"] in {"ack", "error"}:
            return frame


@pytest.fixture
async def setup():
    setup = await sync_to_async(make_summit)()
    async with connected(PATH, user=setup.facilitator) as control:
        await receive_json(control)
        for _ in range(2):  # to the table round, whose timer then runs
            control_key = str(uuid.uuid4())
            await control.send_to(
                text_data=json.dumps(
                    {"kind": "command", "id": control_key, "type": "step.advance", "data": {}}
                )
            )
            assert (await answers(control, [control_key]))[0]["kind"] == "ack"
    return setup


@pytest.fixture
def slow_refill(settings):
    """The default burst with a refill too slow to matter while the test runs."""
    settings.LIVE_COMMAND_BURST = 20
    settings.LIVE_COMMAND_RATE = 0.01


def stored_texts():
    return sorted(Idea.objects.values_list("text", flat=True))


@pytest.mark.usefixtures("slow_refill")
async def test_a_flooding_host_is_refused_after_the_burst_while_the_other_table_goes_on(setup):
    async with (
        connected(PATH, user=setup.hosts[0]) as flooding,
        connected(PATH, user=setup.hosts[1]) as other,
    ):
        await receive_json(flooding)
        await receive_json(other)
        keys = [str(uuid.uuid4()) for _ in range(60)]
        for n, key in enumerate(keys):
            await flooding.send_to(text_data=idea_frame(f"Overstroming {n}", key))
        # The other table's host is answered at once, not after the flood.
        other_key = str(uuid.uuid4())
        await other.send_to(text_data=idea_frame("Meer bankjes in het park", other_key))
        assert (await answers(other, [other_key]))[0]["kind"] == "ack"
        flood = await answers(flooding, keys)
    assert [frame["kind"] for frame in flood] == ["ack"] * 20 + ["error"] * 40
    refused = flood[20:]
    assert {frame["code"] for frame in refused} == {"rate_limited"}
    assert "Wacht even" in refused[0]["message"]
    assert all(0 < frame["retry_after"] <= 100 for frame in refused)
    texts = await sync_to_async(stored_texts)()
    assert texts == sorted([f"Overstroming {n}" for n in range(20)] + ["Meer bankjes in het park"])


@pytest.mark.usefixtures("slow_refill")
async def test_two_screens_of_one_person_share_the_limit_and_other_frames_are_not_limited(setup):
    async with (
        connected(PATH, user=setup.hosts[0]) as tablet,
        connected(PATH, user=setup.hosts[0]) as laptop,
    ):
        await receive_json(tablet)
        await receive_json(laptop)
        first = [str(uuid.uuid4()) for _ in range(15)]
        for n, key in enumerate(first):
            await tablet.send_to(text_data=idea_frame(f"Tablet {n}", key))
        second = [str(uuid.uuid4()) for _ in range(10)]
        await answers(tablet, first)
        for n, key in enumerate(second):
            await laptop.send_to(text_data=idea_frame(f"Laptop {n}", key))
        kinds = [frame.get("code", "ack") for frame in await answers(laptop, second)]
        assert kinds == ["ack"] * 5 + ["rate_limited"] * 5
        # Repeating an acknowledged command costs nothing new: no stored answer is lost
        # behind the limit, and a snapshot can still be asked for.
        await laptop.send_to(text_data=json.dumps({"kind": "snapshot.request"}))
        while (await receive_json(laptop))["kind"] != "snapshot":
            pass
    assert len(await sync_to_async(stored_texts)()) == 20


@pytest.mark.usefixtures("slow_refill")
async def test_snapshots_asked_for_in_a_loop_are_refused_after_the_burst(setup):
    async with connected(PATH, user=setup.residents[0]) as phone:
        await receive_json(phone)
        for _ in range(25):
            await phone.send_to(text_data=json.dumps({"kind": "snapshot.request"}))
        kinds = [(await next_answer_or_snapshot(phone)) for _ in range(25)]
        # Snapshots asked for together are made in waves, so a refusal may overtake one.
        assert sorted(kind for kind, _frame in kinds) == ["rate_limited"] * 5 + ["snapshot"] * 20
        refused = next(frame for kind, frame in kinds if kind == "rate_limited")
        assert refused["id"] is None and refused["retry_after"] > 0
        # Commands have an allowance of their own.
        key = str(uuid.uuid4())
        await phone.send_to(text_data=idea_frame("Een idee na de snapshots", key))
        assert (await answers(phone, [key]))[0]["kind"] == "ack"


async def next_answer_or_snapshot(socket):
    while True:
        frame = await receive_json(socket)
        if frame["kind"] == "snapshot":
            return "snapshot", frame
        if frame["kind"] == "error":
            return frame["code"], frame


def test_refusals_of_the_live_channel_have_english():
    from samenspel import i18n

    i18n.compile_all()
    trans_real._translations = {}
    trans_real._default = None
    with translation.override("en"):
        assert "wait a moment" in translation.gettext(consumers.RATE_LIMITED)
        assert translation.gettext("Dit bericht is te diep genest.") == (
            "This message is nested too deeply."
        )


DEEP = "[" * 1000 + "]" * 1000

MALFORMED = [
    ("1,000 nested lists", DEEP, "bad_frame"),
    ("8,000 nested lists", "[" * 8000 + "]" * 8000, "bad_frame"),
    ("nested objects", '{"a":' * 1500 + "1" + "}" * 1500, "bad_frame"),
    (
        "nesting inside a command",
        json.dumps({"kind": "command", "id": str(uuid.uuid4()), "type": "idea.create"})[:-1]
        + ', "data": {"text": '
        + DEEP
        + "}}",
        "bad_frame",
    ),
    (
        "moderate nesting inside a command",
        json.dumps({"kind": "command", "id": str(uuid.uuid4()), "type": "idea.create"})[:-1]
        + ', "data": {"text": '
        + "[" * 200
        + "]" * 200
        + "}}",
        "bad_frame",
    ),
    ("not JSON", "{kind: command", "bad_frame"),
    ("unclosed nesting", "[" * 900, "bad_frame"),
    ("a list", "[]", "bad_frame"),
    ("a number", "5", "bad_frame"),
    ("a huge number", "1" * 5000, "bad_frame"),
    ("a string", '"command"', "bad_frame"),
    ("null", "null", "bad_frame"),
    ("an unknown kind", '{"kind": ["command"]}', "bad_frame"),
    (
        "an id that is no UUID",
        '{"kind":"command","id":"abc","type":"idea.create","data":{}}',
        "bad_id",
    ),
    (
        "an id that is a number",
        '{"kind":"command","id":12345678901234567890123456789012,"type":"step.start","data":{}}',
        "bad_id",
    ),
    ("an id that is an object", '{"kind":"command","id":{"a":1},"type":"x","data":{}}', "bad_id"),
    (
        "a huge id",
        json.dumps({"kind": "command", "id": "a" * 15000, "type": "idea.create", "data": {}}),
        "bad_id",
    ),
    (
        "data that is a list",
        json.dumps({"kind": "command", "id": str(uuid.uuid4()), "type": "idea.create", "data": []}),
        "bad_frame",
    ),
    (
        "a type that is a number",
        json.dumps({"kind": "command", "id": str(uuid.uuid4()), "type": 7, "data": {}}),
        "bad_frame",
    ),
    (
        "a huge type",
        json.dumps({"kind": "command", "id": str(uuid.uuid4()), "type": "x" * 15000, "data": {}}),
        "unknown_command",
    ),
    (
        "a huge text",
        json.dumps(
            {
                "kind": "command",
                "id": str(uuid.uuid4()),
                "type": "idea.create",
                "data": {"text": "é" * 7000},
            },
            ensure_ascii=False,
        ),
        "too_long",
    ),
    (
        "a text that is a list",
        json.dumps(
            {
                "kind": "command",
                "id": str(uuid.uuid4()),
                "type": "idea.create",
                "data": {"text": [1]},
            }
        ),
        "invalid",
    ),
    (
        "an idea id that is text",
        json.dumps(
            {
                "kind": "command",
                "id": str(uuid.uuid4()),
                "type": "idea.edit",
                "data": {"idea": "7", "text": "x"},
            }
        ),
        "not_found",
    ),
    (
        "an idea id far too large",
        json.dumps(
            {
                "kind": "command",
                "id": str(uuid.uuid4()),
                "type": "idea.withdraw",
                "data": {"idea": 10**30},
            }
        ),
        "not_found",
    ),
]


@pytest.mark.parametrize(
    ("raw", "code"),
    [(raw, code) for _name, raw, code in MALFORMED],
    ids=[name for name, _raw, _code in MALFORMED],
)
async def test_a_malformed_frame_is_answered_and_the_socket_stays_usable(setup, raw, code, caplog):
    assert len(raw.encode()) <= 16384
    async with connected(PATH, user=setup.hosts[0]) as tablet:
        await receive_json(tablet)
        with caplog.at_level(logging.WARNING):
            await tablet.send_to(text_data=raw)
            refused = await next_answer(tablet)
            assert refused["kind"] == "error" and refused["code"] == code, refused
            assert refused["message"]
            # The same socket still works: an idea sent next is stored and acknowledged.
            key = str(uuid.uuid4())
            await tablet.send_to(text_data=idea_frame("Na de rommel", key))
            assert (await answers(tablet, [key]))[0]["kind"] == "ack"
    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []
    assert await sync_to_async(stored_texts)() == ["Na de rommel"]


async def test_a_binary_frame_that_is_not_utf8_is_a_bad_frame(setup):
    async with connected(PATH, user=setup.hosts[0]) as tablet:
        await receive_json(tablet)
        await tablet.send_to(bytes_data=b"\xff\xfe[[[")
        assert (await next_answer(tablet))["code"] == "bad_frame"
        await tablet.send_to(bytes_data=b"[" * 2000)
        assert (await next_answer(tablet))["code"] == "bad_frame"


JUNK_VALUES = [
    None,
    True,
    -1,
    0,
    2**63,
    10**30,
    1.5,
    -1e308,
    "",
    "x" * 300,
    "7",
    "abc",
    [],
    [1],
    {},
    {"a": 1},
    "\u0000",
    "\U0001f600" * 50,
]
FIELDS = [
    "text",
    "idea",
    "into",
    "theme",
    "name",
    "featured",
    "table",
    "seconds",
    "code",
    "participant",
    "birth_year",
    "seed",
]


async def test_junk_data_in_every_command_gets_a_clear_refusal_not_a_fault(setup, settings, caplog):
    settings.LIVE_COMMAND_BURST = 0  # every command reaches its service
    from deliberation.services import COMMANDS

    rng = random.Random(5)
    codes = Counter()
    async with connected(PATH, user=setup.facilitator) as control:
        await receive_json(control)
        with caplog.at_level(logging.WARNING):
            for _ in range(300):
                data = {f: rng.choice(JUNK_VALUES) for f in rng.sample(FIELDS, rng.randint(1, 4))}
                key = str(uuid.uuid4())
                await control.send_to(
                    text_data=json.dumps(
                        {
                            "kind": "command",
                            "id": key,
                            "type": rng.choice(sorted(COMMANDS)),
                            "data": data,
                        }
                    )
                )
                codes[(await answers(control, [key]))[0].get("code", "ack")] += 1
    assert "server_error" not in codes and codes["invalid"] > 0, codes
    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []
