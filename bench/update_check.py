"""What checking an editor's update costs the server (``deliberation/drafts/yupdates.py``).

    .venv/bin/python bench/update_check.py [--words 6000] [--edits 2000] [--editors 20] [--seed N]

Builds a nota of ``--words`` words with emojis, then ``--editors`` editors make ``--edits``
edits at random places (a word typed, sometimes after deleting a few characters, as people
type); each edit is checked as the server checks it (``check_update``) and applied. Prints
the median and p99 of the check per edit, how many edits took the slow way (applied to two
scratch copies, ``reads_alike``) and what that costs, what applying an edit costs with the
guard learning from it and without, and what the first check of a room costs (the guard
reads the whole document once). The editors are pycrdt documents: next to an emoji pycrdt
does not name an insert's two neighbours side by side, as yjs does, so those edits take the
slow way here where a browser's would not.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pycrdt import Doc, Text  # noqa: E402

from deliberation.drafts import yupdates  # noqa: E402

TEXT_NAME = "codemirror"
WORDS = [
    "de",
    "het",
    "een",
    "sport",
    "zwembad",
    "Diemen",
    "samen",
    "fiets",
    "park",
    "😀",
    "jeugd",
    "cultuur",
    "🚴",
    "bibliotheek",
]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", type=int, default=6000)
    parser.add_argument("--edits", type=int, default=2000)
    parser.add_argument("--editors", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    server: Doc = Doc()
    server.get(TEXT_NAME, type=Text).insert(
        0, " ".join(rng.choice(WORDS) for _ in range(args.words))
    )
    plain: Doc = Doc()  # the same document without a guard learning from it
    plain.apply_update(server.get_update())
    editors = [Doc() for _ in range(args.editors)]
    # What a browser sends for an edit: its transaction's update (its own deletes only; a
    # whole-state answer to a sync carries every delete of the document).
    sent: list[bytes] = []
    for editor in editors:
        editor.observe(lambda event: sent.append(event.update))
    started = time.perf_counter()
    yupdates.guard_for(server, text_name=TEXT_NAME)
    first = time.perf_counter() - started

    checks: list[float] = []
    slow: list[float] = []
    learning: list[float] = []
    applying: list[float] = []
    for number in range(args.edits):
        editor = editors[number % len(editors)]
        editor.apply_update(server.get_update(editor.get_state()))
        text = editor.get(TEXT_NAME, type=Text)
        shown = str(text)
        at = rng.randrange(len(shown))
        sent.clear()
        with editor.transaction():
            if rng.random() < 0.3:
                cut = min(len(shown), at + rng.randrange(1, 4))
                del text[len(shown[:at].encode()) : len(shown[:cut].encode())]
            text.insert(len(shown[:at].encode()), rng.choice(WORDS) + " ")
        update = sent[-1]
        guard = yupdates.guard_for(server, text_name=TEXT_NAME)
        read = guard.check(update)
        doubtful = yupdates.needs_rereading(server, read, guard)
        started = time.perf_counter()
        yupdates.check_update(server, update, text_name=TEXT_NAME)
        took = time.perf_counter() - started
        (slow if doubtful else checks).append(took)
        started = time.perf_counter()
        server.apply_update(update)  # the guard learns from it
        learning.append(time.perf_counter() - started)
        started = time.perf_counter()
        plain.apply_update(update)
        applying.append(time.perf_counter() - started)

    reopened: Doc = Doc()  # a room opening on the edited nota reads it once
    reopened.apply_update(server.get_update())
    started = time.perf_counter()
    yupdates.guard_for(reopened, text_name=TEXT_NAME)
    first_edited = time.perf_counter() - started

    every = sorted(checks + slow)
    print(f"nota: {len(str(server.get(TEXT_NAME, type=Text)))} characters, "
          f"{len(server.get_update())} bytes encoded, {args.edits} edits by {args.editors} editors")  # fmt: skip
    print(f"first check of a room (reads the document once): {ms(first)}; "
          f"of a room opened on the edited nota: {ms(first_edited)}")  # fmt: skip
    print(f"check per edit: median {ms(statistics.median(every))}, "
          f"p99 {ms(every[int(len(every) * 0.99)])}")  # fmt: skip
    print(f"applying an edit: median {ms(statistics.median(learning))} with the guard learning "
          f"from it, {ms(statistics.median(applying))} without")  # fmt: skip
    if checks:
        print(f"  the quick way ({len(checks)} edits): median {ms(statistics.median(checks))}")
    if slow:
        print(f"  the slow way ({len(slow)} edits): median {ms(statistics.median(slow))}, "
              f"max {ms(max(slow))}")  # fmt: skip


if __name__ == "__main__":
    main()
