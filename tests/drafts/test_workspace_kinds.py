"""Each kind of nota (Sportnota, Jeugdnota, Cultuurnota, Omgevingsvisie) starts from its own
chapters when staff create it on the workspace page, and from the title alone when empty."""

import pytest
from django.urls import reverse

from deliberation.drafts import selectors
from deliberation.drafts.models import Draft
from samenspel.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# A chapter only that kind's outline has.
CHAPTER = {
    "sportnota": "Terugblik op de vorige sportnota",
    "jeugdnota": "Preventie en het voorliggend veld",
    "cultuurnota": "Visie: cultuur van en voor iedereen",
    "omgevingsvisie": "Uitvoering en participatie",
}


@pytest.mark.parametrize("kind", sorted(CHAPTER))
def test_a_nota_of_each_kind_starts_from_its_own_chapters_or_empty(client, kind):
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR], is_staff=True))
    new = reverse("drafts:workspace_create")
    assert f'value="{kind}"' in client.get(new).content.decode()
    client.post(new, {"title": f"Nota {kind}", "kind": kind, "start": "hoofdstukken"})
    text = selectors.draft_live_text(Draft.objects.get(title=f"Nota {kind}"))
    assert text.startswith(f"# Nota {kind}\n") and CHAPTER[kind] in text
    for other, chapter in CHAPTER.items():
        if other != kind:
            assert chapter not in text

    client.post(new, {"title": f"Leeg {kind}", "kind": kind, "start": "leeg"})
    assert selectors.draft_live_text(Draft.objects.get(title=f"Leeg {kind}")) == f"# Leeg {kind}\n"
