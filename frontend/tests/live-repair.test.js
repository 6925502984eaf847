// Repairing a gap with the missed events instead of a snapshot (docs/live-protocol.md,
// "Sequence numbers").
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { LiveSession } from "../src/live-core.js";

function session() {
  const sent = [];
  const seen = { snapshots: [], events: [] };
  const live = new LiveSession({
    storage: null,
    transmit: (frame) => {
      if (!live.isOpen) return false;
      sent.push(frame);
      return true;
    },
    onSnapshot: (data, seq) => seen.snapshots.push(seq),
    onEvent: (type, data, seq) => seen.events.push(seq),
  });
  return { live, sent, seen };
}

const event = (seq) => ({ kind: "event", seq, type: "idea.created", data: { id: seq } });
const batch = (...seqs) => ({ kind: "batch", events: seqs.map(event) });

describe("repairing a gap", () => {
  test("a gap names the last applied seq; the missed events then apply without a snapshot", () => {
    const { live, sent, seen } = session();
    live.opened();
    live.receive({ kind: "snapshot", seq: 10, data: {} });
    live.receive(batch(11, 13, 14));
    assert.deepEqual(sent, [{ kind: "snapshot.request", seq: 11 }]);
    live.receive(batch(15, 16)); // still missing 12: asked once, not again
    assert.equal(sent.length, 1);
    live.receive(batch(12, 13, 14, 15, 16)); // the server's answer: everything after 11
    live.receive(event(17));
    assert.deepEqual(seen.events, [11, 12, 13, 14, 15, 16, 17]);
    assert.deepEqual(seen.snapshots, [10], "no second snapshot");
  });

  test("the late event itself, arriving before the answer, applies in order", () => {
    const { live, sent, seen } = session();
    live.opened();
    live.receive({ kind: "snapshot", seq: 0, data: {} });
    live.receive(batch(1, 3));
    live.receive(event(2)); // arrived late at the server, sent on its own
    live.receive(batch(2, 3)); // the answer to the request
    live.receive(event(4));
    assert.deepEqual(seen.events, [1, 2, 3, 4]);
    assert.equal(sent.length, 1);
  });

  test("a new gap after a repaired one asks again", () => {
    const { live, sent } = session();
    live.opened();
    live.receive({ kind: "snapshot", seq: 0, data: {} });
    live.receive(event(2));
    live.receive(batch(1, 2));
    live.receive(event(5));
    assert.deepEqual(sent, [{ kind: "snapshot.request", seq: 0 }, { kind: "snapshot.request", seq: 2 }]);
  });

  test("when the server answers with a snapshot instead, it replaces the state", () => {
    const { live, seen } = session();
    live.opened();
    live.receive({ kind: "snapshot", seq: 3, data: {} });
    live.receive(event(6));
    live.receive({ kind: "snapshot", seq: 6, data: {} });
    live.receive(event(7));
    assert.deepEqual(seen.events, [7]);
    assert.deepEqual(seen.snapshots, [3, 6]);
  });
});
