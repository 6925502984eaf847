// Theme proposals on the summit screens: the host writes the table's proposal, the table
// sees it grow, the theme team and the facilitator see every table's. The page's live
// channel is summit.js's: it passes snapshots and events on as DOM events on the summit
// root, and sends what this module asks (`summit:send`). Protocol: docs/live-protocol.md.

const root = document.querySelector("[data-summit]");
const editor = root?.querySelector("[data-proposal-editor]");
const own = root?.querySelector("[data-proposal-view]");
const list = root?.querySelector("[data-proposals]");

const proposals = new Map(); // id -> proposal as the server last sent it

/** A proposal's text as its page shows it: markdown rendered and sanitised by the server. */
function showText(node, html) {
  const template = document.createElement("template");
  template.innerHTML = html || "";
  node.replaceChildren(template.content);
}

function ownTable() {
  const number = Number((editor || own)?.dataset.table);
  return Number.isInteger(number) && number > 0 ? number : null;
}

function ownProposal() {
  const table = ownTable();
  return [...proposals.values()].find((p) => table !== null && p.tables.includes(table)) || null;
}

function send(type, data) {
  const request = { type, data, sent: null };
  root.dispatchEvent(new CustomEvent("summit:send", { detail: request }));
  return request.sent || Promise.reject(new Error("no live channel"));
}

// The participant's screen: their table's proposal, as it grows. --------------------------

function renderOwn() {
  if (!own) return;
  const proposal = ownProposal();
  own.hidden = !proposal;
  if (!proposal) return;
  own.querySelector("[data-proposal-title]").textContent = proposal.title;
  showText(own.querySelector("[data-proposal-text]"), proposal.html);
  own.querySelector("[data-proposal-status]").textContent =
    proposal.status === "frozen" ? own.dataset.textFrozen : own.dataset.textWriting;
}

// The theme team's and facilitator's screens: every table's proposal. --------------------

function renderList() {
  if (!list) return;
  const rows = [...proposals.values()].sort((a, b) => a.number - b.number);
  list.replaceChildren(...rows.map((proposal) => {
    const item = document.createElement("li");
    item.dataset.proposal = proposal.id;
    item.dataset.status = proposal.status;
    const heading = document.createElement("h3");
    heading.className = "utrecht-heading-3";
    heading.textContent = list.dataset.textTable
      .replace("%(number)s", proposal.tables.join(", "))
      .replace("%(title)s", () => proposal.title);
    const text = document.createElement("div");
    text.className = "ss-proposal__text";
    showText(text, proposal.html);
    const foot = document.createElement("p");
    foot.className = "utrecht-paragraph";
    foot.append(proposal.status === "frozen" ? list.dataset.textFrozen : list.dataset.textWriting, " · ");
    const link = document.createElement("a");
    link.className = "utrecht-link";
    link.href = list.dataset.base.replace(/0\/$/, `${proposal.number}/`);
    link.textContent = list.dataset.textOpen.replace("%(number)s", proposal.number);
    foot.append(link);
    item.append(heading, text, foot);
    return item;
  }));
  const empty = root.querySelector("[data-proposals-empty]");
  if (empty) empty.hidden = rows.length > 0;
  // Once every proposal is fixed there is nothing left to freeze.
  const freezing = root.querySelector("[data-freeze-part]");
  if (freezing) freezing.hidden = rows.length > 0 && rows.every((p) => p.status === "frozen");
}

// The host's editor: nothing typed is lost. ------------------------------------------------
// `base` is the saved version the fields started from; `latest` the newest the server sent.
// The fields follow the server while the host has not changed them. A save carries the
// base's version, so a change made meanwhile (a second tab) is refused, not overwritten:
// the typed text stays in the fields and in this browser's storage (offered again after a
// reload), and "load the newest version" shows what was saved meanwhile.

const form = editor?.querySelector("[data-proposal-form]");
const titleField = form?.querySelector("[name=title]");
const textField = form?.querySelector("[name=text]");
const storageKey = editor ? `samenspel:proposal:${editor.dataset.slug}:${editor.dataset.table}` : "";
const ideaBoxes = () => [...form.querySelectorAll("[name=ideas]")];
let base = editor
  ? { version: Number(editor.dataset.version) || 0, title: titleField.value, text: textField.value,
      status: editor.dataset.status, ideas: ideaBoxes().filter((b) => b.checked).map((b) => Number(b.value)) }
  : null;
let latest = base;

function typed() {
  return { title: titleField.value, text: textField.value,
    ideas: ideaBoxes().filter((box) => box.checked).map((box) => Number(box.value)) };
}

function dirty() {
  return titleField.value !== base.title || textField.value !== base.text;
}

function stored() {
  try {
    return JSON.parse(localStorage.getItem(storageKey) || "null");
  } catch {
    return null;
  }
}

function keepDraft() {
  try {
    if (dirty()) localStorage.setItem(storageKey, JSON.stringify({ ...typed(), version: base.version }));
    else localStorage.removeItem(storageKey);
  } catch {
    // Private mode or full storage: the fields still hold the text.
  }
}

function fill(values) {
  titleField.value = values.title;
  textField.value = values.text;
  for (const box of ideaBoxes()) box.checked = (values.ideas || []).includes(Number(box.value));
}

function renderEditor() {
  if (!editor) return;
  const frozen = latest.status === "frozen";
  const behind = latest.version > base.version;
  editor.querySelector("[data-proposal-newer]").hidden = !behind || frozen;
  const state = editor.querySelector("[data-proposal-state]");
  if (frozen) state.textContent = editor.dataset.textFrozen;
  else if (latest.version) state.textContent = editor.dataset.textSaved.replace("%(version)s", latest.version);
}

function follow(proposal) {
  if (!proposal || proposal.version < latest.version) return;
  latest = proposal;
  if (!dirty()) {
    base = proposal;
    fill(proposal);
  }
  renderEditor();
}

if (editor) {
  form.addEventListener("input", keepDraft);
  const offer = editor.querySelector("[data-proposal-draft]");
  const draft = stored();
  offer.hidden = !draft || (draft.title === titleField.value && draft.text === textField.value);
  editor.querySelector("[data-proposal-restore]").addEventListener("click", () => {
    const kept = stored();
    if (kept) fill(kept);
    offer.hidden = true;
    textField.focus();
  });
  editor.querySelector("[data-proposal-load]").addEventListener("click", () => {
    keepDraft(); // what the host typed stays offered
    base = latest;
    fill(latest);
    offer.hidden = !stored();
    renderEditor();
    textField.focus();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    keepDraft();
    const sent = { ...typed(), version: base.version };
    try {
      const result = await send("proposal.save", sent);
      base = { ...latest, ...sent, version: result.version, status: "writing" };
      if (result.version >= latest.version) latest = base;
      keepDraft();
      renderEditor();
    } catch {
      // Refused (the page shows why): the fields and the stored draft keep the text.
      editor.querySelector("[data-proposal-state]").textContent = editor.dataset.textNotSaved;
    }
  });
  renderEditor();
}

// The facilitator fixes every proposal for the vote, after confirming in a dialog: it
// cannot be undone.
const freezeButton = root?.querySelector("[data-proposals-freeze]");
const freezeDialog = root?.querySelector("[data-freeze-dialog]");
if (freezeButton && freezeDialog) {
  freezeButton.addEventListener("click", () => {
    freezeDialog.returnValue = "";
    freezeDialog.showModal();
  });
  // Sent at the confirming click, not at the queued close event, which a quick new opening
  // of the dialog could overtake (as the step dialog in summit.js).
  freezeDialog.querySelector("form").addEventListener("submit", (event) => {
    if (event.submitter?.value !== "confirm") return;
    send("proposals.freeze", {}).catch(() => {
      // Refused: the page shows why.
    });
  });
  freezeDialog.addEventListener("close", () => {
    if (!freezeDialog.open) freezeButton.focus();
  });
}

// Fed by summit.js ---------------------------------------------------------------------------

function renderAll() {
  renderOwn();
  renderList();
  if (editor) follow(ownProposal());
}

root?.addEventListener("summit:snapshot", (event) => {
  if (own && event.detail.me?.table) own.dataset.table = event.detail.me.table;
  proposals.clear();
  for (const proposal of event.detail.proposals || []) proposals.set(proposal.id, proposal);
  renderAll();
});

root?.addEventListener("summit:event", (event) => {
  const { type, data } = event.detail;
  if (type === "proposal.saved") {
    proposals.set(data.id, data);
    renderAll();
  } else if (type === "seating.changed" || type === "table_themes.changed") {
    renderAll();
  }
});
