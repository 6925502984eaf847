"""A poll of every method the voting app counts is set up through the workspace page: it is
stored with that method, opens, shows its ballot to a resident, and closes with a result page."""

from __future__ import annotations

import pytest

from samenspel.models import Role
from tests.factories import UserFactory
from tests.voting.test_workspace import form_data
from voting.models import Method, Poll

pytestmark = pytest.mark.django_db

# What the form needs beside the common fields, per method: a budget and costs for the
# budget methods, points to hand out for dot voting, two winners for STV.
EXTRA: dict[str, dict[str, str]] = {
    Method.STV: {"seats": "2"},
    Method.DOT: {"points": "5"},
    Method.BUDGET_GREEDY: {
        "budget": "5000",
        "option-1-cost": "2000",
        "option-2-cost": "2500",
        "option-3-cost": "3000",
    },
    Method.BUDGET_MES: {
        "budget": "5000",
        "option-1-cost": "2000",
        "option-2-cost": "2500",
        "option-3-cost": "3000",
    },
}


@pytest.mark.parametrize("method", [choice.value for choice in Method])
def test_every_method_is_set_up_in_the_workspace_opens_shows_its_ballot_and_closes(client, method):
    staff = UserFactory(roles=[Role.ADMINISTRATOR])
    resident = UserFactory(roles=[Role.RESIDENT])
    client.force_login(staff)
    form = client.get("/werkruimte/peiling/nieuw/").content.decode()
    assert f'value="{method}"' in form  # offered as a choice

    answer = client.post(
        "/werkruimte/peiling/nieuw/",
        form_data(method=method, title=f"Peiling {method}", **EXTRA.get(method, {})),
    )
    assert answer.status_code == 302, answer.content.decode()
    poll = Poll.objects.get(title=f"Peiling {method}")
    assert poll.method == method
    client.post(f"/werkruimte/peiling/{poll.pk}/actie/", {"action": "open"})
    assert Poll.objects.get(pk=poll.pk).status == Poll.Status.OPEN

    client.force_login(resident)
    ballot = client.get(f"/stemmen/{poll.pk}/").content.decode()
    assert "Stem uitbrengen" in ballot and "Kastanje" in ballot

    client.force_login(staff)
    client.post(f"/werkruimte/peiling/{poll.pk}/actie/", {"action": "close"})
    assert Poll.objects.get(pk=poll.pk).status == Poll.Status.CLOSED
    result = client.get(f"/stemmen/{poll.pk}/uitslag/")
    assert result.status_code == 200
