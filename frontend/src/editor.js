// Co-writing editor: CodeMirror 6 on a shared Y.Text, synced over the standard y-websocket
// protocol with /ws/drafts/<slug>. Remote cursors carry the writer's name. The text stays
// markdown; writers see headings and emphasis as such and format with a toolbar.
import { defaultKeymap } from "@codemirror/commands";
import { markdownKeymap, markdownLanguage } from "@codemirror/lang-markdown";
import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { EditorState } from "@codemirror/state";
import { EditorView, drawSelection, keymap } from "@codemirror/view";
import { tags } from "@lezer/highlight";
import { yCollab, yUndoManagerKeymap } from "y-codemirror.next";
import * as decoding from "lib0/decoding";
import { applyAwarenessUpdate } from "y-protocols/awareness";
import { WebsocketProvider, messageAwareness } from "y-websocket";
import * as Y from "yjs";

import { formatToolbar } from "./editor-toolbar.js";
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
    toolbar: "Opmaak",
    heading: "Kop",
    headingTitle: "Tussenkop: maak van de regel een kop, of weer gewone tekst",
    bold: "Vet",
    boldTitle: "Vet",
    italic: "Cursief",
    italicTitle: "Cursief",
    list: "Opsomming",
    listTitle: "Opsomming: maak van de regels een lijst met punten, of weer gewone tekst",
    link: "Link",
    linkTitleButton: "Link naar een website of e-mailadres",
    linkTitle: "Link invoegen",
    linkEditTitle: "Link wijzigen",
    linkText: "Tekst van de link",
    linkAddress: "Adres",
    linkHint: "Bijvoorbeeld www.diemen.nl of info@diemen.nl. Laat het leeg om een link weg te halen.",
    linkInvalid: "Dit is geen webadres of e-mailadres. Typ bijvoorbeeld www.diemen.nl.",
    linkSave: "Link opslaan",
    linkCancel: "Annuleren",
    on: "aan",
    off: "uit",
  },
  en: {
    connecting: "Connecting…",
    connected: "Connected, fetching the text…",
    synced: "Connected. Others see what you type straight away.",
    syncedReadOnly: "Connected. You are reading along.",
    offline: "No connection. What you type is sent when the connection is back. Do not close this page.",
    refused: "This draft cannot be opened now. Reload the page or log in again.",
    label: "Draft text (markdown)",
    toolbar: "Formatting",
    heading: "Heading",
    headingTitle: "Subheading: make the line a heading, or plain text again",
    bold: "Bold",
    boldTitle: "Bold",
    italic: "Italic",
    italicTitle: "Italic",
    list: "List",
    listTitle: "List: make the lines a bulleted list, or plain text again",
    link: "Link",
    linkTitleButton: "Link to a website or email address",
    linkTitle: "Insert link",
    linkEditTitle: "Change link",
    linkText: "Link text",
    linkAddress: "Address",
    linkHint: "For example www.diemen.nl or info@diemen.nl. Leave it empty to remove a link.",
    linkInvalid: "This is not a web or email address. Type, for example, www.diemen.nl.",
    linkSave: "Save link",
    linkCancel: "Cancel",
    on: "on",
    off: "off",
  },
};

// Markdown shown as what it means while one types: classes styled in layout.css from the
// theme's tokens (no inline styles), the marks (#, **, -) dimmed but kept: the text is markdown.
const markdownLook = HighlightStyle.define([
  { tag: tags.heading1, class: "ss-md-heading ss-md-heading--1" },
  { tag: tags.heading2, class: "ss-md-heading ss-md-heading--2" },
  { tag: [tags.heading3, tags.heading4, tags.heading5, tags.heading6], class: "ss-md-heading ss-md-heading--3" },
  { tag: tags.strong, class: "ss-md-strong" },
  { tag: tags.emphasis, class: "ss-md-emphasis" },
  { tag: tags.link, class: "ss-md-link" },
  { tag: tags.url, class: "ss-md-url" },
  { tag: tags.quote, class: "ss-md-quote" },
  { tag: tags.monospace, class: "ss-md-code" },
  { tag: tags.processingInstruction, class: "ss-md-mark" },
]);

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
  // Readers get no toolbar: they cannot change the text.
  const toolbar = readOnly ? null : formatToolbar(text);
  if (toolbar) host.append(toolbar.element);
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
        // The toolbar's shortcuts (Ctrl/Cmd+B, I, K) come before the default keys, which
        // would take Ctrl+I for selecting the enclosing syntax.
        ...(toolbar ? [toolbar.extension] : []),
        // Tab is deliberately not bound: it moves focus out of the editor like in any text field.
        keymap.of([...yUndoManagerKeymap, ...markdownKeymap, ...defaultKeymap]),
        drawSelection(),
        EditorView.lineWrapping,
        // The markdown language and its keys (Enter continues a list), without markdown()'s
        // HTML-in-markdown support, which would bring the HTML, CSS and JavaScript parsers along.
        markdownLanguage.extension,
        syntaxHighlighting(markdownLook),
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

  toolbar?.attach(view);

  const destroy = () => {
    toolbar?.destroy();
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
