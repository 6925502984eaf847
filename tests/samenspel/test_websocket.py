import pytest
from asgiref.sync import sync_to_async

from samenspel import services
from samenspel.models import Role
from tests.factories import UserFactory
from tests.live import closed_with, communicator, connected, receive_json

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_memory_layer")]


async def test_foreign_origin_is_closed_with_4403():
    user = await sync_to_async(UserFactory)()
    socket = await communicator("/ws/site/", user=user, origin="https://evil.example")
    assert await closed_with(socket) == 4403


async def test_missing_login_is_closed_with_4401():
    socket = await communicator("/ws/site/")
    assert await closed_with(socket) == 4401


async def test_wrong_token_is_closed_with_4401_even_with_a_cookie():
    user = await sync_to_async(UserFactory)()
    socket = await communicator("/ws/site/", user=user, token="not-a-token", origin=None)
    assert await closed_with(socket) == 4401


async def test_browser_without_origin_is_refused_but_token_client_is_served():
    user = await sync_to_async(UserFactory)()
    no_origin = await communicator("/ws/site/", user=user, origin=None)
    assert await closed_with(no_origin) == 4403

    token = await sync_to_async(services.api_token_for)(user=user)
    async with connected("/ws/site/", token=token, origin=None) as socket:
        assert await socket.receive_nothing(0.1)


async def test_site_notice_reaches_cookie_and_token_clients_after_commit():
    admin = await sync_to_async(UserFactory)(roles=[Role.ADMINISTRATOR])
    resident = await sync_to_async(UserFactory)()
    token = await sync_to_async(services.api_token_for)(user=resident)
    async with (
        connected("/ws/site/", user=admin) as browser,
        connected("/ws/site/", token=token) as script,
    ):
        await sync_to_async(services.site_notice_publish)(text="De lunch begint om 12:30", by=admin)
        for socket in (browser, script):
            event = await receive_json(socket)
            assert event == {
                "kind": "event",
                "type": "site.notice",
                "data": {"text": "De lunch begint om 12:30"},
            }


async def test_only_administrators_send_notices_and_empty_ones_are_refused():
    resident = await sync_to_async(UserFactory)()
    admin = await sync_to_async(UserFactory)(roles=[Role.ADMINISTRATOR])
    async with connected("/ws/site/", user=resident) as socket:
        with pytest.raises(PermissionError):
            await sync_to_async(services.site_notice_publish)(text="Hallo", by=resident)
        with pytest.raises(ValueError, match="leeg"):
            await sync_to_async(services.site_notice_publish)(text="   ", by=admin)
        assert await socket.receive_nothing(0.2)


async def test_client_frames_on_the_read_only_channel_get_an_error_frame():
    user = await sync_to_async(UserFactory)()
    async with connected("/ws/site/", user=user) as socket:
        await socket.send_to(text_data="{}")
        reply = await receive_json(socket)
        assert reply["kind"] == "error" and reply["code"] == "read_only"
