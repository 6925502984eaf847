"""What putting amendments to a vote costs with the full Diemen demo (1,100 residents).

Seeds the demo into a throwaway SQLite database, then times, in this process: putting one
amendment of the Sportnota to a vote for all residents (the poll with 1,100 eligible, in
one transaction), and an editor's read page of that nota (which counts the people of each
group it offers). Bounded: RUNS votes and PAGES page loads. Prints medians and maxima.

    .venv/bin/python bench/amendment_vote.py
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

RUNS, PAGES = 5, 10
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="amendment-vote-"))
    os.environ.update(DATABASE_URL=f"sqlite:///{work / 'demo.sqlite3'}", DEBUG="1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samenspel.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from deliberation.drafts import services
    from deliberation.drafts.electorates import RESIDENTS, Electorate
    from deliberation.drafts.models import Draft
    from samenspel.models import User

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        call_command(
            "seed_demo",
            logins_file=str(work / "logins.txt"),
            codes_file=str(work / "codes.csv"),
            stdout=quiet,
        )
    print(f"seeded the full demo in {time.perf_counter() - started:.1f} s")
    draft = Draft.objects.get(slug="sportnota-2026")
    version = draft.versions.order_by("-number").first()
    editor = User.objects.get(username="ambtenaar")
    author = User.objects.filter(username__startswith="inwoner").last()
    passage = "2,1 miljoen euro"
    votes = []
    for run in range(RUNS):
        amendment = services.amendment_propose(
            version=version, by=author, passage=passage, start=version.text.index(passage),
            replacement=f"2,{run + 2} miljoen euro", rationale="Meer.", now=timezone.now(),
        )
        started = time.perf_counter()
        services.amendments_put_to_vote(
            amendments=[amendment], by=editor, now=timezone.now(),
            electorate=Electorate(RESIDENTS),
        )
        votes.append(time.perf_counter() - started)
    from voting.models import Poll

    last = Poll.objects.filter(context__startswith="draft:sportnota-2026/").last()
    eligible = last.eligibilities.count() if last else 0
    client = Client()
    client.force_login(editor)
    pages = []
    for _ in range(PAGES):
        started = time.perf_counter()
        response = client.get(f"/nota/{draft.slug}/")
        pages.append(time.perf_counter() - started)
        assert response.status_code == 200 and "Wie mogen stemmen?" in response.content.decode()
    ms = lambda values: f"median {statistics.median(values) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms"  # noqa: E731
    print(f"put to a vote for all residents ({eligible} eligible), {RUNS} runs: {ms(votes)}")
    print(f"editor's read page with the vote form, {PAGES} loads: {ms(pages)}")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
