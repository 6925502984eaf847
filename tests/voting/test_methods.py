"""The registry of voting methods: one entry for every method a poll can have, and every
published result, the demo's and an amendment vote's included, recounts from its file."""

import json

import pytest
from django.utils import timezone
from django.utils.translation import override

from deliberation.drafts import services as draft_services
from samenspel.demo import DemoContext
from samenspel.models import Role
from tests.drafts.factories import make_draft, publish
from tests.factories import UserFactory
from tests.voting.test_amendments import TEXT, propose
from voting import amendments, contexts, demo, methods, recount, services
from voting.models import Method, Poll

# The names the recount took before the registry; scripts and published guides use them.
RECOUNT_NAMES = ("irv", "stv", "schulze", "borda", "copeland", "approval", "greedy", "mes", "score", "dot")


def test_every_method_a_poll_can_have_has_exactly_one_registry_entry():
    assert set(methods.REGISTRY) == set(Method.values)
    for key, entry in methods.REGISTRY.items():
        assert entry.key == key


def test_registry_labels_are_the_labels_people_see():
    with override("nl"):
        for value, label in Method.choices:
            assert methods.get(value).label == str(label)


def test_recount_keeps_its_method_names_and_takes_every_stored_value():
    for name in RECOUNT_NAMES:
        assert methods.by_recount_name(name) is not None, name
    for value in Method.values:
        assert methods.by_recount_name(value) is methods.get(value)
    assert methods.by_recount_name("greedy") is methods.get("budget_greedy")
    assert methods.by_recount_name("loting") is None


def recount_result(tmp_path, capsys, poll):
    result = poll.result
    path = tmp_path / result.file_name
    path.write_text(result.file_text, encoding="utf-8")
    spec = services.poll_spec(poll, list(poll.options.order_by("position")))
    assert recount.main([str(path), *poll.voting_method.recount_arguments(spec), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.django_db
def test_every_demo_poll_recounts_to_its_published_result(tmp_path, capsys):
    people = [UserFactory() for _ in range(12)]
    staff = {"gespreksleider": UserFactory(roles=[Role.FACILITATOR])}
    demo.seed(
        DemoContext(
            now=timezone.now(), small=True, fresh=True, staff=staff,
            table_hosts=people[:2], residents=people[2:],
        )
    )
    for poll in Poll.objects.filter(status=Poll.Status.OPEN):
        services.poll_close(poll=poll, by=staff["gespreksleider"])
    polls = list(Poll.objects.select_related("result"))
    assert {poll.method for poll in polls} == set(Method.values)
    for poll in polls:
        recounted = recount_result(tmp_path, capsys, poll)
        stored = poll.result.outcome
        assert recounted["winners"] == stored["winners"], poll.title
        assert recounted["ranking"] == stored["ranking"], poll.title
        if "points" in stored:
            assert recounted["points"] == stored["points"], poll.title


@pytest.mark.django_db
def test_an_amendment_vote_recounts_to_its_published_result(tmp_path, capsys):
    editor = UserFactory(roles=[Role.EDITOR])
    anna, bram, cees = (UserFactory(roles=[Role.RESIDENT]) for _ in range(3))
    draft = make_draft(text=TEXT, kind="jeugdnota")
    version = publish(draft, editor)
    batch = draft_services.amendments_put_to_vote(
        amendments=[
            propose(version, anna, "doordeweekse avonden", "alle avonden, ook in het weekend"),
            propose(version, bram, "Elke school krijgt een coach.", ""),
        ],
        by=editor,
        now=timezone.now(),
    )
    poll = amendments.poll_of(contexts.draft_amendments(draft.slug, batch))
    assert poll is not None
    services.ballot_cast(poll=poll, participant=anna, choice={"1": "yes", "2": "no"})
    services.ballot_cast(poll=poll, participant=bram, choice={"1": "yes", "2": "yes"})
    services.ballot_cast(poll=poll, participant=cees, choice={"1": "abstain", "2": "no"})
    services.poll_close(poll=poll, by=editor)
    poll = Poll.objects.select_related("result").get(pk=poll.pk)
    recounted = recount_result(tmp_path, capsys, poll)
    assert recounted["winners"] == ["1"] == poll.result.outcome["winners"]
    assert recounted["points"] == poll.result.outcome["points"]
    assert (recounted["points"]["1"]["yes"], recounted["points"]["1"]["abstain"]) == (2, 1)
