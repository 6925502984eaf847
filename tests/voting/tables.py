"""Seating people at a summit table in tests: a table host enters paper ballots only for
the people at their own table (voting.rules.paper_ballot_voters)."""

from deliberation.models import Participant, Summit, SummitTable


def seat(host, people, slug="burgertop-2026"):
    """Seat ``people`` at a new table of the summit ``slug`` (created if needed), hosted by
    ``host``."""
    summit, _created = Summit.objects.get_or_create(slug=slug, defaults={"title": slug})
    number = SummitTable.objects.filter(summit=summit).count() + 1
    table = SummitTable.objects.create(summit=summit, number=number, host=host)
    Participant.objects.bulk_create(
        Participant(summit=summit, user=person, table=table) for person in people
    )
    return table
