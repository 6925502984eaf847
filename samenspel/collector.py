"""Python's cyclic garbage collector in a server process that holds thousands of sockets.

CPython's collector runs a full collection each time the objects that survived earlier
ones grew by a quarter, and a full collection walks every object it tracks, holding up the
event loop meanwhile: no frame is written, no command answered, no handshake accepted.
Measured with ``bench/live_summit.py --production --processes 2 --screens 5000`` (a
collector callback logging each collection over 10 ms): a Daphne process tracks about
127,000 objects once Django has started and about 455,000 with 2,500 sockets open; full
collections came every 50,000 objects or so while screens connected and again in the burst
of ideas, and took 0.1-0.8 s each at a load average of 2-10, up to 4.1 s at 10-15. That
pause made Daphne refuse the handshakes that were waiting (it gives an application 5 s to
accept them). They found next to nothing: 0 to 1,400 objects of garbage each. With the
settings below the same run logged no full collection and no collection over 37 ms.

So a server process:

- freezes what starting Django made (``gc.freeze``): modules, settings, URL patterns and
  templates live as long as the process, and no collection walks them again;
- collects the youngest objects after every 50,000 new ones instead of 700, so that
  short-lived objects (a frame's dicts, a command's task) are gone before they are looked
  at, and fewer of them reach the older generations;
- runs a full collection only after ten collections of the middle generation, that is
  after millions of new objects, not on every quarter of growth (``gc.freeze`` empties the
  oldest generation, so the quarter rule no longer holds it back).

Garbage in cycles is still collected, by the young collections and by the rare full ones.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 50_000  # CPython's default is 700
MIDDLE_THRESHOLD = 20  # default 10
OLD_THRESHOLD = 10  # default 10


def settle() -> None:
    """Freeze the objects made so far and set the thresholds above; once, at start-up."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, MIDDLE_THRESHOLD, OLD_THRESHOLD)
