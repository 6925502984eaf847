// Presence (y-protocols awareness) the editor page can read. The server passes on only such
// presence (deliberation/drafts/protocol.py, presence_is_valid); this is the page's own guard
// against anything else: y-protocols parses every entry with JSON.parse and y-codemirror.next
// puts the colours in a style attribute and looks the cursor up in the document, so one
// unreadable entry raised an error in every open editor page.
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";

export const PRESENCE_MAX_BYTES = 2048;
const MAX_NAME = 200;
const COLOUR = /^#[0-9a-f]{6}(?:[0-9a-f]{2})?$/i;

const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);
const isCount = (value) => Number.isSafeInteger(value) && value >= 0;
const isIdentifier = (value) => value == null || (
  isObject(value) && Object.keys(value).length === 2 && isCount(value.client) && isCount(value.clock)
);

function isPosition(value, textName) {
  return isObject(value)
    && Object.keys(value).every((key) => ["type", "tname", "item", "assoc"].includes(key))
    && isIdentifier(value.type) && isIdentifier(value.item)
    && (value.tname == null || value.tname === textName)
    && (value.assoc == null || Number.isInteger(value.assoc));
}

/** Whether one client's presence (its JSON text) is "null" or an object the page can show. */
export function presenceIsReadable(json, textName = "codemirror") {
  if (typeof json !== "string" || new TextEncoder().encode(json).length > PRESENCE_MAX_BYTES) return false;
  let state;
  try {
    state = JSON.parse(json);
  } catch {
    return false;
  }
  if (state === null) return true;
  if (!isObject(state)) return false;
  const { user, cursor } = state;
  if (isObject(user)) {
    if (user.name != null && !(typeof user.name === "string" && user.name.length <= MAX_NAME)) return false;
    for (const key of ["color", "colorLight"]) {
      if (user[key] != null && !(typeof user[key] === "string" && COLOUR.test(user[key]))) return false;
    }
  }
  // y-codemirror.next looks a cursor up only when it has both ends.
  if (!isObject(cursor) || cursor.anchor == null || cursor.head == null) return true;
  return isPosition(cursor.anchor, textName) && isPosition(cursor.head, textName);
}

/**
 * An awareness update (the bytes y-protocols' applyAwarenessUpdate reads) with only its
 * readable entries, or null when none is left or the update itself cannot be read.
 */
export function readablePresence(update, textName = "codemirror") {
  const kept = [];
  try {
    const decoder = decoding.createDecoder(update);
    const count = decoding.readVarUint(decoder);
    for (let i = 0; i < count; i += 1) {
      const client = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const json = decoding.readVarString(decoder);
      if (presenceIsReadable(json, textName)) kept.push([client, clock, json]);
    }
  } catch {
    return null;
  }
  if (kept.length === 0) return null;
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, kept.length);
  for (const [client, clock, json] of kept) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, json);
  }
  return encoding.toUint8Array(encoder);
}
