// Co-writing editor: CodeMirror 6 on a shared Y.Text, synced over the standard y-websocket
// protocol with /ws/drafts/<slug>. Remote cursors carry the writer's name.
import { defaultKeymap } from "@codemirror/commands";
import { markdownKeymap, markdownLanguage } from "@codemirror/lang-markdown";
import { EditorState } from "@codemirror/state";
import { EditorView, drawSelection, keymap } from "@codemirror/view";
import { yCollab, yUndoManagerKeymap } from "y-codemirror.next";
import * as decoding from "lib0/decoding";
import { applyAwarenessUpdate } from "y-protocols/awareness";
import { WebsocketProvider, messageAwareness } from "y-websocket";
import * as Y from "yjs";

import { readablePresence } from "./presence.js";

const TEXTS = {
  nl: {
    connecting: "Verbinden…",
    connected: "Verbonden, de tekst wordt opgehaald…",
    synced: "Verbonden. Wat u typt, zien de anderen meteen.",
    syncedReadOnly: "Verbonden. U leest mee.",
    offline: "Geen verbinding. Wat u typt, wordt verstuurd zodra de verbinding terug is. Sluit deze pagina niet.",
    refused: "Deze werktekst kan nu niet worden geopend. Laad de pagina opnieuw of log opnieuw in.",
    label: "Werktekst (markdown)",
  },
  en: {
    connecting: "Connecting…",
    connected: "Connected, fetching the text…",
    synced: "Connected. Others see what you type straight away.",
    syncedReadOnly: "Connected. You are reading along.",
    offline: "No connection. What you type is sent when the connection is back. Do not close this page.",
    refused: "This draft cannot be opened now. Reload the page or log in again.",
    label: "Draft text (markdown)",
  },
};

/** "#0b6e4f" -> "#0b6e4f33": the remote selection background, a light tint of the cursor colour. */
function lighten(color) {
  return /^#[0-9a-f]{6}$/i.test(color) ? `${color}33` : color;
}

/**
 * Mounts the editor in `element`. Options: wsUrl ("ws://host/ws/drafts"), room (the draft's
 * slug), token (API token for non-browser use), user {name, color}, readOnly, label, and
 * textName, the name of the shared Y.Text (default "codemirror", the server's TEXT_NAME).
 * Returns {view, doc, provider, destroy}.
 */
export function mountEditor(element, {
  wsUrl, room, token, user = {}, readOnly = false, label, textName = "codemirror",
} = {}) {
  const lang = (document.documentElement.lang || "nl").toLowerCase().startsWith("en") ? "en" : "nl";
  const text = TEXTS[lang];
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(wsUrl, room, doc, {
    resyncInterval: 5000,
    params: token ? { token } : {},
  });
  const ytext = doc.getText(textName);
  // Presence is applied only as far as this page can show it (presence.js).
  provider.messageHandlers[messageAwareness] = (_encoder, decoder, from) => {
    const readable = readablePresence(decoding.readVarUint8Array(decoder), textName);
    if (readable) applyAwarenessUpdate(from.awareness, readable, from);
  };
  if (readOnly) {
    // Readers have no presence: nobody sees their cursor, and the server passes none on.
    provider.awareness.setLocalState(null);
  } else {
    const color = user.color || "#00586c";
    provider.awareness.setLocalStateField("user", {
      name: user.name || (lang === "en" ? "Anonymous" : "Anoniem"),
      color,
      colorLight: lighten(color),
    });
  }

  const status = document.createElement("p");
  status.className = "utrecht-paragraph ss-editor__status";
  status.setAttribute("role", "status");
  const host = document.createElement("div");
  host.className = "ss-editor";
  element.replaceChildren(status, host);
  element.dataset.editorMounted = "true";

  let state = "connecting";
  const show = (next) => {
    state = next;
    element.dataset.editorStatus = next;
    status.textContent = next === "synced" && readOnly ? text.syncedReadOnly : text[next];
  };
  show("connecting");
  provider.on("status", ({ status: s }) => {
    if (state === "refused") return;
    if (s === "connected") show(provider.synced ? "synced" : "connected");
    else if (s === "disconnected") show("offline");
    else if (state !== "offline") show("connecting");
  });
  provider.on("sync", (synced) => {
    if (synced && state !== "refused") show("synced");
  });
  // y-websocket retries every close; 4000-4999 is the server's final answer (no access,
  // logged out, unknown draft), so stop instead of hammering it.
  provider.on("connection-close", (event) => {
    if (event && event.code >= 4000 && event.code <= 4999) {
      provider.disconnect();
      show("refused");
    }
  });

  // A dropped network often leaves the socket looking open until y-websocket's 30 s timeout;
  // the browser knows sooner. Go offline at once (typing goes on, kept in the page) and sync
  // again as soon as the network is back: the server's sync step merges what was typed.
  const goOffline = () => {
    if (state === "refused") return;
    provider.disconnect();
    show("offline");
  };
  const goOnline = () => {
    if (state !== "refused") provider.connect();
  };
  window.addEventListener("offline", goOffline);
  window.addEventListener("online", goOnline);

  // CodeMirror puts its styles in a <style> element: the page's nonce lets it through the
  // Content-Security-Policy (the import map in the base template carries that nonce).
  const nonce = document.querySelector("script[nonce]")?.nonce;
  const view = new EditorView({
    parent: host,
    state: EditorState.create({
      doc: ytext.toString(),
      extensions: [
        ...(nonce ? [EditorView.cspNonce.of(nonce)] : []),
        // Tab is deliberately not bound: it moves focus out of the editor like in any text field.
        keymap.of([...yUndoManagerKeymap, ...markdownKeymap, ...defaultKeymap]),
        drawSelection(),
        EditorView.lineWrapping,
        // The markdown language and its keys (Enter continues a list), without markdown()'s
        // HTML-in-markdown support, which would bring the HTML, CSS and JavaScript parsers along.
        markdownLanguage.extension,
        // Undo and redo go through Y.UndoManager (yCollab): it undoes only this writer's own
        // changes, which CodeMirror's history cannot tell apart from remote ones.
        yCollab(ytext, provider.awareness),
        EditorState.readOnly.of(Boolean(readOnly)),
        EditorView.editable.of(!readOnly),
        // tabindex: one tab stop, also for readers (a read-only text is not focusable by
        // itself), and it lets axe see the scrolling area is reachable by keyboard.
        EditorView.contentAttributes.of({
          tabindex: "0",
          "aria-label": label || text.label,
          ...(readOnly ? { "aria-readonly": "true" } : {}),
        }),
      ],
    }),
  });

  const destroy = () => {
    window.removeEventListener("offline", goOffline);
    window.removeEventListener("online", goOnline);
    view.destroy();
    provider.destroy();
    doc.destroy();
  };
  return { view, doc, provider, destroy };
}

/** Mounts every [data-editor] element on the page from its data- attributes. */
export function mountAll(root = document) {
  return [...root.querySelectorAll("[data-editor]:not([data-editor-mounted])")].map((element) =>
    mountEditor(element, {
      wsUrl: element.dataset.wsUrl,
      room: element.dataset.room,
      token: element.dataset.token || undefined,
      user: { name: element.dataset.userName, color: element.dataset.userColor },
      readOnly: element.dataset.readonly === "true",
      label: element.dataset.label,
      textName: element.dataset.textName || undefined,
    }));
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => mountAll());
else mountAll();
