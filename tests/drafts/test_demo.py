import pytest
from django.urls import reverse

from deliberation.drafts import selectors
from deliberation.drafts.demo import FINISHED_SLUG
from deliberation.drafts.models import Draft, NotaKind
from tests.demo_seed import seed_demo

pytestmark = pytest.mark.django_db


def test_demo_seeds_all_four_nota_kinds_once_with_something_on_every_page(tmp_path, client):
    seed_demo(tmp_path / "l.txt", tmp_path / "c.csv", runs=2)
    # The finished nota (its reaction period over) is the council tests' concern.
    drafts = list(Draft.objects.exclude(slug=FINISHED_SLUG))
    assert sorted(d.kind for d in drafts) == sorted(NotaKind.values)
    for draft in drafts:
        assert "Diemen" in selectors.draft_live_text(draft)
        assert draft.versions.count() == 1
        assert draft.amendments.count() == 1
        page = client.get(reverse("drafts:detail", args=[draft.slug]))
        assert page.status_code == 200
        assert "Goed punt" in page.content.decode()
    assert client.login(username="ambtenaar", password="samen-diemen-2026")
    assert client.get(reverse("drafts:editor", args=[drafts[0].slug])).status_code == 200
