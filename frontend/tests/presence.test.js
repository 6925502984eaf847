import assert from "node:assert/strict";
import { describe, test } from "node:test";

import * as encoding from "lib0/encoding";
import { Awareness, applyAwarenessUpdate } from "y-protocols/awareness";
import * as Y from "yjs";

import { presenceIsReadable, readablePresence } from "../src/presence.js";

const CURSOR = {
  anchor: { type: null, tname: null, item: { client: 7, clock: 3 }, assoc: 0 },
  head: { type: null, tname: "codemirror", item: null, assoc: -1 },
};
const GOOD = JSON.stringify({ user: { name: "Ellen", color: "#0b6e4f", colorLight: "#0b6e4f33" }, cursor: CURSOR });
const UNREADABLE = {
  "not JSON": "{user: Ellen",
  "not an object": "[1, 2, 3]",
  "CSS in a colour": JSON.stringify({ user: { name: "E", color: "red; background-image: url(https://x.example/t)" } }),
  "cursor ends that are numbers": JSON.stringify({ cursor: { anchor: 5, head: 5 } }),
  "a cursor in another text": JSON.stringify({ cursor: { anchor: { tname: "x" }, head: { tname: "x" } } }),
  "a name of a book": JSON.stringify({ user: { name: "x".repeat(5000) } }),
};

function awarenessUpdate(entries) {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const [client, clock, json] of entries) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, json);
  }
  return encoding.toUint8Array(encoder);
}

describe("presence a page can read", () => {
  test("the editor's own presence, a cursor of no shape, and someone leaving are readable", () => {
    assert.ok(presenceIsReadable(GOOD));
    assert.ok(presenceIsReadable("null"));
    assert.ok(presenceIsReadable(JSON.stringify({ user: { name: "Ellen" }, cursor: 9 })));
  });

  for (const [name, json] of Object.entries(UNREADABLE)) {
    test(`not: ${name}`, () => assert.equal(presenceIsReadable(json), false));
  }

  test("an update keeps its readable entries and drops the rest", () => {
    const update = awarenessUpdate([[11, 1, UNREADABLE["not JSON"]], [12, 1, GOOD]]);
    const awareness = new Awareness(new Y.Doc());
    // Unguarded, the whole update raises (what every open editor page did).
    assert.throws(() => applyAwarenessUpdate(awareness, update, "server"), SyntaxError);
    const readable = readablePresence(update);
    applyAwarenessUpdate(awareness, readable, "server");
    assert.deepEqual(awareness.getStates().get(12), JSON.parse(GOOD));
    assert.equal(awareness.getStates().has(11), false);
    awareness.destroy();
  });

  test("an update with nothing readable, or cut short, is dropped whole", () => {
    assert.equal(readablePresence(awarenessUpdate([[11, 1, UNREADABLE["CSS in a colour"]]])), null);
    assert.equal(readablePresence(awarenessUpdate([[12, 1, GOOD]]).slice(0, 6)), null);
  });
});
