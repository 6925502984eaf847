"""What the council's reading room costs with every summit's vote shown: S summits with P
frozen proposals each on a throwaway PostgreSQL, each summit's approval vote cast by V
residents through the voting service, closed and shown in the hall, half the proposals
answered; then the reading room (all, one topic, one status, a search, all three at once),
each asked K times. Prints the median and p99 time and the number of queries. Run from the
checkout:

    .venv/bin/python bench/reading_room.py [--summits 20] [--proposals 50] [--voters 30]
        [--loads 20]

Bounded: the whole run stops after --timeout seconds; PostgreSQL is stopped on exit.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.stack import (  # noqa: E402
    django_on_postgres,
    start_postgres,
    stop,
    stop_after,
    timed,
    work_folder,
)


def build(summits: int, proposals: int, voters: int) -> None:
    """The summits, their shown votes and answers; a council member ``raadslid``."""
    from django.utils import timezone

    from council import services as council_services
    from deliberation.models import Proposal, Step, Summit, SummitTable, SummitVote, Theme
    from samenspel import services as core_services
    from samenspel.models import Role, User
    from voting import services as voting

    rng = random.Random(14)
    now = timezone.now()
    admin = User.objects.create_user("beheer", display_name="Beheerder")
    core_services.role_grant(user=admin, role=str(Role.ADMINISTRATOR))
    member = User.objects.create_user("raadslid")
    core_services.role_grant(user=member, role=str(Role.COUNCIL_MEMBER))
    people = User.objects.bulk_create(User(username=f"inwoner{n:04d}") for n in range(voters))
    for number in range(summits):
        summit = Summit.objects.create(
            slug=f"burgertop-{number}",
            title=f"Burgertop {number}",
            date=now.date(),
            status=Summit.Status.CLOSED,
        )
        step = Step.objects.create(summit=summit, position=1, kind=Step.Kind.VOTE, title="Stem")
        themes = Theme.objects.bulk_create(
            Theme(summit=summit, name=name)
            for name in ("Groen en klimaat", "Verkeer", "Wonen", "Samen in de wijk", "Jong en oud")
        )
        tables = SummitTable.objects.bulk_create(
            SummitTable(summit=summit, number=n + 1) for n in range(proposals)
        )
        made = Proposal.objects.bulk_create(
            Proposal(
                summit=summit,
                number=n + 1,
                table=tables[n],
                theme=themes[n % len(themes)],
                title=f"Voorstel {n + 1}: meer bomen in de wijk",
                text=f"De gemeente plant **{n + 1}** bomen.",
                status=Proposal.Status.FROZEN,
                frozen_at=now,
                created_at=now,
                updated_at=now,
            )
            for n in range(proposals)
        )
        poll = voting.poll_create(
            title=f"Stemmen op de voorstellen van burgertop {number}",
            method="approval",
            options=[
                voting.OptionSpec(
                    title=p.title, description=p.text, reference=f"proposal:{p.number}"
                )
                for p in made
            ],
            eligible=people,
            context=f"summit:{summit.slug}/step:{step.pk}",
            max_choices=3,
            by=admin,
        )
        voting.poll_open(poll=poll, by=admin)
        keys = [option.key for option in poll.options.order_by("position")]
        for person in people:
            voting.ballot_cast(poll=poll, participant=person, choice=rng.sample(keys, 3))
        voting.poll_close(poll=poll, by=admin)
        SummitVote.objects.create(
            summit=summit, step=step, poll=poll, opened_at=now, revealed_at=timezone.now()
        )
        for proposal in made[::2]:
            council_services.answer_record(
                proposal=proposal,
                by=admin,
                given=council_services.AnswerInput(
                    status_key=rng.choice(["adopted", "not_adopted", "in_progress"]),
                    reasons="De raad neemt de bomen over.",
                ),
            )


def measure(loads: int) -> None:
    from django.test import Client

    from samenspel.models import User

    member = Client()
    member.force_login(User.objects.get(username="raadslid"))
    page = member.get("/raad/").content.decode()
    shown = page.count("data-result")
    print(f"proposals with their vote result on the page: {shown}")
    pages = [
        ("reading room, all", "/raad/"),
        ("one topic", "/raad/?topic=thema%3AVerkeer"),
        ("one status", "/raad/?status=adopted"),
        ("no answer yet", "/raad/?status=geen"),
        ("a search", "/raad/?q=bomen+wijk"),
        ("topic + status + search", "/raad/?topic=thema%3AWonen&status=geen&q=bomen"),
    ]
    for name, path in pages:

        def load(path: str = path) -> None:
            assert member.get(path).status_code == 200

        timed(name, loads, load)
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--summits", type=int, default=20)
    parser.add_argument("--proposals", type=int, default=50)
    parser.add_argument("--voters", type=int, default=30)
    parser.add_argument("--loads", type=int, default=20)
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args()
    stop_after(args.timeout)
    work = work_folder("reading-room-")
    postgres, port = start_postgres(work)
    try:
        django_on_postgres(port)
        started = time.perf_counter()
        build(args.summits, args.proposals, args.voters)
        print(
            f"{args.summits} summits with {args.proposals} frozen proposals each, each summit's "
            f"approval vote cast by {args.voters} residents, closed and shown, half the "
            f"proposals answered (PostgreSQL); built in {time.perf_counter() - started:.1f} s"
        )
        measure(args.loads)
    finally:
        stop([postgres])


if __name__ == "__main__":
    main()
