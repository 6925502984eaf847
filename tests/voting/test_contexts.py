"""A poll's context is built and read in one place (voting/contexts.py)."""

import uuid

from hypothesis import given
from hypothesis import strategies as st

from voting import contexts
from voting.contexts import PollContext

slugs = st.from_regex(r"[a-z0-9][a-z0-9-]{0,40}", fullmatch=True)


@given(slugs, st.integers(min_value=0, max_value=999))
def test_a_summit_step_context_reads_back_as_its_summit_and_step(slug, step):
    context = contexts.summit_step(slug, step)
    assert context == f"summit:{slug}/step:{step}"
    read = contexts.parse(context)
    assert (read.kind, read.slug, read.step, read.amendments) == ("summit", slug, step, None)
    assert contexts.scope_of(context) == f"summit:{slug}"
    assert contexts.summit_slug(context) == slug


@given(slugs, st.uuids())
def test_an_amendment_batch_context_reads_back_as_its_draft_and_batch(slug, batch):
    context = contexts.draft_amendments(slug, batch)
    assert context == f"draft:{slug}/amendments:{batch}"
    assert contexts.parse(context) == PollContext(scope=f"draft:{slug}", amendments=batch)
    assert contexts.scope_of(context) == f"draft:{slug}"
    assert contexts.summit_slug(context) == ""


def test_contexts_typed_by_hand_keep_their_scope_and_lose_what_is_unknown():
    assert contexts.parse("") == PollContext()
    assert contexts.parse("draft:sportnota-2026") == PollContext(scope="draft:sportnota-2026")
    assert contexts.parse("summit:x/step:vier/iets") == PollContext(scope="summit:x")
    assert contexts.parse("draft:x/amendments:geen-uuid") == PollContext(scope="draft:x")
    assert contexts.parse("buurtbudget") == PollContext(scope="buurtbudget")
    assert contexts.summit_slug("buurtbudget") == ""
    assert str(contexts.parse(f"draft:x/amendments:{uuid.UUID(int=1)}")).endswith(
        "00000000-0000-0000-0000-000000000001"
    )
