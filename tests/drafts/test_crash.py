"""A Daphne process killed while five editors type through two: nothing confirmed is lost."""

import os
import random

import pytest
from asgiref.sync import sync_to_async
from django.db import connection

from deliberation.drafts import selectors
from deliberation.drafts.models import Draft
from samenspel import services as core_services
from samenspel.models import Role
from tests.drafts.crash import TEXT, editors_for, killable_daphnes, tokens_in, type_through_a_kill
from tests.drafts.factories import make_draft
from tests.factories import UserFactory
from tests.multiprocess import database_url_of_tests

pytestmark = [pytest.mark.multiprocess, pytest.mark.django_db(transaction=True)]


def stored_tokens(draft: Draft) -> set[str]:
    """The tokens in the stored nota; the connection of this thread is closed after, so the
    test database can be dropped."""
    try:
        return tokens_in(selectors.draft_live_text(draft))
    finally:
        connection.close()


@pytest.mark.parametrize("victim", [0, 1])
async def test_every_edit_an_editor_saw_confirmed_is_stored_after_a_process_is_killed(
    tmp_path, victim
):
    draft = await sync_to_async(make_draft)(text=TEXT)
    users = [await sync_to_async(UserFactory)(roles=[Role.EDITOR]) for _ in range(5)]
    tokens = [await sync_to_async(core_services.api_token_for)(user=user) for user in users]
    env = dict(
        os.environ,
        DATABASE_URL=database_url_of_tests(),
        DEBUG="1",
        ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    rng = random.Random(victim)
    with killable_daphnes(2, env, tmp_path) as (processes, ports):
        editors = editors_for(draft.slug, tokens, ports, rng)
        try:
            run = await type_through_a_kill(
                editors=editors,
                processes=processes,
                victim=victim,
                # Between two writes of the log, wherever they fall.
                kill_after=1.0 + rng.random(),
                type_after=1.5,
            )
            # Read while the editors are still connected: confirmed means logged already,
            # not written when the last editor leaves.
            stored = await sync_to_async(stored_tokens)(draft)
        finally:
            for editor in editors:
                await editor.close()
    assert run.reconnects >= 2  # the killed process's editors went to the other one
    assert len(run.texts) == 1
    assert len(run.confirmed) > 50
    missing = run.confirmed - stored
    assert not missing, f"{len(missing)} confirmed edits are not in the stored nota: {missing}"
