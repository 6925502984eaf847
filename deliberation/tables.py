"""What other apps ask about a summit's tables. Voting asks who sits at the tables a person
hosts, so that a table host enters paper ballots for their own table only (voting has no
tables; ``DeliberationConfig.ready`` hands it this function)."""

from __future__ import annotations

from voting import contexts

from .models import Participant


def hosted_table_members(context: str, host_id: int) -> set[int]:
    """The user ids of the participants seated at the tables ``host_id`` hosts in the
    summit of a poll's ``context`` ('summit:<slug>/step:4'); none outside a summit."""
    slug = contexts.summit_slug(context)
    if not slug:
        return set()
    return set(
        Participant.objects.filter(summit__slug=slug, table__host=host_id).values_list(
            "user_id", flat=True
        )
    )
