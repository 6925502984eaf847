"""What hiding residents' names costs a nota's pages: a nota with a long update log (many
writers), many comments and amendments on a throwaway PostgreSQL; the read page, the
versions page and the workspace page asked K times each with names shown and hidden;
prints the median and p99 time and the number of queries per page. Run from the checkout:

    .venv/bin/python bench/nota_names.py [--writers 200] [--updates 20000] [--comments 1000]
        [--amendments 200] [--loads 30]

Bounded: the whole run stops after --timeout seconds; PostgreSQL is stopped on exit.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.stack import (  # noqa: E402
    django_on_postgres,
    report,
    start_postgres,
    stop,
    stop_after,
    work_folder,
)

TEXT = "# Jeugdnota\n\n" + "".join(
    f"## {n}. Hoofdstuk {n}\n\nHet jongerenwerk is open in wijk {n}.\n\n" for n in range(1, 21)
)


def build(writers: int, updates: int, comments: int, amendments: int) -> str:
    """The nota, its people and its discussion; returns its slug."""
    from django.utils import timezone

    from deliberation.drafts import services, setup
    from deliberation.drafts.models import Amendment, Comment, DraftUpdate
    from samenspel import services as core_services
    from samenspel.models import Role, User

    now = timezone.now()
    admin = User.objects.create_user("beheer", is_staff=True)
    core_services.role_grant(user=admin, role=str(Role.ADMINISTRATOR))
    people = User.objects.bulk_create(
        User(username=f"inwoner{n}", display_name=f"Inwoner Naam {n}") for n in range(writers)
    )
    draft = setup.draft_start(by=admin, title="Jeugdnota", kind="jeugdnota", now=now, text=TEXT)
    version = services.version_publish(draft=draft, by=admin, now=now)
    # The log as compaction leaves it: rows keep their author, their bytes are gone.
    DraftUpdate.objects.bulk_create(
        DraftUpdate(
            draft=draft, data=b"", author=people[n % writers], created_at=now, compacted=True
        )
        for n in range(updates)
    )
    passage = "Het jongerenwerk is open in wijk 1."
    start = TEXT.index(passage)
    Comment.objects.bulk_create(
        Comment(
            version=version, author=people[(n * 7) % writers], passage=passage, start=start,
            body=f"Reactie {n}", created_at=now,
        )
        for n in range(comments)
    )  # fmt: skip
    Amendment.objects.bulk_create(
        Amendment(
            draft=draft, version=version, author=people[(n * 3) % writers], passage=passage,
            start=start, replacement=f"Het jongerenwerk is {n} avonden open.",
            rationale="Meer avonden.", created_at=now,
        )
        for n in range(amendments)
    )  # fmt: skip
    return draft.slug


def measure(slug: str, loads: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from deliberation.drafts import selectors, setup
    from deliberation.drafts.models import Draft
    from samenspel.models import User

    admin = User.objects.get(username="beheer")
    client = Client()
    client.force_login(admin)
    pages = {
        "read page": f"/nota/{slug}/",
        "versions": f"/nota/{slug}/versies/",
        "workspace": f"/werkruimte/nota/{slug}/",
    }
    for visible in (True, False):
        draft = Draft.objects.get(slug=slug)
        setup.draft_names_visible_set(draft=draft, by=admin, visible=visible)
        draft.refresh_from_db()
        label = "names shown" if visible else "names hidden"
        labels = []
        for _load in range(loads):
            began = time.perf_counter()
            selectors.author_labels(draft)
            labels.append((time.perf_counter() - began) * 1000)
        report(f"{label} labels    ", labels, None, 23)
        for name, path in pages.items():
            assert client.get(path).status_code == 200  # warm up
            times = []
            for _load in range(loads):
                began = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            report(f"{label} {name:10}", times, len(queries), 23)




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--writers", type=int, default=200)
    parser.add_argument("--updates", type=int, default=20000)
    parser.add_argument("--comments", type=int, default=1000)
    parser.add_argument("--amendments", type=int, default=200)
    parser.add_argument("--loads", type=int, default=30)
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args()
    stop_after(args.timeout)
    work = work_folder("nota-names-")
    postgres, port = start_postgres(work)
    try:
        django_on_postgres(port)
        slug = build(args.writers, args.updates, args.comments, args.amendments)
        print(
            f"nota with {args.writers} writers, {args.updates} logged updates, "
            f"{args.comments} comments, {args.amendments} amendments (PostgreSQL)"
        )
        measure(slug, args.loads)
    finally:
        stop([postgres])


if __name__ == "__main__":
    main()
