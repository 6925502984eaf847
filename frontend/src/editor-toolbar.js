// The co-writing editor's toolbar: heading, bold, italics, list and link for people who do not
// know markdown. One tab stop (arrow keys move between the buttons), switches say whether
// they are on (aria-pressed), shortcuts are named in the title and aria-keyshortcuts; the
// link button asks for the address in a modal dialog. The commands are in editor-format.js.
import { EditorView, keymap } from "@codemirror/view";

import {
  asCommand,
  formatState,
  linkAt,
  normalizeAddress,
  setLink,
  toggleBulletList,
  toggleEmphasis,
  toggleHeading,
  toggleStrong,
} from "./editor-format.js";

const APPLE = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform || "");

/** "Mod-b" as people read it (Ctrl+B, or ⌘B on a Mac) and as aria-keyshortcuts spells it. */
function shortcut(key) {
  const letter = key.slice(4).toUpperCase();
  return APPLE
    ? { shown: `⌘${letter}`, aria: `Meta+${letter}` }
    : { shown: `Ctrl+${letter}`, aria: `Control+${letter}` };
}

let dialogCount = 0;

/** The link dialog: the words and the address; resolves {text, address} or null when cancelled. */
function linkDialog(parent, text) {
  dialogCount += 1;
  const id = `ss-link-dialog-${dialogCount}`;
  const dialog = document.createElement("dialog");
  dialog.className = "ss-dialog";
  dialog.setAttribute("aria-labelledby", `${id}-title`);
  dialog.innerHTML = `
    <form method="dialog" class="ss-stack" novalidate>
      <h2 class="utrecht-heading-3" id="${id}-title"></h2>
      <div class="utrecht-form-field">
        <label class="utrecht-form-label" for="${id}-text"></label>
        <input class="utrecht-textbox" id="${id}-text" name="text" type="text" autocomplete="off">
      </div>
      <div class="utrecht-form-field" data-address-field>
        <label class="utrecht-form-label" for="${id}-address"></label>
        <p class="utrecht-form-field-description" id="${id}-hint"></p>
        <p class="utrecht-form-field-error-message" id="${id}-error" hidden></p>
        <input class="utrecht-textbox" id="${id}-address" name="address" type="text" inputmode="url"
          autocomplete="url" spellcheck="false" aria-describedby="${id}-hint">
      </div>
      <div class="ss-button-group">
        <button class="utrecht-button utrecht-button--primary-action" type="submit" value="ok"></button>
        <button class="utrecht-button utrecht-button--secondary-action" type="button" data-cancel></button>
      </div>
    </form>`;
  dialog.querySelector("h2").textContent = text.linkTitle;
  dialog.querySelector(`label[for="${id}-text"]`).textContent = text.linkText;
  dialog.querySelector(`label[for="${id}-address"]`).textContent = text.linkAddress;
  dialog.querySelector(`#${id}-hint`).textContent = text.linkHint;
  dialog.querySelector("[type=submit]").textContent = text.linkSave;
  dialog.querySelector("[data-cancel]").textContent = text.linkCancel;
  parent.append(dialog);
  const form = dialog.querySelector("form");
  const words = form.elements.text;
  const address = form.elements.address;
  const error = dialog.querySelector(`#${id}-error`);
  const field = dialog.querySelector("[data-address-field]");
  let answer = null;
  let resolve = () => {};
  const invalid = (message) => {
    error.textContent = message;
    error.hidden = !message;
    field.classList.toggle("utrecht-form-field--invalid", Boolean(message));
    if (message) {
      address.setAttribute("aria-invalid", "true");
      address.setAttribute("aria-describedby", `${id}-error ${id}-hint`);
    } else {
      address.removeAttribute("aria-invalid");
      address.setAttribute("aria-describedby", `${id}-hint`);
    }
  };
  form.addEventListener("submit", (event) => {
    const typed = address.value.trim();
    const normal = typed ? normalizeAddress(typed) : "";
    if (normal === null) {
      event.preventDefault();
      invalid(text.linkInvalid);
      address.focus();
      return;
    }
    answer = { text: words.value, address: normal };
  });
  dialog.querySelector("[data-cancel]").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => resolve(answer));
  return {
    element: dialog,
    ask({ text: shownText, address: shownAddress, editing }) {
      answer = null;
      invalid("");
      words.value = shownText;
      address.value = shownAddress;
      dialog.querySelector("h2").textContent = editing ? text.linkEditTitle : text.linkTitle;
      dialog.showModal();
      (shownText ? address : words).focus();
      return new Promise((done) => { resolve = done; });
    },
  };
}

/**
 * The toolbar for `view`, placed before `host`, and the keymap for its shortcuts. `text` holds
 * the labels (editor.js's TEXTS). Returns {element, extension}; put `extension` in the view.
 */
export function formatToolbar(text) {
  const bar = document.createElement("div");
  bar.className = "ss-editor-toolbar";
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", text.toolbar);
  let view = null;
  let dialog = null;
  // The focus goes back to the text after a button, so a screen reader would not hear the
  // switch change: say it in a polite live region.
  const said = document.createElement("p");
  said.className = "ss-visually-hidden";
  said.setAttribute("aria-live", "polite");

  const askLink = (target) => {
    const state = target.state;
    const current = linkAt(state);
    const { from, to } = state.selection.main;
    dialog ??= linkDialog(bar.parentElement ?? document.body, text);
    dialog.ask({
      text: current ? current.text : state.doc.sliceString(from, to).trim(),
      address: current ? current.address : "",
      editing: Boolean(current),
    }).then((answer) => {
      if (answer && (answer.address || current)) {
        target.dispatch(target.state.update(setLink(target.state, answer), { scrollIntoView: true, userEvent: "input.format" }));
      }
      target.focus();
    });
    return true;
  };

  const buttons = [
    { name: "heading", label: text.heading, title: text.headingTitle, run: asCommand(toggleHeading), pressed: "heading" },
    { name: "strong", label: text.bold, title: text.boldTitle, key: "Mod-b", run: asCommand(toggleStrong), pressed: "strong" },
    { name: "emphasis", label: text.italic, title: text.italicTitle, key: "Mod-i", run: asCommand(toggleEmphasis), pressed: "emphasis" },
    { name: "list", label: text.list, title: text.listTitle, run: asCommand(toggleBulletList), pressed: "list" },
    { name: "link", label: text.link, title: text.linkTitleButton, key: "Mod-k", run: askLink, haspopup: "dialog" },
  ].map((spec, index) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = `utrecht-button utrecht-button--secondary-action ss-editor-toolbar__button ss-editor-toolbar__button--${spec.name}`;
    button.textContent = spec.label;
    button.tabIndex = index === 0 ? 0 : -1;
    if (spec.key) {
      const keys = shortcut(spec.key);
      button.title = `${spec.title} (${keys.shown})`;
      button.setAttribute("aria-keyshortcuts", keys.aria);
    } else {
      button.title = spec.title;
    }
    if (spec.pressed) button.setAttribute("aria-pressed", "false");
    if (spec.haspopup) button.setAttribute("aria-haspopup", spec.haspopup);
    // A click must not take the focus, and with it the selection, from the text first.
    button.addEventListener("mousedown", (event) => event.preventDefault());
    button.addEventListener("click", () => {
      if (!view) return;
      spec.run(view);
      if (spec.name === "link") return;
      view.focus();
      const on = formatState(view.state)[spec.pressed];
      said.textContent = `${spec.label}: ${on ? text.on : text.off}`;
    });
    bar.append(button);
    return { ...spec, button };
  });

  // One tab stop: arrow keys, Home and End move between the buttons (WAI-ARIA toolbar).
  const moveTo = (index) => {
    const count = buttons.length;
    const next = buttons[(index + count) % count].button;
    for (const { button } of buttons) button.tabIndex = button === next ? 0 : -1;
    next.focus();
  };
  bar.addEventListener("keydown", (event) => {
    const at = buttons.findIndex(({ button }) => button === document.activeElement);
    if (at < 0) return;
    const moves = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: buttons.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    moveTo(moves[event.key]);
  });

  const showState = (state) => {
    const now = formatState(state);
    for (const { pressed, button } of buttons) {
      if (pressed) button.setAttribute("aria-pressed", String(now[pressed]));
    }
  };

  const extension = [
    keymap.of(buttons.filter((spec) => spec.key).map((spec) => ({ key: spec.key, run: spec.run, preventDefault: true }))),
    EditorView.updateListener.of((update) => {
      view = update.view;
      if (update.docChanged || update.selectionSet) showState(update.state);
    }),
  ];
  return {
    element: bar,
    extension,
    /** Call once the view exists. */
    attach(editorView) {
      view = editorView;
      bar.after(said);
      showState(view.state);
    },
    destroy() {
      dialog?.element.remove();
      said.remove();
      bar.remove();
    },
  };
}
