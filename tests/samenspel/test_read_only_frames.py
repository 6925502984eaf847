"""The site channel reads nothing a client sends: junk gets ``read_only`` and the socket stays."""

import pytest
from asgiref.sync import sync_to_async

from samenspel import services
from samenspel.models import Role
from tests.factories import UserFactory
from tests.live import connected, receive_json

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_memory_layer")]


async def test_nested_and_broken_frames_on_the_site_channel_leave_it_open():
    admin = await sync_to_async(UserFactory)(roles=[Role.ADMINISTRATOR])
    resident = await sync_to_async(UserFactory)()
    async with connected("/ws/site/", user=resident) as socket:
        for frame in ("[" * 1000 + "]" * 1000, '{"a":' * 3000 + "1" + "}" * 3000, "{kind"):
            await socket.send_to(text_data=frame)
            assert (await receive_json(socket))["code"] == "read_only"
        await socket.send_to(bytes_data=b"\xff" + b"[" * 5000)
        assert (await receive_json(socket))["code"] == "read_only"
        await sync_to_async(services.site_notice_publish)(text="De lunch begint om 12:30", by=admin)
        assert (await receive_json(socket))["data"] == {"text": "De lunch begint om 12:30"}
