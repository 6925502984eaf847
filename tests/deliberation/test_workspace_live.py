"""A change to a running summit's agenda in the workspace reaches its open screens."""

import pytest
from asgiref.sync import sync_to_async

from deliberation import services
from samenspel.models import Role
from tests.deliberation.factories import make_summit
from tests.deliberation.test_live_channel import (
    PATH,
    answer,
    assert_shape,
    command,
    event_of,
    receive_frame,
)
from tests.factories import UserFactory
from tests.live import connected

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_memory_layer")]


async def test_a_step_added_to_an_open_summit_reaches_the_control_page_in_order(in_memory_layer):
    setup = await sync_to_async(make_summit)()
    admin = await sync_to_async(UserFactory)(roles=[Role.ADMINISTRATOR])
    async with connected(PATH, user=setup.facilitator) as control:
        await receive_frame(control)
        assert (await answer(control, await command(control, "step.advance")))["kind"] == "ack"
        await sync_to_async(services.summit_step_add)(
            summit=setup.summit,
            by=admin,
            kind="closing",
            title="Borrel",
            question="",
            minutes=30,
        )
        changed = await event_of(control, "agenda.changed")
        assert_shape(changed)
        titles = [step["title"] for step in changed["data"]["agenda"]]
        assert titles == ["Welkom", "Tafelronde", "Clusteren", "Stemmen", "Afsluiting", "Borrel"]
        assert changed["seq"] == 2  # numbered after the step the facilitator started
        # A screen that reconnects gets the same agenda in its snapshot.
    async with connected(PATH, user=setup.residents[0]) as phone:
        snapshot = await receive_frame(phone)
        assert snapshot["data"]["agenda"][-1]["title"] == "Borrel"
        assert snapshot["seq"] == 2
