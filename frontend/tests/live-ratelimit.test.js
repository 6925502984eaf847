import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { LiveSession, retryDelay } from "../src/live-core.js";

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

/** A session with a clock of its own: `run()` fires the timers that are due, in order. */
function session(overrides = {}) {
  const sent = [];
  const errors = [];
  const timers = [];
  let now = 0;
  let counter = 0;
  const storage = overrides.storage ?? new FakeStorage();
  const live = new LiveSession({
    storage,
    storageKey: "outbox:test",
    transmit: (frame) => {
      if (!live.isOpen) return false;
      sent.push(frame);
      return true;
    },
    newId: () => `00000000-0000-4000-8000-${String(++counter).padStart(12, "0")}`,
    onError: (message, code, id) => errors.push({ message, code, id }),
    setTimer: (run, ms) => {
      const timer = { at: now + ms, run };
      timers.push(timer);
      return timer;
    },
    clearTimer: (timer) => timers.splice(timers.indexOf(timer), 1),
    ...overrides,
  });
  const advance = (ms) => {
    now += ms;
    for (;;) {
      timers.sort((a, b) => a.at - b.at);
      if (!timers.length || timers[0].at > now) return;
      timers.shift().run();
    }
  };
  return { live, sent, errors, timers, advance, storage };
}

const limited = (id, retryAfter = 0.34) => ({
  kind: "error", id, code: "rate_limited", message: "U stuurt te veel opdrachten kort na elkaar. Wacht even en probeer het opnieuw.",
  retry_after: retryAfter,
});
const ack = (id, n = 1) => ({ kind: "ack", id, result: { idea: n } });
const ids = (frames) => frames.map((frame) => frame.id);

describe("rate-limited commands", () => {
  test("a rate-limited command stays in the outbox and is sent again after retry_after", async () => {
    const { live, sent, errors, advance } = session();
    live.opened();
    const promise = live.send("idea.create", { text: "Meer bankjes" });
    live.receive(limited(promise.id, 0.5));
    assert.equal(live.outbox.size, 1);
    assert.deepEqual(errors, []); // nothing to tell the user yet: it goes by itself
    advance(499);
    assert.equal(sent.length, 1);
    advance(1);
    assert.deepEqual(ids(sent), [promise.id, promise.id]);
    assert.deepEqual(sent[1].data, { text: "Meer bankjes" });
    live.receive(ack(promise.id, 7));
    assert.deepEqual(await promise, { idea: 7 });
    assert.equal(live.outbox.size, 0);
  });

  test("a long outbox resent at a reconnect is sent on at the server's pace, in order", () => {
    const storage = new FakeStorage();
    const first = session({ storage });
    const typed = Array.from({ length: 25 }, (_, n) => first.live.send("idea.create", { text: `Idee ${n}` }).id);
    const { live, sent, advance, errors } = session({ storage }); // a reload, then online
    live.opened();
    assert.deepEqual(ids(sent), typed);
    for (const id of typed.slice(0, 20)) live.receive(ack(id));
    for (const id of typed.slice(20)) live.receive(limited(id));
    sent.length = 0;
    // One at a time: the next goes only after the one before was answered.
    for (const id of typed.slice(20)) {
      advance(340);
      assert.deepEqual(ids(sent), [id]);
      advance(1000);
      assert.deepEqual(ids(sent), [id]);
      live.receive(ack(id));
      sent.length = 0;
    }
    assert.equal(live.outbox.size, 0);
    assert.deepEqual(errors, []);
  });

  test("a command typed while others wait goes after them, not on top of them", () => {
    const { live, sent, advance } = session();
    live.opened();
    const waiting = live.send("idea.create", { text: "Eerste" });
    live.receive(limited(waiting.id));
    const later = live.send("idea.create", { text: "Tweede" });
    assert.deepEqual(ids(sent), [waiting.id]);
    advance(340);
    assert.deepEqual(ids(sent), [waiting.id, waiting.id]);
    live.receive(ack(waiting.id));
    advance(340);
    assert.deepEqual(ids(sent), [waiting.id, waiting.id, later.id]);
  });

  test("refused again and again, it is given up: the promise rejects with the message and the outbox lets go", async () => {
    const { live, sent, errors, advance } = session({ maxRateRetries: 3 });
    live.opened();
    const promise = live.send("idea.create", { text: "Meer bankjes" });
    for (let n = 0; n < 3; n += 1) {
      live.receive(limited(promise.id, 1));
      advance(1000);
    }
    assert.equal(sent.length, 4);
    live.receive(limited(promise.id, 1));
    await assert.rejects(promise, (error) => error.code === "rate_limited" && /Wacht even/.test(error.message));
    assert.deepEqual(errors.map((e) => e.code), ["rate_limited"]);
    assert.equal(live.outbox.size, 0);
    advance(60_000);
    assert.equal(sent.length, 4); // never sent again
  });

  test("a reconnect resends everything itself and drops the waiting timer", () => {
    const { live, sent, timers, advance } = session();
    live.opened();
    const promise = live.send("idea.create", { text: "Meer bankjes" });
    live.receive(limited(promise.id));
    live.closed();
    assert.equal(timers.length, 0);
    live.opened();
    assert.deepEqual(ids(sent), [promise.id, promise.id]);
    advance(10_000);
    assert.equal(sent.length, 2);
  });

  test("other errors still settle a command at once", async () => {
    const { live, errors } = session();
    live.opened();
    const promise = live.send("idea.create", { text: "" });
    live.receive({ kind: "error", id: promise.id, code: "invalid", message: "Een idee mag niet leeg zijn." });
    await assert.rejects(promise, /niet leeg/);
    assert.equal(errors.length, 1);
    assert.equal(live.outbox.size, 0);
  });

  test("the wait is the server's retry_after, kept between 50 ms and 30 s", () => {
    assert.equal(retryDelay(0.34), 340);
    assert.equal(retryDelay(0), 50);
    assert.equal(retryDelay(1e9), 30_000);
    assert.equal(retryDelay(undefined), 1000);
    assert.equal(retryDelay("x"), 1000);
  });
});

describe("rate-limited snapshot requests", () => {
  test("a refused snapshot request is asked again after retry_after, once, and not reported", () => {
    const { live, sent, errors, advance } = session();
    live.opened();
    live.receive({ kind: "snapshot", seq: 3, data: {} });
    live.receive({ kind: "event", seq: 5, type: "idea.created", data: {} }); // a gap
    assert.deepEqual(sent, [{ kind: "snapshot.request", seq: 3 }]);
    live.receive({ ...limited(null, 0.2) });
    live.receive({ ...limited(null, 0.2) });
    advance(199);
    assert.equal(sent.length, 1);
    advance(1);
    assert.deepEqual(sent, [{ kind: "snapshot.request", seq: 3 }, { kind: "snapshot.request", seq: 3 }]);
    advance(10_000);
    assert.equal(sent.length, 2);
    assert.deepEqual(errors, []);
  });

  test("a closed socket drops the pending snapshot request: the next one starts with a snapshot", () => {
    const { live, sent, timers } = session();
    live.opened();
    live.receive(limited(null, 1));
    live.closed();
    assert.equal(timers.length, 0);
    assert.equal(sent.length, 0);
  });
});
