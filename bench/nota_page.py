"""How fast a nota's read page answers when people reacted to it: a nota with a long update
log (many writers), many comments (some with replies, some resolved) and amendments on a
throwaway PostgreSQL; the read page asked K times by a resident and by an editor, names
shown and hidden, and with all comment threads (``?reacties=alle``, names hidden); prints
the median and p99 server time, the number of queries, the page's size and a fingerprint
of the page (the same fingerprint: the same page, bar form tokens and nonces).

With ``--before DIR`` (a checkout of another commit, e.g. made with ``git worktree add``;
may be given more than once) the same database is measured with that checkout's code,
then with this one's, in turn ``--rounds`` times, so all see the same machine. Run from
the checkout:

    .venv/bin/python bench/nota_page.py [--before DIR ...] [--rounds 2] [--writers 200]
        [--updates 20000] [--comments 1000] [--amendments 200] [--loads 30]
        [--save-pages DIR]

Bounded: the whole run stops after --timeout seconds; PostgreSQL is stopped on exit.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build(writers: int, updates: int, comments: int, amendments: int) -> str:
    """The nota (bench/nota_names.py's, with replies and resolved comments); its slug."""
    from django.utils import timezone

    from bench.nota_names import build as build_nota
    from deliberation.drafts.models import Comment
    from samenspel.models import User

    slug = build_nota(writers, updates, comments, amendments)
    now = timezone.now()
    people = list(User.objects.filter(username__startswith="inwoner").order_by("pk"))
    resident = User.objects.create_user("lezer", display_name="Lezer")
    threads = list(Comment.objects.filter(version__draft__slug=slug).order_by("pk"))
    Comment.objects.bulk_create(
        Comment(
            version_id=thread.version_id, parent=thread, author=people[n % len(people)],
            body=f"Antwoord op reactie {n}", created_at=now,
        )
        for n, thread in enumerate(threads[::5])
    )  # fmt: skip
    Comment.objects.filter(pk__in=[thread.pk for thread in threads[::10]]).update(
        resolved_at=now, resolved_by=resident
    )
    return slug


def measure(slug: str, loads: int, save: Path | None = None) -> list[dict[str, object]]:
    """Each page K times in this process; the code is whatever ``sys.path`` imports."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from deliberation.drafts import setup
    from deliberation.drafts.models import Draft
    from samenspel.models import User

    admin = User.objects.get(username="beheer")
    readers = {"resident": User.objects.get(username="lezer"), "editor": admin}
    rows = []
    pages = [(visible, who, "") for visible in (True, False) for who in readers] + [
        (False, who, "?reacties=alle") for who in readers
    ]
    for visible, who, query in pages:
        draft = Draft.objects.get(slug=slug)
        setup.draft_names_visible_set(draft=draft, by=admin, visible=visible)
        client = Client()
        client.force_login(readers[who])
        path = f"/nota/{slug}/{query}"
        first = client.get(path)  # warm up
        assert first.status_code == 200, first.status_code
        if save is not None:
            name = f"{who}-{'shown' if visible else 'hidden'}{'-all' if query else ''}.html"
            (save / name).write_bytes(first.content)
        times = []
        for _load in range(loads):
            began = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        rows.append(
            {
                "page": f"{who}, names {'shown' if visible else 'hidden'}"
                + (", all threads" if query else ""),
                "times": times,
                "queries": len(queries),
                "bytes": len(first.content),
                "page_hash": _page_hash(first.content),
            }
        )
    return rows


def _page_hash(content: bytes) -> str:
    """A fingerprint of the page as a reader gets it: the same for the same page, whatever
    its form tokens and script nonces (which differ on every load)."""
    import hashlib
    import re

    page = re.sub(rb'(name="csrfmiddlewaretoken" value|nonce)="[^"]*"', b"", content)
    return hashlib.sha256(page).hexdigest()[:12]


def _p99(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def _child(code: Path, slug: str, loads: int, save: Path | None) -> None:
    """Measure with the code of ``code`` (first on ``sys.path``) and print the rows as JSON."""
    sys.path[:0] = [str(code)]
    import django

    django.setup()
    print(json.dumps(measure(slug, loads, save)))


def _run_child(
    code: Path, slug: str, loads: int, timeout: float, save: Path | None
) -> list[dict[str, object]]:
    saving = ["--save-pages", str(save)] if save is not None else []
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--measure", str(code), "--slug", slug]
        + ["--loads", str(loads), *saving],
        cwd=code,
        env=os.environ,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise SystemExit(f"measuring {code} failed:\n{done.stderr[-3000:]}")
    result: list[dict[str, object]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _commit_of(code: Path) -> str:
    """The checkout's folder name and commit, with a + when its files differ from it."""
    head = subprocess.run(
        ["git", "-C", str(code), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    changed = subprocess.run(
        ["git", "-C", str(code), "diff", "--quiet", "HEAD", "--", "deliberation", "samenspel"],
        check=False,
    ).returncode
    return f"{code.resolve().name} {head}" + ("+" if changed else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--before", type=Path, action="append", default=[], help="a checkout to compare with"
    )
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--writers", type=int, default=200)
    parser.add_argument("--updates", type=int, default=20000)
    parser.add_argument("--comments", type=int, default=1000)
    parser.add_argument("--amendments", type=int, default=200)
    parser.add_argument("--loads", type=int, default=30)
    parser.add_argument("--timeout", type=int, default=900)
    parser.add_argument(
        "--save-pages", type=Path, help="keep each checkout's pages here, to compare them"
    )
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--slug", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        _child(args.measure, args.slug, args.loads, args.save_pages)
        return

    sys.path[:0] = [str(ROOT)]
    from bench.stack import django_on_postgres, start_postgres, stop, stop_after, work_folder

    stop_after(args.timeout)
    work = work_folder("nota-page-")
    postgres, port = start_postgres(work)
    try:
        django_on_postgres(port)
        slug = build(args.writers, args.updates, args.comments, args.amendments)
        print(
            f"nota with {args.writers} writers, {args.updates} logged updates, "
            f"{args.comments} comments (1 in 5 answered, 1 in 10 resolved), "
            f"{args.amendments} amendments (PostgreSQL), {args.loads} loads per page"
        )
        codes = [(_commit_of(code), code.resolve()) for code in [*args.before, ROOT]]
        results: dict[tuple[str, str], list[float]] = {}
        facts: dict[tuple[str, str], tuple[object, object]] = {}
        for _round in range(args.rounds):
            for name, code in codes:
                save = None
                if args.save_pages is not None:
                    save = args.save_pages / name.replace(" ", "-")
                    save.mkdir(parents=True, exist_ok=True)
                for row in _run_child(code, slug, args.loads, args.timeout, save):
                    key = (name, str(row["page"]))
                    results.setdefault(key, []).extend(row["times"])  # type: ignore[arg-type]
                    facts[key] = (row["queries"], row["bytes"], row["page_hash"])
        for (name, page), times in results.items():
            queries, size, page_hash = facts[(name, page)]
            print(
                f"{name:16} {page:35}: median {statistics.median(times):7.1f} ms, "
                f"p99 {_p99(times):7.1f} ms, {queries} queries, {size} bytes, "
                f"page {page_hash} ({len(times)} loads)"
            )
    finally:
        stop([postgres])


if __name__ == "__main__":
    main()
