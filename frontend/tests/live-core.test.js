import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  LiveSession, Outbox, SequenceTracker, backoffDelay, formatClock, isFinalClose,
  minuteAnnouncement, secondsLeft, uuid4,
} from "../src/live-core.js";

class FakeStorage {
  constructor() {
    this.data = new Map();
  }
  getItem(key) {
    return this.data.has(key) ? this.data.get(key) : null;
  }
  setItem(key, value) {
    this.data.set(key, String(value));
  }
  removeItem(key) {
    this.data.delete(key);
  }
}

function session(overrides = {}) {
  const sent = [];
  const seen = { snapshots: [], events: [], acks: [], errors: [] };
  let counter = 0;
  const live = new LiveSession({
    storage: overrides.storage ?? new FakeStorage(),
    storageKey: "outbox:test",
    transmit: (frame) => {
      if (!live.isOpen) return false;
      sent.push(frame);
      return true;
    },
    newId: () => `00000000-0000-4000-8000-${String(++counter).padStart(12, "0")}`,
    onSnapshot: (data, seq) => seen.snapshots.push({ data, seq }),
    onEvent: (type, data, seq) => seen.events.push({ type, data, seq }),
    onAck: (id, result) => seen.acks.push({ id, result }),
    onError: (message, code, id) => seen.errors.push({ message, code, id }),
    ...overrides,
  });
  return { live, sent, seen };
}

const event = (seq, type = "idea.created") => ({ kind: "event", seq, type, data: { id: seq } });

describe("sequence numbers", () => {
  test("events in order after the snapshot are applied", () => {
    const { live, seen } = session();
    live.opened();
    live.receive({ kind: "snapshot", seq: 4, data: { step: null } });
    live.receive(event(5));
    live.receive(event(6));
    assert.deepEqual(seen.snapshots, [{ data: { step: null }, seq: 4 }]);
    assert.deepEqual(seen.events.map((e) => e.seq), [5, 6]);
  });

  test("duplicate and old events are ignored", () => {
    const { live, seen, sent } = session();
    live.opened();
    live.receive({ kind: "snapshot", seq: 4, data: {} });
    live.receive(event(3));
    live.receive(event(4));
    live.receive(event(5));
    live.receive(event(5));
    assert.deepEqual(seen.events.map((e) => e.seq), [5]);
    assert.deepEqual(sent, []);
  });

  test("a gap asks for one snapshot and ignores events until it arrives", () => {
    const { live, seen, sent } = session();
    live.opened();
    live.receive({ kind: "snapshot", seq: 1, data: {} });
    live.receive(event(2));
    live.receive(event(4));
    live.receive(event(5));
    assert.deepEqual(sent, [{ kind: "snapshot.request", seq: 2 }]);
    assert.deepEqual(seen.events.map((e) => e.seq), [2]);
    live.receive({ kind: "snapshot", seq: 5, data: { fresh: true } });
    live.receive(event(5));
    live.receive(event(6));
    assert.deepEqual(seen.events.map((e) => e.seq), [2, 6]);
    assert.equal(seen.snapshots.length, 2);
  });

  test("events before the first snapshot are ignored", () => {
    const tracker = new SequenceTracker();
    assert.equal(tracker.event(1), "waiting");
    tracker.snapshot(0);
    assert.equal(tracker.event(1), "apply");
    tracker.reset();
    assert.equal(tracker.event(2), "waiting");
  });
});

describe("outbox", () => {
  test("a command sent while open is transmitted with a uuid and resolved by its ack", async () => {
    const { live, sent, seen } = session({ newId: uuid4 });
    live.opened();
    const promise = live.send("idea.create", { text: "Meer bankjes" });
    assert.equal(sent.length, 1);
    const [frame] = sent;
    assert.equal(frame.kind, "command");
    assert.equal(frame.type, "idea.create");
    assert.deepEqual(frame.data, { text: "Meer bankjes" });
    assert.match(frame.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(promise.id, frame.id);
    assert.equal(live.outbox.size, 1);
    live.receive({ kind: "ack", id: frame.id, result: { id: 7 } });
    assert.deepEqual(await promise, { id: 7 });
    assert.equal(live.outbox.size, 0);
    assert.deepEqual(seen.acks, [{ id: frame.id, result: { id: 7 } }]);
  });

  test("a command made offline waits, and every reconnect resends it with the same id", () => {
    const { live, sent } = session();
    live.send("idea.create", { text: "Een speeltuin" });
    assert.deepEqual(sent, []);
    live.opened();
    assert.equal(sent.length, 1);
    live.closed();
    live.opened();
    assert.equal(sent.length, 2);
    assert.deepEqual(sent[0], sent[1]);
    assert.equal(sent[1].id, "00000000-0000-4000-8000-000000000001");
  });

  test("resend keeps the order in which commands were made", () => {
    const { live, sent } = session();
    live.send("idea.create", { text: "eerst" });
    live.send("idea.create", { text: "daarna" });
    live.opened();
    assert.deepEqual(sent.map((f) => f.data.text), ["eerst", "daarna"]);
  });

  test("an ack removes the command, so it is not sent again", () => {
    const { live, sent } = session();
    live.opened();
    const first = live.send("idea.create", { text: "a" });
    live.send("idea.create", { text: "b" });
    live.receive({ kind: "ack", id: first.id, result: {} });
    live.closed();
    sent.length = 0;
    live.opened();
    assert.deepEqual(sent.map((f) => f.data.text), ["b"]);
  });

  test("a repeated ack for the same id is harmless", async () => {
    const { live } = session();
    live.opened();
    const promise = live.send("step.advance");
    live.receive({ kind: "ack", id: promise.id, result: { position: 2 } });
    live.receive({ kind: "ack", id: promise.id, result: { position: 2 } });
    assert.deepEqual(await promise, { position: 2 });
    assert.equal(live.outbox.size, 0);
  });

  test("an error for a command removes it and rejects with the server's message", async () => {
    const { live, seen } = session();
    live.opened();
    const promise = live.send("idea.create", { text: "" });
    live.receive({ kind: "error", id: promise.id, code: "invalid", message: "Schrijf eerst een idee." });
    await assert.rejects(promise, (error) => error.message === "Schrijf eerst een idee." && error.code === "invalid");
    assert.equal(live.outbox.size, 0);
    assert.deepEqual(seen.errors, [{ message: "Schrijf eerst een idee.", code: "invalid", id: promise.id }]);
  });

  test("an error without id is reported and leaves the outbox alone", () => {
    const { live, seen } = session();
    live.send("idea.create", { text: "x" });
    live.receive({ kind: "error", id: null, code: "bad_frame", message: "Onbekend bericht." });
    assert.equal(live.outbox.size, 1);
    assert.equal(seen.errors[0].code, "bad_frame");
  });

  test("a command too large for the server is refused at once and never stored", async () => {
    const storage = new FakeStorage();
    const { live, sent } = session({ storage, maxFrameBytes: 200 });
    live.opened();
    await assert.rejects(live.send("idea.create", { text: "é".repeat(200) }), { code: "too_large" });
    assert.deepEqual(sent, []);
    assert.equal(storage.getItem("outbox:test"), null);
  });

  test("the persisted outbox survives a new instance (a reload) and is resent with the same ids", () => {
    const storage = new FakeStorage();
    const before = session({ storage });
    const promise = before.live.send("idea.create", { text: "Bewaard bij herladen" });
    const after = session({ storage, newId: () => "not-used" });
    assert.equal(after.live.outbox.size, 1);
    after.live.opened();
    assert.deepEqual(after.sent, [
      { kind: "command", id: promise.id, type: "idea.create", data: { text: "Bewaard bij herladen" } },
    ]);
    after.live.receive({ kind: "ack", id: promise.id, result: { id: 9 } });
    assert.deepEqual(after.seen.acks, [{ id: promise.id, result: { id: 9 } }]);
    assert.equal(new Outbox(storage, "outbox:test").size, 0);
    assert.equal(storage.getItem("outbox:test"), null);
  });

  test("two pages on the same storage do not drop each other's commands", () => {
    const storage = new FakeStorage();
    const one = new Outbox(storage, "k");
    const two = new Outbox(storage, "k");
    one.add({ id: "a", type: "idea.create", data: {} });
    two.add({ id: "b", type: "idea.create", data: {} });
    one.remove("a");
    assert.deepEqual(new Outbox(storage, "k").entries().map((c) => c.id), ["b"]);
  });

  test("unreadable or missing storage still gives a working outbox", () => {
    const broken = { getItem: () => "{not json", setItem: () => { throw new Error("quota"); }, removeItem() {} };
    const outbox = new Outbox(broken, "k");
    outbox.add({ id: "a", type: "t", data: {} });
    assert.equal(outbox.size, 1);
    const none = new Outbox(null, "k");
    none.add({ id: "b", type: "t" });
    assert.deepEqual(none.entries(), [{ id: "b", type: "t", data: {} }]);
  });
});

describe("reconnecting", () => {
  test("close codes 4000-4999 are final", () => {
    assert.ok(isFinalClose(4403));
    assert.ok(isFinalClose(4401));
    assert.ok(isFinalClose(4413));
    assert.ok(!isFinalClose(1006));
    assert.ok(!isFinalClose(1011));
  });

  test("backoff grows exponentially with jitter and is capped near 10 s", () => {
    const low = (n) => backoffDelay(n, { random: () => 0 });
    const high = (n) => backoffDelay(n, { random: () => 1 });
    assert.equal(high(0), 500);
    assert.equal(low(0), 250);
    assert.equal(high(1), 1000);
    assert.equal(high(3), 4000);
    assert.equal(high(10), 10_000);
    assert.equal(high(1000), 10_000);
    assert.equal(low(1000), 5000);
  });

  test("uuid4 works without crypto.randomUUID (plain http)", () => {
    const id = uuid4({ getRandomValues: (a) => globalThis.crypto.getRandomValues(a) });
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe("countdown arithmetic", () => {
  test("seconds left round up and never go below zero", () => {
    assert.equal(secondsLeft(10_000, 0), 10);
    assert.equal(secondsLeft(10_000, 9_800), 1);
    assert.equal(secondsLeft(10_000, 10_000), 0);
    assert.equal(secondsLeft(10_000, 99_000), 0);
  });

  test("the clock reads minutes and seconds, hours when needed", () => {
    assert.equal(formatClock(0), "0:00");
    assert.equal(formatClock(245), "4:05");
    assert.equal(formatClock(3723), "1:02:03");
  });

  test("announcements only at whole minutes and at the end", () => {
    assert.equal(minuteAnnouncement(61, "nl"), null);
    assert.equal(minuteAnnouncement(120, "nl"), "Nog 2 minuten");
    assert.equal(minuteAnnouncement(60, "nl"), "Nog 1 minuut");
    assert.equal(minuteAnnouncement(300, "en"), "5 minutes left");
    assert.equal(minuteAnnouncement(0, "en"), "Time is up");
  });
});
