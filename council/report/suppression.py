"""Small groups hidden in a breakdown (by neighbourhood, by age band, ...) so that no
group's size can be worked out, not even from the breakdown's total.

Primary suppression: a group of 1 to 4 people is shown as "<5". Secondary suppression: the
total of a breakdown is published (it is the number of people present, or of residents who
reacted), so a reader knows the hidden groups' sum: the total minus the shown groups. When
that sum, with what the labels say (a "<5" group holds 1 to 4 people, a "verborgen" group at
least 5), pins down any hidden group's size, the smallest group still shown (of five or
more; in the breakdown's order on a tie) is hidden too, as "verborgen", until none is
pinned down or nothing is left to hide. Plain data in and out; no Django.
"""

from __future__ import annotations

from collections.abc import Sequence

SMALL_GROUP = 5  # a group smaller than this is never shown by its size
SMALL_TEXT = "<5"  # a group of 1 to 4
HIDDEN_TEXT = "verborgen"  # a group of 5 or more, hidden so that a small one stays hidden


def _bounds(counts: Sequence[int], hidden: Sequence[int], small: set[int]) -> list[tuple[int, int]]:
    """What a reader who knows the total and the shown groups can tell of each hidden group:
    the least and the most it can hold."""
    known_sum = sum(counts[i] for i in hidden)
    lows = {i: 1 if i in small else SMALL_GROUP for i in hidden}
    highs = {i: SMALL_GROUP - 1 if i in small else known_sum for i in hidden}
    found = []
    for i in hidden:
        others_low = sum(lows[j] for j in hidden if j != i)
        others_high = sum(highs[j] for j in hidden if j != i)
        found.append((max(lows[i], known_sum - others_high), min(highs[i], known_sum - others_low)))
    return found


def derivable(counts: Sequence[int], hidden: Sequence[int], small: set[int]) -> bool:
    """Whether some hidden group's size follows from the total and the shown groups."""
    return any(low == high for low, high in _bounds(counts, hidden, small))


def suppressed(counts: Sequence[int]) -> tuple[int | str, ...]:
    """Each group's count as the report shows it: the number, "<5", or "verborgen"
    (an empty group, 0, is shown: it hides nobody)."""
    small = {i for i, count in enumerate(counts) if 0 < count < SMALL_GROUP}
    hidden = sorted(small)
    while hidden and derivable(counts, hidden, small):
        shown = [i for i, count in enumerate(counts) if count >= SMALL_GROUP and i not in hidden]
        if not shown:
            break  # every group is hidden already; only the total is left, and it is public
        hidden = sorted([*hidden, min(shown, key=lambda i: (counts[i], i))])
    return tuple(
        SMALL_TEXT if i in small else HIDDEN_TEXT if i in hidden else count
        for i, count in enumerate(counts)
    )
