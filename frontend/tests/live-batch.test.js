// Batch frames and resuming after a reconnect (docs/live-protocol.md, "Batches" and "Resume").
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { LiveSession, resumeUrl } from "../src/live-core.js";

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
    onEvent: (type, data, seq) => seen.events.push({ type, data, seq }),
  });
  return { live, sent, seen };
}

const event = (seq, type = "idea.created", data = { id: seq }) => ({ kind: "event", seq, type, data });
const batch = (...events) => ({ kind: "batch", events });

describe("batch frames", () => {
  test("every event of a batch reaches onEvent once, in order, with its seq", () => {
    const { live, seen, sent } = session();
    live.opened();
    live.receive({ kind: "snapshot", seq: 10, data: {} });
    live.receive(batch(event(11), event(12, "step.changed", { id: 3 }), event(13)));
    live.receive(event(14));
    live.receive(batch(event(15), event(16)));
    assert.deepEqual(seen.events.map((e) => [e.seq, e.type]), [
      [11, "idea.created"], [12, "step.changed"], [13, "idea.created"], [14, "idea.created"],
      [15, "idea.created"], [16, "idea.created"],
    ]);
    assert.deepEqual(seen.events[1].data, { id: 3 });
    assert.deepEqual(sent, [], "no snapshot asked for a gapless stream");
  });

  test("events a snapshot already holds are skipped inside a batch", () => {
    const { live, seen } = session();
    live.opened();
    live.receive({ kind: "snapshot", seq: 12, data: {} });
    live.receive(batch(event(11), event(12), event(13), event(14)));
    assert.deepEqual(seen.events.map((e) => e.seq), [13, 14]);
  });

  test("a gap inside a batch asks for one snapshot and ignores the rest until it comes", () => {
    const { live, seen, sent } = session();
    live.opened();
    live.receive({ kind: "snapshot", seq: 1, data: {} });
    live.receive(batch(event(2), event(4), event(5)));
    assert.deepEqual(seen.events.map((e) => e.seq), [2]);
    assert.deepEqual(sent, [{ kind: "snapshot.request", seq: 2 }]);
    live.receive(batch(event(6), event(7)));
    assert.deepEqual(sent, [{ kind: "snapshot.request", seq: 2 }], "asked once, not per event");
    live.receive({ kind: "snapshot", seq: 6, data: {} });
    live.receive(batch(event(7), event(8)));
    assert.deepEqual(seen.events.map((e) => e.seq), [2, 7, 8]);
    assert.deepEqual(seen.snapshots, [1, 6]);
  });

  test("a batch that arrives before the first snapshot is left to the snapshot", () => {
    const { live, seen } = session();
    live.opened();
    live.receive(batch(event(3), event(4)));
    live.receive({ kind: "snapshot", seq: 4, data: {} });
    live.receive(event(5));
    assert.deepEqual(seen.events.map((e) => e.seq), [5]);
  });

  test("a malformed batch is ignored without breaking the stream", () => {
    const { live, seen } = session();
    live.opened();
    live.receive({ kind: "snapshot", seq: 0, data: {} });
    live.receive({ kind: "batch", events: "kapot" });
    live.receive(batch(null, { kind: "event", type: "x" }, event(1)));
    assert.deepEqual(seen.events.map((e) => e.seq), [1]);
  });
});

describe("resume after a reconnect", () => {
  test("reconnecting names the last seq, and the missed events apply without a snapshot", () => {
    const { live, seen, sent } = session();
    assert.equal(live.resumeSeq, null, "the first connection asks for a snapshot");
    live.opened();
    live.receive({ kind: "snapshot", seq: 3, data: {} });
    live.receive(event(4));
    live.closed();
    assert.equal(live.resumeSeq, 4);
    live.opened({ resumed: true });
    live.receive(batch(event(5), event(6)));
    live.receive(event(7));
    assert.deepEqual(seen.events.map((e) => e.seq), [4, 5, 6, 7]);
    assert.deepEqual(sent, []);
    assert.deepEqual(seen.snapshots, [3]);
  });

  test("when the server answers a resume with a snapshot, that snapshot wins", () => {
    const { live, seen } = session();
    live.opened();
    live.receive({ kind: "snapshot", seq: 3, data: {} });
    live.closed();
    live.opened({ resumed: true });
    live.receive({ kind: "snapshot", seq: 40, data: {} });
    live.receive(event(40));
    live.receive(event(41));
    assert.deepEqual(seen.events.map((e) => e.seq), [41]);
    assert.deepEqual(seen.snapshots, [3, 40]);
  });

  test("a gap after resuming asks for a snapshot", () => {
    const { live, sent } = session();
    live.opened();
    live.receive({ kind: "snapshot", seq: 3, data: {} });
    live.closed();
    live.opened({ resumed: true });
    live.receive(event(9));
    assert.deepEqual(sent, [{ kind: "snapshot.request", seq: 3 }]);
  });

  test("the resume URL carries since= once, next to other parameters", () => {
    assert.equal(resumeUrl("wss://x/ws/summits/a/", null), "wss://x/ws/summits/a/");
    assert.equal(resumeUrl("wss://x/ws/summits/a/", 5), "wss://x/ws/summits/a/?since=5");
    assert.equal(resumeUrl("wss://x/ws/summits/a/?hall=t", 0), "wss://x/ws/summits/a/?hall=t&since=0");
    assert.equal(resumeUrl("wss://x/ws/summits/a/?since=3&hall=t", 7), "wss://x/ws/summits/a/?hall=t&since=7");
  });
});
