"""Fault: an editor (an invited resident) sends malformed Yjs updates into a nota two others write.

    .venv/bin/python bench/faults/cowrite_malformed.py [--offline 3000] [--online 300]
        [--seed N] [--deadline 600]

First, without a server, ``--offline`` updates are made by mutating valid ones (a flipped or
changed byte, a cut, an inserted byte, a string with an emoji cut or not UTF-8) and the
server's check (``deliberation/drafts/yupdates.py``) is asked about each; for every update
pycrdt applies, what pycrdt reads is compared with what yjs (the browser's library, run in
node) reads from the same bytes. It prints how many pycrdt would have read differently
(today's text differing from the editors'), and how many of those the check lets through.

Then it starts a throwaway PostgreSQL (as the postgres user, its own data dir) and Redis on
loopback and two Daphne processes on them (production settings). A civil servant types text
with emojis through the first process; an editor on the second watches, keeping every frame
it gets; an invited resident on the first sends the hand-made cases of
``tests/drafts/malformed.py`` and ``--online`` mutated updates, each on a new connection, and
after each asks to sync. It prints what was tried, how each ended (refused with 4400,
answered with the server's state, or accepted), and compares the stored nota with: the
watching editor's text, what yjs reads from the frames that editor got, what yjs reads from
the stored log, and what a new editor reads after both processes restarted. Exit status 1 if
any of them differ. Everything it starts is stopped; the run is bounded by ``--deadline``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pycrdt import (  # noqa: E402
    Doc,
    Text,
    YMessageType,
    YSyncMessageType,
    create_sync_message,
    create_update_message,
    handle_sync_message,
    merge_updates,
)

from bench.stack import start_postgres, start_redis, stop  # noqa: E402
from deliberation.drafts import protocol  # noqa: E402
from deliberation.drafts.yupdates import UpdateIncomplete, UpdateRefused, check_update  # noqa: E402
from tests.drafts.malformed import (  # noqa: E402
    EMOJI_WORDS,
    FRONTEND,
    STRING,
    cases,
    item,
    string,
    update,
    yjs_read,
)
from tests.multiprocess import free_port, production_env, start_daphne, wait_for_port  # noqa: E402

TEXT_NAME = "codemirror"
BASE_TEXT = "# Sportnota\n\nDiemen sport samen. 🏊 Zwemmen 🚴 fietsen.\n"
SNIPPETS = ["Hallo ", "😀", "wereld 🎉 ", "é", "\x00\x1b", "👩‍👩‍👧", "a😀b"]


# ---------------------------------------------------------------- mutating valid updates


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One random change of a valid update's bytes."""
    out = bytearray(data)
    how = rng.randrange(7)
    if how == 0 and out:  # flip a bit
        spot = rng.randrange(len(out))
        out[spot] ^= 1 << rng.randrange(8)
    elif how == 1 and out:  # another byte
        out[rng.randrange(len(out))] = rng.randrange(256)
    elif how == 2 and len(out) > 1:  # cut short
        del out[rng.randrange(1, len(out)) :]
    elif how == 3:  # a byte more
        out.insert(rng.randrange(len(out) + 1), rng.randrange(256))
    elif how == 4:  # garbage after it
        out += bytes(rng.randrange(256) for _ in range(rng.randrange(1, 6)))
    elif how == 5 and out:  # a small number made larger or smaller
        spot = rng.randrange(len(out))
        if out[spot] < 0x80:
            out[spot] = max(0, min(0x7F, out[spot] + rng.choice([-2, -1, 1, 2])))
    else:  # an emoji's UTF-8 bytes cut, or a surrogate written as UTF-8, inside a string
        emoji = "😀".encode()
        spot = bytes(out).find(emoji)
        if spot >= 0:
            out[spot : spot + 4] = rng.choice([emoji[:2] + b"ab", b"\xed\xa0\xbd\xed"])
    return bytes(out)


def valid_edit(doc: Doc, rng: random.Random) -> bytes:
    """A random edit of ``doc``'s text (an insert, a delete, or both), as an update."""
    text = doc.get(TEXT_NAME, type=Text)
    before = doc.get_state()

    def offset(shown: str, at: int) -> int:
        return len(shown[:at].encode())  # pycrdt's text offsets count UTF-8 bytes

    shown = str(text)
    with doc.transaction():
        if shown and rng.random() < 0.4:
            start = rng.randrange(len(shown))
            end = min(len(shown), start + rng.randrange(1, 4))
            del text[offset(shown, start) : offset(shown, end)]
            shown = str(text)
        text.insert(offset(shown, rng.randrange(len(shown) + 1)), rng.choice(SNIPPETS))
    return doc.get_update(before)


def rewired(known: list[tuple[int, int]], rng: random.Random) -> bytes:
    """An insert by a new client between two known items picked at random (a Yjs client
    names the two neighbours it typed between)."""
    origin, right = rng.choice(known), rng.choice(known)
    words = string(rng.choice(SNIPPETS))
    if rng.random() < 0.2:
        return update([(rng.randrange(1, 2**32), 0, [item(STRING, words, origin=origin)])])
    return update([(rng.randrange(1, 2**32), 0, [item(STRING, words, origin=origin, right=right)])])


def _state(doc: Doc) -> dict[int, int]:
    return protocol.parse_state_vector(doc.get_state())


def offline(count: int, rng: random.Random) -> dict[str, int]:
    """Mutated updates against a server document: pycrdt's reading against yjs's."""
    server = Doc()
    server.get(TEXT_NAME, type=Text).insert(0, BASE_TEXT)
    for _ in range(20):
        writer = Doc()
        writer.apply_update(server.get_update())
        server.apply_update(valid_edit(writer, rng))
    base = server.get_update()
    known = [(client, clock) for client, end in _state(server).items() for clock in range(end)]
    updates = []
    for _ in range(count):
        editor = Doc()
        editor.apply_update(base)
        edit = valid_edit(editor, rng)
        updates.append(mutate(edit, rng) if rng.random() < 0.7 else rewired(known, rng))
    script = (
        'import * as Y from "yjs"; import { readFileSync } from "node:fs";'
        'const { base, updates } = JSON.parse(readFileSync(0, "utf8"));'
        "const out = updates.map((hex) => { const doc = new Y.Doc();"
        ' const text = doc.getText("codemirror"); Y.applyUpdate(doc, Buffer.from(base, "hex"));'
        ' try { Y.applyUpdate(doc, Buffer.from(hex, "hex")); } catch { return null; }'
        " return { text: text.toString(),"
        " pending: doc.store.pendingStructs !== null || doc.store.pendingDs !== null }; });"
        "process.stdout.write(JSON.stringify(out));"
    )
    result = subprocess.run(
        ["node", "--input-type=module", "-e", script],
        input=json.dumps({"base": base.hex(), "updates": [u.hex() for u in updates]}),
        capture_output=True, text=True, cwd=FRONTEND, timeout=300, check=True,
    )  # fmt: skip
    browser = json.loads(result.stdout)
    tally = dict.fromkeys(
        ["tried", "pycrdt_applied", "read_differently", "check_refused", "check_incomplete",
         "check_accepted", "accepted_and_read_differently"], 0,
    )  # fmt: skip
    for data, seen in zip(updates, browser, strict=True):
        tally["tried"] += 1
        doc = Doc()
        doc.apply_update(base)
        try:
            doc.apply_update(data)
            applied = True
        except Exception:
            applied = False
        ours = str(doc.get(TEXT_NAME, type=Text))
        again = Doc()
        again.apply_update(doc.get_update())
        restored = str(again.get(TEXT_NAME, type=Text))
        differs = seen is None or seen["pending"] or not (ours == restored == seen["text"])
        if applied:
            tally["pycrdt_applied"] += 1
            tally["read_differently"] += differs
        try:
            check_update(server, data, text_name=TEXT_NAME)
        except UpdateIncomplete:
            tally["check_incomplete"] += 1
            continue
        except UpdateRefused:
            tally["check_refused"] += 1
            continue
        tally["check_accepted"] += 1
        if (not applied) or differs:
            tally["accepted_and_read_differently"] += 1
            print("  accepted, read differently:", data.hex(), repr(ours), seen)
    return tally


# ---------------------------------------------------------------- services and servers


def start_services(work: Path, processes: list[subprocess.Popen[bytes]]) -> tuple[str, str]:
    postgres, pg_port = start_postgres(work, ["fsync=off"])
    processes.append(postgres)
    redis, redis_port = start_redis(work)
    processes.append(redis)
    return f"postgres://postgres@127.0.0.1:{pg_port}/postgres", f"redis://127.0.0.1:{redis_port}/0"


def prepare(database_url: str, redis_url: str) -> tuple[object, dict[str, str]]:
    """Migrate, and make the draft and the API tokens of the writer, watcher and resident."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="samenspel.settings", DATABASE_URL=database_url,
        REDIS_URL=redis_url, DEBUG="0", SECRET_KEY="fault-only-" + secrets.token_urlsafe(40),
        ALLOWED_HOSTS="127.0.0.1,localhost",
    )  # fmt: skip
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from deliberation.drafts import services
    from samenspel import services as core
    from samenspel.models import Role, User

    call_command("migrate", verbosity=0, interactive=False)
    draft = services.draft_create(
        slug="kwaadwillig", title="Kwaadwillig", kind="sportnota", by=None,
        now=timezone.now(), text=BASE_TEXT,
    )  # fmt: skip
    tokens = {}
    users = {}
    for name in ("writer", "watcher", "resident"):
        users[name], _created = User.objects.get_or_create(username=f"fault-{name}")
        role = Role.RESIDENT if name == "resident" else Role.EDITOR
        core.role_grant(user=users[name], role=str(role))
        tokens[name] = core.api_token_for(user=users[name])
    services.draft_editor_invite(draft=draft, user=users["resident"], by=users["writer"])
    return draft, tokens


# ---------------------------------------------------------------- y-websocket clients


class Client:
    """A y-websocket client on pycrdt that keeps every update it received."""

    def __init__(self, socket, doc: Doc | None = None) -> None:  # type: ignore[no-untyped-def]
        self.socket = socket
        self.doc = doc or Doc()
        self.text = self.doc.get(TEXT_NAME, type=Text)
        self.received: list[bytes] = []

    @classmethod
    async def open(cls, port: int, slug: str, token: str, doc: Doc | None = None) -> Client:
        import websockets

        url = f"ws://127.0.0.1:{port}/ws/drafts/{slug}?token={token}"
        socket = await websockets.connect(url, max_size=None, open_timeout=10)
        return cls(socket, doc)

    async def frame(self, timeout: float = 5) -> protocol.Frame:
        data = await asyncio.wait_for(self.socket.recv(), timeout)
        frame = protocol.parse_frame(data)
        if frame.kind == YMessageType.SYNC:
            if frame.sync_type != YSyncMessageType.SYNC_STEP1:
                self.received.append(frame.payload)
            reply = handle_sync_message(data[1:], self.doc)
            if reply is not None:
                await self.socket.send(reply)
        return frame

    async def sync(self) -> None:
        await self.socket.send(create_sync_message(self.doc))
        while (await self.frame()).sync_type != YSyncMessageType.SYNC_STEP2:
            pass

    async def drain(self, seconds: float) -> None:
        """Take in what arrives for ``seconds``."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            try:
                await self.frame(left)
            except TimeoutError:
                return

    async def edit(self, rng: random.Random) -> None:
        await self.socket.send(create_update_message(valid_edit(self.doc, rng)))


async def attack(port: int, slug: str, token: str, data: bytes) -> str:
    """Send one update on a new connection; how it ended: refused, state, or accepted."""
    client = await Client.open(port, slug, token)
    try:
        await client.frame()  # the server's step 1
        await client.socket.send(create_update_message(data))
        await client.socket.send(create_sync_message(client.doc))
        while True:
            frame = await client.frame()
            if frame.kind != YMessageType.SYNC:
                continue
            if frame.sync_type == YSyncMessageType.SYNC_STEP1:
                return "answered with the server's state"
            if frame.sync_type == YSyncMessageType.SYNC_STEP2:
                return "accepted"
    except Exception as error:
        code = getattr(getattr(error, "rcvd", None), "code", None)
        return f"closed {code}" if code else f"failed ({type(error).__name__})"
    finally:
        await client.socket.close()


async def online(args, rng: random.Random, work: Path) -> int:  # type: ignore[no-untyped-def]
    from asgiref.sync import sync_to_async

    processes: list[subprocess.Popen[bytes]] = []
    try:
        database_url, redis_url = start_services(work, processes)
        draft, tokens = await sync_to_async(prepare)(database_url, redis_url)
        from deliberation.drafts import selectors
        from deliberation.drafts.models import DraftUpdate

        slug = draft.slug  # type: ignore[attr-defined]
        env = production_env(DATABASE_URL=database_url, REDIS_URL=redis_url)
        ports = [free_port(), free_port()]

        def start() -> list[subprocess.Popen[bytes]]:
            daphnes = [start_daphne(port, env, work / f"daphne-{port}.log") for port in ports]
            for daphne, port in zip(daphnes, ports, strict=True):
                wait_for_port(daphne, port, 30)
            return daphnes

        daphnes = start()
        processes.extend(daphnes)
        writer = await Client.open(ports[0], slug, tokens["writer"])
        watcher = await Client.open(ports[1], slug, tokens["watcher"])
        await writer.sync()
        await watcher.sync()
        await writer.socket.send(create_update_message(_typed(writer.doc, EMOJI_WORDS)))
        await watcher.drain(0.5)

        outcomes: dict[str, dict[str, int]] = {}
        stop_at = time.monotonic() + args.deadline * 0.6
        attempts: list[tuple[str, bytes]] = [
            ("hand-made: " + case.name, case.data)
            for case in cases(writer=writer.doc.client_id, attacker=424243)
        ]
        known = [(c, k) for c, end in _state(writer.doc).items() for k in range(end)]
        for _ in range(args.online):
            editor = Doc()
            editor.apply_update(writer.doc.get_update())
            edit = valid_edit(editor, rng)
            attempts.append(
                ("mutated", mutate(edit, rng) if rng.random() < 0.7 else rewired(known, rng))
            )
        for number, (kind, data) in enumerate(attempts):
            if time.monotonic() > stop_at:
                print(f"stopped after {number} of {len(attempts)} attempts (deadline)")
                break
            outcome = await attack(ports[0], slug, tokens["resident"], data)
            group = "hand-made" if kind.startswith("hand-made") else "mutated"
            outcomes.setdefault(group, {}).setdefault(outcome, 0)
            outcomes[group][outcome] += 1
            if kind.startswith("hand-made"):
                print(f"  {kind}: {outcome}")
            if number % 10 == 0:
                await writer.edit(rng)
            await watcher.drain(0.01)
        await writer.sync()
        await watcher.drain(1.0)
        await watcher.sync()
        print("outcomes:", json.dumps(outcomes, ensure_ascii=False))

        stored = await sync_to_async(selectors.draft_live_text)(draft)
        log = await sync_to_async(
            lambda: [
                bytes(d)
                for d in DraftUpdate.objects.filter(draft=draft)
                .order_by("id")
                .values_list("data", flat=True)
            ]  # fmt: skip
        )()
        from_frames = browser_read(watcher.received)
        from_log = browser_read(log)
        try:
            folded = browser_read([merge_updates(*log)])
        except Exception as error:
            folded = {"text": f"(pycrdt could not fold the log: {error})", "pending": None}
        for client in (writer, watcher):
            await client.socket.close()
        for daphne in daphnes:
            daphne.send_signal(signal.SIGTERM)
        for daphne in daphnes:
            daphne.wait(timeout=30)
        processes[:] = [p for p in processes if p not in daphnes]
        daphnes = start()
        processes.extend(daphnes)
        fresh = await Client.open(ports[1], slug, tokens["watcher"])
        await fresh.sync()
        after_restart = str(fresh.text)
        await fresh.socket.close()

        texts = {
            "stored nota": stored,
            "watching editor (pycrdt)": str(watcher.text),
            "writer (pycrdt)": str(writer.text),
            "yjs reading the frames the watcher got": from_frames["text"],
            "yjs reading the stored log": from_log["text"],
            "yjs reading the log folded into one update (a newcomer)": folded["text"],
            "new editor after both processes restarted": after_restart,
        }
        for name, text in texts.items():
            assert isinstance(text, str)
            if text.startswith("(yjs raised"):
                print(f"  {name}: {text}, DIFFERENT")
                continue
            print(f"  {name}: {len(text.encode('utf-16-le')) // 2} UTF-16 units, "
                  f"{'same as the stored nota' if text == stored else 'DIFFERENT'}")  # fmt: skip
        held = [from_frames["pending"], from_log["pending"], folded["pending"]]
        print(f"  yjs held something back (frames, log, folded): {held}")
        same = len(set(texts.values())) == 1 and held == [False, False, False]
        print("stored nota equals what every editor sees:", "yes" if same else "NO")
        return 0 if same else 1
    finally:
        stop(processes)


def browser_read(updates: list[bytes]) -> dict[str, object]:
    """What yjs reads from these updates; an error it raised shows as the text."""
    try:
        return yjs_read(updates)
    except subprocess.CalledProcessError as error:
        errors = [line for line in error.stderr.splitlines() if "Error" in line]
        return {"text": f"(yjs raised: {errors[0] if errors else error})", "pending": None}


def _typed(doc: Doc, words: str) -> bytes:
    before = doc.get_state()
    text = doc.get(TEXT_NAME, type=Text)
    text.insert(len(str(text)), words)
    return doc.get_update(before)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--offline", type=int, default=3000)
    parser.add_argument("--online", type=int, default=300)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--deadline", type=float, default=600)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    rng = random.Random(seed)
    print(f"seed {seed}")
    started = time.monotonic()
    tally = offline(args.offline, rng)
    print("offline:", json.dumps(tally), f"({time.monotonic() - started:.1f} s)")
    work = Path(tempfile.mkdtemp(prefix="cowrite-malformed-"))
    work.chmod(0o755)  # PostgreSQL runs as its own user in a folder inside
    try:
        status = asyncio.run(asyncio.wait_for(online(args, rng, work), args.deadline))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"total {time.monotonic() - started:.1f} s")
    return status or (1 if tally["accepted_and_read_differently"] else 0)


if __name__ == "__main__":
    raise SystemExit(main())
