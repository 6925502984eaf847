"""The poll channel through the real ASGI app: turnout live, the result only at closing."""

import pytest
from asgiref.sync import sync_to_async

from samenspel.models import Role
from tests.factories import UserFactory
from tests.live import closed_with, connected, past_the_opening, receive_json, snapshot_frame
from voting import services
from voting.models import Method

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_memory_layer")]


def make_open_poll():
    manager = UserFactory(roles=[Role.FACILITATOR])
    people = [UserFactory() for _ in range(3)]
    poll = services.poll_create(
        title="Welk thema eerst?",
        method=Method.IRV,
        options=[
            services.OptionSpec("Groen"),
            services.OptionSpec("Wonen"),
            services.OptionSpec("Jeugd"),
        ],
        eligible=people,
        by=manager,
    )
    services.poll_open(poll=poll, by=manager)
    return poll, manager, people


async def test_turnout_is_live_and_result_arrives_only_at_closing():
    poll, manager, (anna, bram, _cees) = await sync_to_async(make_open_poll)()
    async with (
        connected(f"/ws/polls/{poll.pk}/", user=anna) as phone,
        connected(f"/ws/polls/{poll.pk}/", user=manager) as hall,
    ):
        for socket in (phone, hall):
            snapshot = await snapshot_frame(socket)
            assert snapshot == {
                "kind": "snapshot",
                "data": {"poll": poll.pk, "status": "open", "voted": 0, "eligible": 3},
            }
        await sync_to_async(services.ballot_cast)(poll=poll, participant=anna, choice=["2", "1"])
        for socket in (phone, hall):
            event = await past_the_opening(socket)
            assert event == {
                "kind": "event",
                "type": "turnout.changed",
                "data": {"poll": poll.pk, "voted": 1, "eligible": 3},
            }
        # Two quick casts: the relay coalesces, the latest count always arrives.
        await sync_to_async(services.ballot_cast)(poll=poll, participant=bram, choice=["2"])
        await sync_to_async(services.ballot_cast)(poll=poll, participant=anna, choice=["2", "3"])
        for socket in (phone, hall):
            event = await receive_json(socket)
            assert event["data"]["voted"] == 2
        assert await phone.receive_nothing(0.6)  # the re-vote changed no turnout
        await sync_to_async(services.poll_close)(poll=poll, by=manager)
        for socket in (phone, hall):
            event = await receive_json(socket)
            assert event["type"] == "poll.closed"
            data = event["data"]
            assert data["voted"] == 2 and data["eligible"] == 3
            assert data["winners"] == ["Wonen"]
            assert {row["title"] for row in data["rows"]} == {"Groen", "Wonen", "Jeugd"}
            assert len(data["file_sha256"]) == 64


async def test_turnout_frames_carry_no_ballot_content():
    poll, _manager, (anna, *_rest) = await sync_to_async(make_open_poll)()
    async with connected(f"/ws/polls/{poll.pk}/", user=anna) as phone:
        await snapshot_frame(phone)
        await sync_to_async(services.ballot_cast)(poll=poll, participant=anna, choice=["3"])
        event = await past_the_opening(phone)
        assert event["type"] == "turnout.changed"
        assert set(event["data"]) == {"poll", "voted", "eligible"}


async def test_strangers_unknown_polls_and_anonymous_sockets_are_refused():
    poll, _manager, _people = await sync_to_async(make_open_poll)()
    stranger = await sync_to_async(UserFactory)()
    from tests.live import communicator

    assert await closed_with(await communicator(f"/ws/polls/{poll.pk}/", user=stranger)) == 4403
    assert await closed_with(await communicator("/ws/polls/999999/", user=stranger)) == 4404
    assert await closed_with(await communicator(f"/ws/polls/{poll.pk}/")) == 4401
    assert (
        await closed_with(
            await communicator(
                f"/ws/polls/{poll.pk}/", user=stranger, origin="https://evil.example"
            )
        )
        == 4403
    )


async def test_the_channel_is_read_only():
    poll, _manager, (anna, *_rest) = await sync_to_async(make_open_poll)()
    async with connected(f"/ws/polls/{poll.pk}/", user=anna) as phone:
        await snapshot_frame(phone)
        await phone.send_to(text_data='{"type": "ballot"}')
        reply = await past_the_opening(phone)
        assert reply["code"] == "read_only"


async def test_a_poll_that_shows_turnout_only_at_closing_tells_no_count_while_open(client):
    """ "Opkomst live tonen" off: neither the channel nor the read API says how many voted
    until the poll closes; then both do."""
    poll, manager, (anna, bram, _cees) = await sync_to_async(make_open_poll)()
    await sync_to_async(type(poll).objects.filter(pk=poll.pk).update)(live_turnout=False)
    # The ballot is cast on the poll as stored: a stale copy that still said "live" pushed
    # the turnout, which reached the phone late, on a busy machine, as its first frame.
    poll = await sync_to_async(type(poll).objects.get)(pk=poll.pk)
    await sync_to_async(services.ballot_cast)(poll=poll, participant=bram, choice=["1"])
    async with connected(f"/ws/polls/{poll.pk}/", user=anna) as phone:
        snapshot = await snapshot_frame(phone)
        assert snapshot["data"]["voted"] is None and snapshot["data"]["eligible"] == 3
        assert await phone.receive_nothing(0.6), "no turnout pushed"
    listed = await sync_to_async(client.get)(f"/api/v1/polls/{poll.pk}/")
    assert listed.json()["voted"] is None
    await sync_to_async(services.poll_close)(poll=poll, by=manager)
    listed = await sync_to_async(client.get)(f"/api/v1/polls/{poll.pk}/")
    assert listed.json()["voted"] == 1
