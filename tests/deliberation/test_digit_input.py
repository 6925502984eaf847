"""A superscript digit ('²') passes ``str.isdigit()`` but not ``int()``: a theme-table choice
or a live reconnect that carries one gets a normal answer, never a server error."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from deliberation.models import Participant, Step, Theme
from deliberation.services import theme_tables_spread
from tests.deliberation.factories import go_to_step, make_summit
from tests.live import CONNECT_TIMEOUT, communicator, receive_json


@pytest.mark.django_db
def test_a_theme_table_choice_of_a_superscript_digit_gets_a_page_and_nobody_moves(client):
    setup = make_summit(residents=4)
    Theme.objects.create(summit=setup.summit, name="Groen", featured=True)
    Theme.objects.create(summit=setup.summit, name="Verkeer", featured=True)
    go_to_step(setup.summit, Step.Kind.THEME_CHOICE)
    theme_tables_spread(summit=setup.summit, by=setup.theme_team)
    client.force_login(setup.residents[0])  # seated at table 1
    response = client.post("/burgertop/burgertop-test/thematafel/", {"table": "²"})
    assert response.status_code < 500
    assert "Groen" in response.content.decode()
    assert Participant.objects.get(user=setup.residents[0]).table.number == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("in_memory_layer")
async def test_a_reconnect_with_a_superscript_sequence_number_gets_a_snapshot():
    setup = await sync_to_async(make_summit)()
    socket = await communicator("/ws/summits/burgertop-test/", user=setup.residents[0])
    # A client that writes the byte itself: Daphne hands the query string on undecoded,
    # and the consumer reads it as Latin-1, where 0xB2 is '²'.
    socket.scope["query_string"] = b"since=\xb2"
    connected, _code = await socket.connect(CONNECT_TIMEOUT)
    try:
        assert connected
        frame = await receive_json(socket)
        assert frame["kind"] == "snapshot"
    finally:
        await socket.disconnect()
