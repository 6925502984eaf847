"""Reading the sealed ballots of an open poll in tests, as closing would (tests hold SECRET_KEY)."""

from types import SimpleNamespace

from voting import formats, sealing
from voting.models import PendingBallot, Poll


def sealed_ballots(poll: Poll) -> list[SimpleNamespace]:
    """Every ballot waiting in ``poll`` with its content, source and tracker."""
    ballots = []
    for row in PendingBallot.objects.filter(poll=poll):
        data = sealing.unseal(poll_id=poll.pk, lookup=row.lookup, sealed=bytes(row.sealed))
        tracker = formats.tracker_code(poll.secret.encode(), data["id"])
        ballots.append(SimpleNamespace(tracker=tracker, **data))
    return ballots


def sealed_ballot(poll: Poll) -> SimpleNamespace:
    """The one ballot waiting in ``poll``."""
    (ballot,) = sealed_ballots(poll)
    return ballot
