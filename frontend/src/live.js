// The browser client for a summit's live channel (/ws/summits/<slug>/) and the round timer.
// The protocol logic lives in live-core.js; this file adds the WebSocket, reconnects and the DOM.
import {
  LiveSession, backoffDelay, formatClock, isFinalClose, minuteAnnouncement, resumeUrl, secondsLeft,
} from "./live-core.js";

export { isFinalClose } from "./live-core.js";

const lang = () => (globalThis.document?.documentElement.lang || "nl").toLowerCase();

/** Turns "/ws/summits/x/" or a full ws(s):// URL into an absolute ws(s):// URL. */
function socketUrl(url) {
  if (/^wss?:\/\//.test(url)) return url;
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${url.startsWith("/") ? "" : "/"}${url}`;
}

function safeStorage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // blocked by the browser's privacy settings
  }
}

/**
 * One live connection. Options (all optional): onSnapshot(data, seq), onEvent(type, data, seq),
 * onAck(id, result, command), onError(message, code, id), onStatus("connecting"|"open"|"offline"),
 * onClosed(code, reason) for a final close (4000-4999) after which it does not reconnect,
 * storage (default localStorage), WebSocket (default the browser's), connect (default true).
 */
export class LiveChannel {
  constructor(url, options = {}) {
    this.url = socketUrl(url);
    this.options = options;
    this.onStatus = options.onStatus ?? (() => {});
    this.onClosed = options.onClosed ?? (() => {});
    this.WebSocket = options.WebSocket ?? globalThis.WebSocket;
    this.socket = null;
    this.attempt = 0;
    this.timer = null;
    this.stopped = false;
    this.status = null;
    const key = new URL(this.url.replace(/^ws/, "http"));
    this.session = new LiveSession({
      storage: options.storage === undefined ? safeStorage() : options.storage,
      storageKey: `samenspel:outbox:${key.host}${key.pathname}`,
      transmit: (frame) => this.#transmit(frame),
      tooLargeMessage: lang().startsWith("en") ? "That is too long to send." : "Dit is te lang om te versturen.",
      onSnapshot: options.onSnapshot,
      onEvent: options.onEvent,
      onAck: options.onAck,
      onError: options.onError,
    });
    globalThis.addEventListener?.("online", this.#reconnectNow);
    globalThis.document?.addEventListener("visibilitychange", this.#onVisible);
    if (options.connect !== false) this.connect();
  }

  /** Send a command; resolves with the ack's result, rejects with the server's message. */
  send(type, data = {}) {
    return this.session.send(type, data);
  }

  /** Ask for a fresh snapshot (for instance after the page was hidden for a long time). */
  requestSnapshot() {
    this.#transmit({ kind: "snapshot.request" });
  }

  /** Number of commands still waiting for their acknowledgement. */
  get pending() {
    return this.session.outbox.size;
  }

  connect() {
    if (this.stopped || this.socket) return;
    clearTimeout(this.timer);
    this.timer = null;
    // Retries while offline stay "offline", so a status line does not flap at every attempt.
    if (this.status !== "offline") this.#setStatus("connecting");
    // A reconnect names the last seq seen, so the server can send just what was missed.
    const since = this.session.resumeSeq;
    const socket = new this.WebSocket(resumeUrl(this.url, since));
    this.socket = socket;
    socket.addEventListener("open", () => {
      if (this.socket !== socket) return;
      this.attempt = 0;
      this.#setStatus("open");
      this.session.opened({ resumed: since !== null });
    });
    socket.addEventListener("message", (event) => {
      if (this.socket !== socket || typeof event.data !== "string") return;
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      this.session.receive(frame);
    });
    socket.addEventListener("close", (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.session.closed();
      if (isFinalClose(event.code)) {
        this.stop();
        this.onClosed(event.code, event.reason);
        return;
      }
      this.#setStatus("offline");
      this.#schedule();
    });
  }

  /** Close for good: no reconnects. Unacknowledged commands stay stored for the next visit. */
  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    globalThis.removeEventListener?.("online", this.#reconnectNow);
    globalThis.document?.removeEventListener("visibilitychange", this.#onVisible);
    const socket = this.socket;
    this.socket = null;
    this.session.closed();
    if (socket && socket.readyState <= 1) socket.close(1000);
    this.#setStatus("offline");
  }

  #transmit(frame) {
    if (!this.socket || this.socket.readyState !== 1) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  #schedule() {
    if (this.stopped || this.timer) return;
    const delay = backoffDelay(this.attempt);
    this.attempt += 1;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect();
    }, delay);
  }

  // Back online, or a phone woke up: try at once instead of waiting out the backoff.
  #reconnectNow = () => {
    if (this.stopped || this.socket) return;
    this.attempt = 0;
    this.connect();
  };

  #onVisible = () => {
    if (globalThis.document?.visibilityState === "visible") this.#reconnectNow();
  };

  #setStatus(status) {
    if (status === this.status) return;
    this.status = status;
    this.onStatus(status);
  }
}

const running = new WeakMap();

function announcer(element) {
  let region = running.get(element)?.region;
  if (region?.isConnected) return region;
  region = document.createElement("span");
  region.className = "ss-visually-hidden";
  region.setAttribute("aria-live", "polite");
  region.dataset.countdownAnnouncer = "";
  element.after(region);
  return region;
}

/**
 * Shows the time left until `deadlineIsoString` in `element` ("4:05"), once a second, and
 * announces it politely at whole minutes in a separate live region (a ticking live region
 * would talk all the time). `serverOffsetMs` is the server's clock minus this one. Calling it
 * again for the same element replaces the earlier countdown; returns a function that stops it.
 */
export function countdown(element, deadlineIsoString, serverOffsetMs = 0) {
  running.get(element)?.stop();
  const deadline = Date.parse(deadlineIsoString ?? "");
  if (!element || Number.isNaN(deadline)) {
    if (element) element.textContent = "";
    return () => {};
  }
  const region = announcer(element);
  let timer = null;
  let last = null;
  const stop = () => clearTimeout(timer);
  const tick = () => {
    const now = Date.now() + serverOffsetMs;
    const left = secondsLeft(deadline, now);
    element.textContent = formatClock(left);
    element.dataset.secondsLeft = String(left);
    if (last !== null && left !== last) {
      const text = minuteAnnouncement(left, lang());
      if (text) region.textContent = text;
    }
    last = left;
    if (left === 0) return;
    // Wake just after the next whole second of the remaining time, so the clock does not drift.
    timer = setTimeout(tick, ((deadline - now) % 1000 || 1000) + 20);
  };
  running.set(element, { stop, region });
  tick();
  return stop;
}
