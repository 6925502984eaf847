"""What the moderation queue costs with much hidden: a summit with many hidden ideas and
several notas with many hidden comments, each with its moderation record, on a throwaway
PostgreSQL; the queue (all, and filtered to one process) and the workspace page asked K
times each as an administrator; prints the median and p99 time and the number of queries
per page. Run from the checkout:

    .venv/bin/python bench/moderation_queue.py [--ideas 1000] [--notas 4] [--comments 250]
        [--loads 30]

--comments is per nota. Bounded: the whole run stops after --timeout seconds; PostgreSQL is
stopped on exit.
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

TEXT = "# Sportnota\n\nDiemen wil dat iedereen kan sporten.\n"


def build(ideas: int, notas: int, comments: int) -> str:
    """The hidden content and its records; returns the summit's process key."""
    from django.utils import timezone

    from deliberation.drafts import services as draft_services
    from deliberation.drafts.models import Comment, CommentModeration
    from deliberation.models import Idea, IdeaModeration, Summit, SummitTable
    from samenspel import services as core_services
    from samenspel.models import Role, User

    now = timezone.now()
    admin = User.objects.create_user("beheer", is_staff=True)
    core_services.role_grant(user=admin, role=str(Role.ADMINISTRATOR))
    team = User.objects.create_user("themateam", display_name="Themateam Joost")
    people = User.objects.bulk_create(User(username=f"inwoner{n}") for n in range(100))
    summit = Summit.objects.create(slug="burgertop", title="Burgertop")
    tables = SummitTable.objects.bulk_create(
        SummitTable(summit=summit, number=n + 1, capacity=10) for n in range(100)
    )
    rows = Idea.objects.bulk_create(
        Idea(
            summit=summit, table=tables[n % 100], author=people[n % 100], text=f"Idee {n}",
            status=Idea.Status.HIDDEN, created_at=now, updated_at=now,
        )
        for n in range(ideas)
    )  # fmt: skip
    IdeaModeration.objects.bulk_create(
        IdeaModeration(
            summit=summit, idea=idea, action=IdeaModeration.Action.HIDE,
            reason=f"Persoonlijke aanval {idea.pk}", by=team, at=now,
        )
        for idea in rows
    )  # fmt: skip
    for number in range(notas):
        draft = draft_services.draft_create(
            slug=f"nota-{number}", title=f"Nota {number}", kind="sportnota", by=None, now=now,
            text=TEXT,
        )  # fmt: skip
        version = draft_services.version_publish(draft=draft, by=admin, now=now)
        start = TEXT.index("iedereen")
        hidden = Comment.objects.bulk_create(
            Comment(
                version=version, author=people[n % 100], passage="iedereen", start=start,
                body=f"Reactie {n}", created_at=now, hidden_at=now,
            )
            for n in range(comments)
        )  # fmt: skip
        CommentModeration.objects.bulk_create(
            CommentModeration(
                draft=draft, comment=comment, action=CommentModeration.Action.HIDE,
                reason="Scheldwoord", by=admin, at=now,
            )
            for comment in hidden
        )  # fmt: skip
    return summit.scope


def measure(process: str, loads: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from samenspel.models import User

    client = Client()
    client.force_login(User.objects.get(username="beheer"))
    pages = {
        "queue, all": "/werkruimte/moderatie/",
        "queue, one summit": f"/werkruimte/moderatie/?proces={process}",
        "workspace": "/werkruimte/",
    }
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
        report(name, times, len(queries), 18)




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ideas", type=int, default=1000)
    parser.add_argument("--notas", type=int, default=4)
    parser.add_argument("--comments", type=int, default=250)
    parser.add_argument("--loads", type=int, default=30)
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args()
    stop_after(args.timeout)
    work = work_folder("moderation-queue-")
    postgres, port = start_postgres(work)
    try:
        django_on_postgres(port)
        process = build(args.ideas, args.notas, args.comments)
        print(
            f"{args.ideas} hidden ideas in one summit, {args.notas} notas with "
            f"{args.comments} hidden comments each (PostgreSQL)"
        )
        measure(process, args.loads)
    finally:
        stop([postgres])


if __name__ == "__main__":
    main()
