"""What the moderation queue costs with many reports beside much hidden: the hidden content
of bench/moderation_queue.py, plus N visible ideas in its summit with R reports each and, in
each nota, C visible comments with R reports each, on a throwaway PostgreSQL; the queue (all,
and one summit) and the workspace page asked K times each as an administrator; prints the
median and p99 time and the number of queries per page. Run from the checkout:

    .venv/bin/python bench/moderation_reports.py [--reported-ideas 1000]
        [--reported-comments 250] [--reports 3] [--loads 30]

Bounded: the whole run stops after --timeout seconds; PostgreSQL is stopped on exit.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.moderation_queue import build as build_hidden  # noqa: E402
from bench.moderation_queue import measure  # noqa: E402
from bench.stack import (  # noqa: E402
    django_on_postgres,
    start_postgres,
    stop,
    stop_after,
    work_folder,
)


def build_reported(ideas: int, comments: int, reports: int) -> None:
    """Visible ideas and comments, each reported by ``reports`` different residents."""
    from django.utils import timezone

    from deliberation.drafts.models import Comment, CommentReport, Draft
    from deliberation.models import Idea, IdeaReport, Summit, SummitTable
    from samenspel.models import User
    from samenspel.reports import ReportReason

    now = timezone.now()
    people = list(User.objects.filter(username__startswith="inwoner").order_by("pk"))
    reasons = ReportReason.values
    summit = Summit.objects.get(slug="burgertop")
    tables = list(SummitTable.objects.filter(summit=summit).order_by("number"))
    reported = Idea.objects.bulk_create(
        Idea(
            summit=summit, table=tables[n % len(tables)], author=people[n % len(people)],
            text=f"Gemeld idee {n}", created_at=now, updated_at=now,
        )
        for n in range(ideas)
    )  # fmt: skip
    IdeaReport.objects.bulk_create(
        (
            IdeaReport(
                summit=summit, idea=idea, by=people[(n + k + 1) % len(people)],
                reason=reasons[k % len(reasons)], note=f"Toelichting {k}" if k == 0 else "",
                at=now,
            )
            for n, idea in enumerate(reported)
            for k in range(reports)
        ),
        batch_size=1000,
    )  # fmt: skip
    for draft in Draft.objects.all():
        version = draft.versions.order_by("-number").first()
        assert version is not None
        rows = Comment.objects.bulk_create(
            Comment(
                version=version, author=people[n % len(people)], passage="iedereen",
                start=version.text.index("iedereen"), body=f"Gemelde reactie {n}",
                created_at=now,
            )
            for n in range(comments)
        )  # fmt: skip
        CommentReport.objects.bulk_create(
            (
                CommentReport(
                    draft=draft, comment=comment, by=people[(n + k + 1) % len(people)],
                    reason=reasons[k % len(reasons)], at=now,
                )
                for n, comment in enumerate(rows)
                for k in range(reports)
            ),
            batch_size=1000,
        )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ideas", type=int, default=1000, help="hidden ideas")
    parser.add_argument("--notas", type=int, default=4)
    parser.add_argument("--comments", type=int, default=250, help="hidden comments per nota")
    parser.add_argument("--reported-ideas", type=int, default=1000)
    parser.add_argument("--reported-comments", type=int, default=250, help="per nota")
    parser.add_argument("--reports", type=int, default=3, help="reports per reported item")
    parser.add_argument("--loads", type=int, default=30)
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args()
    stop_after(args.timeout)
    work = work_folder("moderation-reports-")
    postgres, port = start_postgres(work)
    try:
        django_on_postgres(port)
        process = build_hidden(args.ideas, args.notas, args.comments)
        build_reported(args.reported_ideas, args.reported_comments, args.reports)
        print(
            f"{args.ideas} hidden and {args.reported_ideas} reported ideas in one summit, "
            f"{args.notas} notas with {args.comments} hidden and {args.reported_comments} "
            f"reported comments each, {args.reports} reports per reported item (PostgreSQL)"
        )
        measure(process, args.loads)
    finally:
        stop([postgres])


if __name__ == "__main__":
    main()
