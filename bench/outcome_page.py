"""What a summit's outcome page costs at the size of a big summit: one summit with P theme
tables, each with a frozen proposal built on four ideas, V checked-in participants who all
vote (approval) through the voting service, the vote closed, revealed and the outcome
published, on a throwaway PostgreSQL. Then the public outcome page and one proposal's page
are each asked K times by an anonymous visitor. Prints the median and p99 time and the
number of queries (the same at any P: no query per proposal). Run from the checkout:

    .venv/bin/python bench/outcome_page.py [--proposals 100] [--voters 1000] [--loads 20]

Bounded: the whole run stops after --timeout seconds; PostgreSQL is stopped on exit.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
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


def build(proposals: int, voters: int) -> str:
    """The summit, in its proposals step, then through its vote to a published outcome."""
    from django.utils import timezone

    from deliberation import services
    from deliberation.models import (
        Idea,
        Participant,
        Proposal,
        Step,
        Summit,
        SummitTable,
        SummitVote,
        Theme,
    )
    from samenspel import services as core_services
    from samenspel.models import Role, User
    from voting import services as voting

    now = timezone.now()
    facilitator = User.objects.create_user("gespreksleider")
    core_services.role_grant(user=facilitator, role=str(Role.FACILITATOR))
    summit = Summit.objects.create(
        slug="burgertop-groot", title="Burgertop groot", date=now.date(), question="Wat nu?"
    )
    for position, kind in enumerate((Step.Kind.PROPOSALS, Step.Kind.VOTE), start=1):
        Step.objects.create(summit=summit, position=position, kind=kind, title=str(kind))
    theme = Theme.objects.create(summit=summit, name="Groen")
    tables = SummitTable.objects.bulk_create(
        SummitTable(summit=summit, number=n + 1, theme=theme) for n in range(proposals)
    )
    people = User.objects.bulk_create(User(username=f"inwoner{n}") for n in range(voters))
    Participant.objects.bulk_create(
        Participant(summit=summit, user=u, checked_in_at=now, table=tables[n % proposals])
        for n, u in enumerate(people)
    )
    ideas = Idea.objects.bulk_create(
        Idea(
            summit=summit, table=tables[n % proposals], author=people[n % voters],
            text=f"Idee {n} over meer groen in de wijk", theme=theme,
            created_at=now, updated_at=now,
        )
        for n in range(proposals * 4)
    )  # fmt: skip
    made = Proposal.objects.bulk_create(
        Proposal(
            summit=summit, number=n + 1, table=tables[n], theme=theme,
            title=f"Voorstel {n + 1}", text=f"Diemen plant **{n}** bomen erbij.\n\n- en meer",
            created_at=now, updated_at=now,
        )
        for n in range(proposals)
    )  # fmt: skip
    through = Proposal.ideas.through
    through.objects.bulk_create(
        through(proposal_id=p.pk, idea_id=ideas[4 * i + k].pk)
        for i, p in enumerate(made)
        for k in range(4)
    )
    Summit.objects.filter(pk=summit.pk).update(
        current_step=Step.objects.get(summit=summit, position=1), step_state="running"
    )
    summit.refresh_from_db()
    services.summit_step_advance(summit=summit, by=facilitator, now=now)  # opens the vote
    poll = SummitVote.objects.get(summit=summit).poll
    keys = [option.key for option in poll.options.order_by("position")]
    for n, person in enumerate(people):
        voting.ballot_cast(poll=poll, participant=person, choice=[keys[n % len(keys)]])
    for command in ("vote.close", "vote.reveal"):
        services.command_run(
            summit=summit, by=facilitator, key=uuid.uuid4(), command=command, data={}, now=now
        )
    services.summit_outcome_publish(summit=summit, by=facilitator, now=now)
    return summit.slug




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--proposals", type=int, default=100)
    parser.add_argument("--voters", type=int, default=1000)
    parser.add_argument("--loads", type=int, default=20)
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args()
    stop_after(args.timeout)
    work = work_folder("outcome-page-")
    postgres, port = start_postgres(work)
    try:
        django_on_postgres(port)
        from django.test import Client

        began = time.perf_counter()
        slug = build(args.proposals, args.voters)
        print(
            f"{args.proposals} proposals on four ideas each, {args.voters} ballots, vote "
            f"closed, revealed and published in {time.perf_counter() - began:.1f} s (PostgreSQL)"
        )
        visitor = Client()
        for name, path in (
            ("outcome page", f"/burgertop/{slug}/uitkomst/"),
            ("one proposal's page", f"/burgertop/{slug}/voorstellen/1/"),
        ):

            def load(path: str = path) -> None:
                assert visitor.get(path).status_code == 200

            timed(name, args.loads, load)
    finally:
        stop([postgres])


if __name__ == "__main__":
    main()
