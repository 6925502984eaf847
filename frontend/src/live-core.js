// The pure parts of the live channel client: sequence numbers, the outbox, backoff and the
// countdown arithmetic. No DOM and no WebSocket here, so Node's test runner covers them.
// Protocol: docs/live-protocol.md.

/** Close codes 4000-4999 are the server's final word: the client does not reconnect. */
export function isFinalClose(code) {
  return code >= 4000 && code <= 4999;
}

/**
 * Milliseconds to wait before reconnect attempt number `attempt` (0 for the first):
 * exponential from 500 ms, capped at `cap`, with jitter so 1,000 phones that lost the hall's
 * Wi-Fi together do not all come back in the same instant.
 */
export function backoffDelay(attempt, { base = 500, cap = 10_000, random = Math.random } = {}) {
  const ceiling = Math.min(cap, base * 2 ** Math.min(attempt, 20));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** A random UUID v4; `crypto.randomUUID` exists only in secure contexts, so fall back. */
export function uuid4(cryptoObject = globalThis.crypto) {
  if (typeof cryptoObject.randomUUID === "function") return cryptoObject.randomUUID();
  const bytes = cryptoObject.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Decides what to do with each event's sequence number. Until a snapshot has arrived (at
 * the start and after a reconnect) events are ignored: the snapshot covers them. After a gap
 * the client asks again for what it missed after `seq` (the server sends those events, or a
 * snapshot); meanwhile events that follow `seq` in order still apply, later ones wait.
 */
export class SequenceTracker {
  constructor() {
    this.seq = null;
    this.waiting = true;
    this.repairing = false;
    this.highest = null; // the highest seq seen since the last snapshot
  }

  /** A snapshot carries the seq of the last event it includes. */
  snapshot(seq) {
    this.seq = seq;
    this.highest = seq;
    this.waiting = false;
    this.repairing = false;
  }

  /**
   * Returns "apply", "duplicate", "gap" (ask for the missed events), "repairing" (a gap
   * already asked about: skip it) or "waiting" (ignore).
   */
  event(seq) {
    if (this.waiting) return "waiting";
    if (seq <= this.seq) return "duplicate";
    if (seq === this.seq + 1) {
      this.seq = seq;
      if (this.repairing && seq >= this.highest) this.repairing = false;
      return "apply";
    }
    this.highest = Math.max(this.highest ?? seq, seq);
    if (this.repairing) return "repairing";
    this.repairing = true;
    return "gap";
  }

  /** The connection dropped: what comes next starts with a snapshot. */
  reset() {
    this.waiting = true;
    this.repairing = false;
  }

  /**
   * Reconnected with `since` = the last seq applied: the server sends the missed events (or a
   * snapshot when it no longer has them), so events apply from here; a gap still asks for a
   * snapshot. Returns false when there is nothing to resume from.
   */
  resume() {
    if (this.seq === null) return false;
    this.waiting = false;
    return true;
  }
}

/**
 * Commands not yet acknowledged, in the order they were made, kept in `storage` (localStorage
 * or anything with getItem/setItem/removeItem) under `key` so a reload loses nothing. Writes
 * re-read the stored list first, so two tabs of the same page do not drop each other's commands.
 */
export class Outbox {
  constructor(storage, key) {
    this.storage = storage || null;
    this.key = key;
    this.items = new Map(this.#read().map((command) => [command.id, command]));
  }

  #read() {
    if (!this.storage) return [];
    try {
      const list = JSON.parse(this.storage.getItem(this.key) || "[]");
      return Array.isArray(list) ? list.filter((c) => c && typeof c.id === "string" && typeof c.type === "string") : [];
    } catch {
      return [];
    }
  }

  #write(list) {
    if (!this.storage) return;
    try {
      if (list.length) this.storage.setItem(this.key, JSON.stringify(list));
      else this.storage.removeItem(this.key);
    } catch {
      // Storage full or forbidden (private mode): the outbox still works for this page.
    }
  }

  add(command) {
    const entry = { id: command.id, type: command.type, data: command.data ?? {} };
    this.items.set(entry.id, entry);
    this.#write([...this.#read().filter((c) => c.id !== entry.id), entry]);
    return entry;
  }

  remove(id) {
    const had = this.items.delete(id);
    this.#write(this.#read().filter((c) => c.id !== id));
    return had;
  }

  has(id) {
    return this.items.has(id);
  }

  get size() {
    return this.items.size;
  }

  /** The commands to (re)send, oldest first. */
  entries() {
    return [...this.items.values()];
  }
}

/** The command frame as sent; the same `id` every time it is (re)sent. */
export function commandFrame(command) {
  return { kind: "command", id: command.id, type: command.type, data: command.data };
}

/** Bytes of a frame as UTF-8 text, to refuse frames the server would close the socket for. */
export function frameBytes(frame) {
  return new TextEncoder().encode(JSON.stringify(frame)).length;
}

/** The socket URL to (re)connect with: `since=<seq>` asks for only the missed events. */
export function resumeUrl(url, seq) {
  if (seq === null || seq === undefined) return url;
  const bare = url.replace(/([?&])since=\d*(&|$)/, (_m, lead, tail) => (tail ? lead : "")).replace(/[?&]$/, "");
  return `${bare}${bare.includes("?") ? "&" : "?"}since=${seq}`;
}

/** Seconds to wait before resending a rate-limited command: the server's `retry_after`, kept sane. */
export function retryDelay(retryAfter) {
  const seconds = Number(retryAfter);
  return Math.round(Math.min(30, Math.max(0.05, Number.isFinite(seconds) ? seconds : 1)) * 1000);
}

/**
 * The live protocol without a socket. `transmit(frame)` sends an object when the connection is
 * open and returns false otherwise; the owner calls `opened()`, `closed()` and `receive(frame)`.
 * Callbacks: onSnapshot(data, seq), onEvent(type, data, seq), onAck(id, result, command),
 * onError(message, code, id).
 *
 * A command refused as `rate_limited` (the person sent more than the server takes at once, as
 * when a long outbox is resent after a reconnect) stays in the outbox and is sent again after
 * the server's `retry_after`, one at a time, at most `maxRateRetries` times; after that it is
 * refused like any other error: its promise rejects with the server's message and onError
 * reports it, so the page can give back what was typed. A refused snapshot request (the same
 * error without an id) is asked again after `retry_after`.
 */
export class LiveSession {
  constructor({ storage = null, storageKey = "samenspel:outbox", transmit, maxFrameBytes = 16 * 1024,
    tooLargeMessage = "De invoer is te lang.", newId = uuid4, onSnapshot = () => {}, onEvent = () => {}, onAck = () => {}, onError = () => {},
    maxRateRetries = 5, setTimer = (run, ms) => setTimeout(run, ms), clearTimer = (timer) => clearTimeout(timer) }) {
    this.transmit = transmit;
    this.maxFrameBytes = maxFrameBytes;
    this.tooLargeMessage = tooLargeMessage;
    this.newId = newId;
    this.callbacks = { onSnapshot, onEvent, onAck, onError };
    this.tracker = new SequenceTracker();
    this.outbox = new Outbox(storage, storageKey);
    this.pending = new Map();
    this.isOpen = false;
    this.maxRateRetries = maxRateRetries;
    this.setTimer = setTimer;
    this.clearTimer = clearTimer;
    this.held = []; // ids refused as rate_limited, oldest first, waiting to be sent again
    this.retrying = null; // the held id sent again last, until it is answered
    this.holdTimer = null;
    this.holdDelay = 0;
    this.limitedTries = new Map();
    this.snapshotTimer = null;
  }

  /**
   * The seq to reconnect from (`?since=`), or null for a plain snapshot. Opening with it makes
   * the server send only the events missed in between.
   */
  get resumeSeq() {
    return this.tracker.seq;
  }

  /**
   * The socket opened: the server sends a snapshot, or with `resumed` (the URL carried
   * `since=resumeSeq`) the missed events; resend what was never acknowledged.
   */
  opened({ resumed = false } = {}) {
    this.isOpen = true;
    if (!resumed || !this.tracker.resume()) this.tracker.reset();
    this.#stopHolding();
    for (const command of this.outbox.entries()) this.transmit(commandFrame(command));
  }

  closed() {
    this.isOpen = false;
    this.tracker.reset();
    this.#stopHolding();
  }

  /**
   * Queue a command and send it when the connection allows. The promise resolves with the
   * ack's result, or rejects with an Error whose message is the server's (translated) text.
   */
  send(type, data = {}) {
    const command = { id: this.newId(), type, data };
    const frame = commandFrame(command);
    if (frameBytes(frame) > this.maxFrameBytes) {
      // The server would close the socket (4413) and a stored copy would do it again after
      // every reload, so such a command never enters the outbox.
      const error = Object.assign(new Error(this.tooLargeMessage), { code: "too_large", id: command.id });
      this.callbacks.onError(error.message, error.code, error.id);
      return quiet(Promise.reject(error));
    }
    const promise = quiet(new Promise((resolve, reject) => this.pending.set(command.id, { resolve, reject })));
    this.outbox.add(command);
    // Behind commands waiting out a rate limit: sent in turn, not on top of them.
    if (this.held.length || this.retrying) this.held.push(command.id);
    else if (this.isOpen) this.transmit(frame);
    return Object.assign(promise, { id: command.id });
  }

  receive(frame) {
    if (!frame || typeof frame !== "object") return;
    switch (frame.kind) {
      case "snapshot":
        this.tracker.snapshot(frame.seq);
        this.callbacks.onSnapshot(frame.data, frame.seq);
        return;
      case "event":
        this.#event(frame);
        return;
      case "batch":
        // Several events in one frame, in seq order: handled exactly like single events.
        if (Array.isArray(frame.events)) {
          for (const event of frame.events) if (event && typeof event === "object") this.#event(event);
        }
        return;
      case "ack":
        this.#settle(frame.id, (waiter) => waiter.resolve(frame.result), (command) =>
          this.callbacks.onAck(frame.id, frame.result, command));
        return;
      case "error":
        this.#error(frame);
        return;
      default:
    }
  }

  #event(frame) {
    if (!Number.isInteger(frame.seq)) return;
    const decision = this.tracker.event(frame.seq);
    if (decision === "apply") this.callbacks.onEvent(frame.type, frame.data, frame.seq);
    else if (decision === "gap") this.transmit(this.#repairRequest());
  }

  #error(frame) {
    if (frame.code === "rate_limited" && !frame.id) {
      // A snapshot request came too soon after others: ask again when the server says.
      this.#snapshotLater(frame.retry_after);
      return;
    }
    if (frame.code === "rate_limited" && this.#hold(frame.id, frame.retry_after)) return;
    const error = Object.assign(new Error(frame.message || frame.code || "error"), {
      code: frame.code, id: frame.id ?? null });
    this.callbacks.onError(error.message, frame.code, error.id);
    if (error.id) this.#settle(error.id, (waiter) => waiter.reject(error), () => {});
  }

  #settle(id, withWaiter, notify) {
    const command = this.outbox.entries().find((c) => c.id === id);
    this.outbox.remove(id);
    const waiter = this.pending.get(id);
    this.pending.delete(id);
    this.limitedTries.delete(id);
    this.held = this.held.filter((held) => held !== id);
    if (this.retrying === id) {
      this.retrying = null;
      // The server's pace: the next held command goes after the same wait.
      if (this.held.length) this.#drainLater(this.holdDelay);
    }
    if (waiter) withWaiter(waiter);
    notify(command);
  }

  /** Keep a rate-limited command to send again later; false when it has been tried enough. */
  #hold(id, retryAfter) {
    if (!this.outbox.has(id)) return false;
    const tries = (this.limitedTries.get(id) ?? 0) + 1;
    if (tries > this.maxRateRetries) return false;
    this.limitedTries.set(id, tries);
    this.holdDelay = retryDelay(retryAfter);
    if (this.retrying === id) {
      this.retrying = null;
      this.held.unshift(id);
    } else if (!this.held.includes(id)) {
      this.held.push(id);
    }
    this.#drainLater(this.holdDelay);
    return true;
  }

  #drainLater(ms) {
    if (this.holdTimer !== null || this.retrying) return;
    this.holdTimer = this.setTimer(() => {
      this.holdTimer = null;
      this.#drain();
    }, ms);
  }

  /** Send the oldest held command again; the next waits for its answer. */
  #drain() {
    if (!this.isOpen || this.retrying) return;
    while (this.held.length) {
      const command = this.outbox.items.get(this.held.shift());
      if (!command) continue; // answered meanwhile (another tab, a resend)
      this.retrying = command.id;
      this.transmit(commandFrame(command));
      return;
    }
  }

  /**
   * After a gap: the last seq applied, so a server that still holds the missed events sends
   * only those (no snapshot); without a seq to name, a plain snapshot request.
   */
  #repairRequest() {
    const { seq, waiting } = this.tracker;
    return waiting || seq === null ? { kind: "snapshot.request" } : { kind: "snapshot.request", seq };
  }

  #snapshotLater(retryAfter) {
    if (this.snapshotTimer !== null) return;
    this.snapshotTimer = this.setTimer(() => {
      this.snapshotTimer = null;
      if (this.isOpen) this.transmit(this.#repairRequest());
    }, retryDelay(retryAfter));
  }

  /** A new connection resends the whole outbox itself and starts with a snapshot. */
  #stopHolding() {
    if (this.holdTimer !== null) this.clearTimer(this.holdTimer);
    if (this.snapshotTimer !== null) this.clearTimer(this.snapshotTimer);
    this.holdTimer = null;
    this.snapshotTimer = null;
    this.held = [];
    this.retrying = null;
  }
}

/**
 * Errors are also reported through onError, so a page that ignores the promise should not get
 * an "unhandled rejection" for each refused command; awaiting it still throws.
 */
function quiet(promise) {
  promise.catch(() => {});
  return promise;
}

/** Whole seconds left until `deadlineMs`, never negative (rounded up: 0.2 s left shows 0:01). */
export function secondsLeft(deadlineMs, nowMs) {
  return Math.max(0, Math.ceil((deadlineMs - nowMs) / 1000));
}

/** "4:05", "0:09", "1:02:03". */
export function formatClock(seconds) {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/** The text a screen reader hears at a whole minute and at the end; null when it keeps quiet. */
export function minuteAnnouncement(seconds, lang = "nl") {
  const en = lang.startsWith("en");
  if (seconds === 0) return en ? "Time is up" : "De tijd is om";
  if (seconds % 60 !== 0) return null;
  const minutes = seconds / 60;
  if (en) return minutes === 1 ? "1 minute left" : `${minutes} minutes left`;
  return minutes === 1 ? "Nog 1 minuut" : `Nog ${minutes} minuten`;
}
