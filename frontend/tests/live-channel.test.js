// LiveChannel against a fake WebSocket: reconnects resend the outbox, final close codes stop.
import assert from "node:assert/strict";
import { afterEach, beforeEach, mock, test } from "node:test";

import { LiveChannel } from "../src/live.js";

class FakeSocket extends EventTarget {
  static all = [];
  constructor(url) {
    super();
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    FakeSocket.all.push(this);
  }
  send(text) {
    this.sent.push(JSON.parse(text));
  }
  close(code = 1000) {
    this.readyState = 3;
    this.dispatchEvent(Object.assign(new Event("close"), { code, reason: "" }));
  }
  // Test helpers: what the server would do.
  open() {
    this.readyState = 1;
    this.dispatchEvent(new Event("open"));
  }
  push(frame) {
    this.dispatchEvent(Object.assign(new Event("message"), { data: JSON.stringify(frame) }));
  }
  drop(code = 1006, reason = "") {
    this.readyState = 3;
    this.dispatchEvent(Object.assign(new Event("close"), { code, reason }));
  }
}

beforeEach(() => {
  FakeSocket.all = [];
  mock.timers.enable({ apis: ["setTimeout"] });
});
afterEach(() => mock.timers.reset());

function channel(extra = {}) {
  const log = { status: [], closed: [], events: [] };
  const live = new LiveChannel("wss://samenspel.test/ws/summits/burgertop/", {
    WebSocket: FakeSocket,
    storage: null,
    onStatus: (s) => log.status.push(s),
    onClosed: (code, reason) => log.closed.push({ code, reason }),
    onEvent: (type, data, seq) => log.events.push(seq),
    ...extra,
  });
  return { live, log };
}

test("connects, reports status, and resends unacknowledged commands after a reconnect", () => {
  const { live, log } = channel();
  const first = FakeSocket.all[0];
  assert.equal(first.url, "wss://samenspel.test/ws/summits/burgertop/");
  first.open();
  first.push({ kind: "snapshot", seq: 0, data: {} });
  const promise = live.send("idea.create", { text: "Meer groen" });
  assert.equal(first.sent.length, 1);
  first.drop();
  assert.deepEqual(log.status, ["connecting", "open", "offline"]);
  assert.equal(FakeSocket.all.length, 1);
  mock.timers.tick(10_000);
  const second = FakeSocket.all[1];
  assert.ok(second, "reconnected after the backoff");
  second.open();
  assert.deepEqual(second.sent, [first.sent[0]]);
  assert.equal(second.sent[0].id, promise.id);
  assert.deepEqual(log.status, ["connecting", "open", "offline", "open"]);
  live.stop();
});

test("a reconnect asks for the events missed since the last seq and applies them", () => {
  const { live, log } = channel();
  const first = FakeSocket.all[0];
  first.open();
  first.push({ kind: "snapshot", seq: 3, data: {} });
  first.push({ kind: "event", seq: 4, type: "idea.created", data: {} });
  first.drop();
  mock.timers.tick(10_000);
  const second = FakeSocket.all[1];
  assert.equal(second.url, "wss://samenspel.test/ws/summits/burgertop/?since=4");
  second.open();
  second.push({ kind: "batch", events: [
    { kind: "event", seq: 5, type: "idea.created", data: {} },
    { kind: "event", seq: 6, type: "step.changed", data: {} },
  ] });
  second.push({ kind: "event", seq: 7, type: "idea.created", data: {} });
  assert.deepEqual(second.sent, []);
  assert.deepEqual(log.events, [4, 5, 6, 7]);
  live.stop();
});

test("events before the first snapshot wait for it; a gap after a reconnect asks for one", () => {
  const { live, log } = channel();
  const first = FakeSocket.all[0];
  first.open();
  first.push({ kind: "event", seq: 2, type: "idea.created", data: {} });
  first.push({ kind: "snapshot", seq: 3, data: {} });
  first.drop();
  mock.timers.tick(10_000);
  const second = FakeSocket.all[1];
  assert.equal(second.url, "wss://samenspel.test/ws/summits/burgertop/?since=3");
  second.open();
  second.push({ kind: "event", seq: 9, type: "idea.created", data: {} });
  assert.deepEqual(second.sent, [{ kind: "snapshot.request", seq: 3 }]);
  second.push({ kind: "snapshot", seq: 9, data: {} });
  second.push({ kind: "event", seq: 10, type: "idea.created", data: {} });
  assert.deepEqual(log.events, [10]);
  live.stop();
});

test("a close code from 4000 to 4999 stops reconnecting and is reported", () => {
  const { log } = channel();
  const socket = FakeSocket.all[0];
  socket.open();
  socket.drop(4403, "not allowed");
  mock.timers.tick(60_000);
  assert.equal(FakeSocket.all.length, 1);
  assert.deepEqual(log.closed, [{ code: 4403, reason: "not allowed" }]);
  assert.equal(log.status.at(-1), "offline");
});

test("retries back off but never wait much more than 10 s", () => {
  const { live } = channel();
  for (let attempt = 0; attempt < 8; attempt += 1) {
    FakeSocket.all.at(-1).drop();
    const before = FakeSocket.all.length;
    mock.timers.tick(10_000);
    assert.equal(FakeSocket.all.length, before + 1, `attempt ${attempt} reconnected within 10 s`);
  }
  live.stop();
});
