"""What telling residents about the council's answers costs at a big summit: R residents at
tables of ten, P frozen proposals, everyone voted on all of them in a closed poll, on a
throwaway PostgreSQL. Measured: the griffie's change of one answer (the notices to every
contributor are written after the commit, inside the call), a CSV file answering every
proposal at once, the daily e-mail run (one e-mail per person, locmem backend) and the run
after it (nothing to send), and a resident's home page and /raad/nieuws/. Prints medians,
p99 and counts. Run from the checkout:

    .venv/bin/python bench/council_notices.py [--residents 1000] [--proposals 20] [--loads 10]

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
    timed,
    work_folder,
)


def build(residents: int, proposals: int) -> None:
    """A finished summit: residents seated at tables of ten, each table's proposal built on
    an idea of its first member, one closed poll on every proposal that everyone voted in."""
    from django.contrib.auth.models import Permission
    from django.utils import timezone

    from deliberation.models import Idea, Participant, Proposal, Summit, SummitTable, Theme
    from samenspel import services as core_services
    from samenspel.models import Role, User
    from voting import contexts
    from voting.models import Eligibility, Option, Poll

    now = timezone.now()
    griffie = User.objects.create_user("griffie", display_name="Griffier")
    core_services.role_grant(user=griffie, role=str(Role.COUNCIL_MEMBER))
    griffie.user_permissions.add(
        Permission.objects.get(content_type__app_label="council", codename="record_answer")
    )
    people = User.objects.bulk_create(
        User(username=f"inwoner{n:05d}", display_name=f"Inwoner {n}", email=f"i{n}@example.org")
        for n in range(residents)
    )
    summit = Summit.objects.create(
        slug="burgertop", title="Burgertop", date=now.date(), status=Summit.Status.CLOSED
    )
    theme = Theme.objects.create(summit=summit, name="Thema")
    tables = SummitTable.objects.bulk_create(
        SummitTable(summit=summit, number=n + 1) for n in range(max(proposals, residents // 10))
    )
    Participant.objects.bulk_create(
        Participant(summit=summit, user=person, checked_in_at=now, table=tables[n // 10])
        for n, person in enumerate(people)
    )
    made = []
    for n in range(proposals):
        idea = Idea.objects.create(
            summit=summit, table=tables[n], author=people[(n * 10) % residents],
            text=f"Idee {n}", theme=theme, created_at=now, updated_at=now,
        )  # fmt: skip
        proposal = Proposal.objects.create(
            summit=summit, number=n + 1, table=tables[n], theme=theme, title=f"Voorstel {n + 1}",
            text="Meer bomen.", status="frozen", frozen_at=now, created_at=now, updated_at=now,
        )  # fmt: skip
        proposal.ideas.add(idea)
        made.append(proposal)
    poll = Poll.objects.create(
        title="Stemming", method="approval", status=Poll.Status.CLOSED, created_at=now,
        context=contexts.summit_step(summit.slug, 6),
    )  # fmt: skip
    Option.objects.bulk_create(
        Option(poll=poll, position=n + 1, title=p.title, reference=f"proposal:{p.number}")
        for n, p in enumerate(made)
    )
    Eligibility.objects.bulk_create(
        Eligibility(poll=poll, participant=person, has_voted=True) for person in people
    )


def measure(residents: int, proposals: int, loads: int) -> None:
    from django.conf import settings
    from django.core import mail
    from django.test import Client
    from django.utils import timezone

    from council import notices, services
    from council.models import Notice
    from deliberation.models import Proposal
    from samenspel.models import User

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    griffie = User.objects.get(username="griffie")
    first = Proposal.objects.get(number=1)
    statuses = ["in_progress", "adopted"]
    times = []
    for load in range(loads):
        before = Notice.objects.count()
        began = time.perf_counter()
        services.answer_record(
            proposal=first,
            by=griffie,
            given=services.AnswerInput(status_key=statuses[load % 2]),
        )
        times.append((time.perf_counter() - began) * 1000)
        told = Notice.objects.count() - before
    report("change one answer + notices", times, None, width=34)
    print(f"{'':34}  {told} residents told per change (all voted on it)")

    rows = ["burgertop;voorstel;titel;status"] + [
        f"burgertop;{n};;not_adopted" for n in range(2, proposals + 1)
    ]
    before = Notice.objects.count()
    began = time.perf_counter()
    services.answer_file_import(by=griffie, data="\r\n".join(rows).encode())
    took = (time.perf_counter() - began) * 1000
    print(
        f"{'CSV file answering ' + str(proposals - 1) + ' proposals':34}: {took:8.1f} ms once "
        f"({Notice.objects.count() - before} notices written)"
    )

    now = timezone.now()
    began = time.perf_counter()
    run = notices.notice_digests_send(now=now, site_url="https://samenspel.example")
    took = (time.perf_counter() - began) * 1000
    print(
        f"{'daily e-mail run':34}: {took:8.1f} ms once ({run.sent} e-mails carrying "
        f"{run.notices} notices; {len(mail.outbox)} in the outbox)"
    )
    longest = max(len(message.body) for message in mail.outbox)
    print(f"{'':34}  longest e-mail {longest} characters")
    timed(
        "the same run again",
        max(3, loads // 2),
        lambda: notices.notice_digests_send(now=now, site_url="https://samenspel.example"),
        width=34,
    )
    again = notices.notice_digests_send(now=now, site_url="https://samenspel.example")
    print(f"{'':34}  sent {again.sent}, held back {again.held_back}")

    resident = Client()
    resident.force_login(User.objects.get(username="inwoner00000"))
    for name, path in (
        ("a resident's home page", "/"),
        ("a resident's /raad/nieuws/", "/raad/nieuws/"),
    ):

        def load(path: str = path) -> None:
            assert resident.get(path).status_code == 200

        timed(name, loads, load, width=34)
    print(
        f"{'':34}  that resident has {Notice.objects.filter(person__username='inwoner00000').count()}"
        " notices"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--residents", type=int, default=1000)
    parser.add_argument("--proposals", type=int, default=20)
    parser.add_argument("--loads", type=int, default=10)
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args()
    stop_after(args.timeout)
    work = work_folder("council-notices-")
    postgres, port = start_postgres(work)
    try:
        django_on_postgres(port)
        build(args.residents, args.proposals)
        print(
            f"{args.residents} residents at tables of ten, {args.proposals} frozen proposals, "
            "everyone voted on all of them (PostgreSQL)"
        )
        measure(args.residents, args.proposals, args.loads)
    finally:
        stop([postgres])


if __name__ == "__main__":
    main()
