// Summit screens: keep the server-rendered page in step with the live channel.
// Protocol: docs/live-protocol.md. The client (outbox, resend, seq gaps) is samenspel/live.
import { LiveChannel, countdown } from "samenspel/live";

const root = document.querySelector("[data-summit]");
const screen = root.dataset.screen;
const ideaSteps = root.dataset.ideaSteps.split(",");
// Every word this script writes comes translated from the page (views.screen_texts).
const T = JSON.parse(document.getElementById("summit-texts")?.textContent || "{}");

let state = {
  step: null, ideas: new Map(), themes: new Map(), tables: new Map(), me: {}, counts: {}, merged: new Map(),
};
const $ = (selector) => root.querySelector(selector);
const el = (tag, attrs = {}, text = "") => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text) node.textContent = text;
  return node;
};

// A refusal stays on screen for a short while, and never into another step.
const ERROR_SECONDS = 10;
let errorTimer = null;

function showError(message) {
  const box = $("[data-error]");
  box.hidden = !message;
  $("[data-error-text]").textContent = message || "";
  clearTimeout(errorTimer);
  if (message) errorTimer = setTimeout(() => showError(""), ERROR_SECONDS * 1000);
}

let shownStepId;

function renderStep() {
  const stepId = state.step?.id ?? null;
  if (shownStepId !== undefined && stepId !== shownStepId) showError("");
  shownStepId = stepId;
  renderStepNow();
}

function renderStepNow() {
  const step = state.step || {};
  const title = step.title || T.start;
  if ($("[data-step-title]").textContent !== title) $("[data-step-title]").textContent = title;
  $("[data-step-question]").textContent = step.question || "";
  const badge = $("[data-step-state]");
  badge.dataset.state = step.state || "idle";
  badge.textContent = T[step.state || "idle"];
  const timer = $("[data-countdown]");
  timer.dataset.deadline = step.deadline || "";
  timer.textContent = "";
  if (step.deadline) countdown(timer, step.deadline, 0);
  for (const section of root.querySelectorAll("[data-when-steps]")) {
    section.hidden = !section.dataset.whenSteps.split(",").includes(step.kind || "");
  }
  for (const item of root.querySelectorAll("[data-step-id]")) {
    if (Number(item.dataset.stepId) === step.id) item.setAttribute("aria-current", "step");
    else item.removeAttribute("aria-current");
  }
}

// The control page's agenda, as the workspace changed it (agenda.changed, or a snapshot).
function renderAgenda(agenda) {
  const list = $("[data-agenda]");
  if (!list || !Array.isArray(agenda)) return;
  const shown = [...list.querySelectorAll("[data-step-id]")].map((item) => `${item.dataset.stepId}:${item.textContent}`);
  if (shown.join("\n") === agenda.map((step) => `${step.id}:${step.title}`).join("\n")) return;
  list.replaceChildren(...agenda.map((step) => {
    const item = document.createElement("li");
    item.dataset.stepId = step.id;
    item.textContent = step.title;
    return item;
  }));
  renderStepNow();
}

function visibleTo(idea) {
  const list = $("[data-ideas]");
  if (!list) return false;
  const filter = list.dataset.tableFilter;
  if (filter && Number(filter) !== idea.table) return false;
  // Other tables' new ideas reach a table's screens in brief (no text): counted, not listed.
  if (typeof idea.text !== "string") return false;
  return idea.status === "visible" || (screen === "themes" && idea.status === "hidden");
}

// Re-rendering a list must not take the keyboard focus (or the caret) away from someone typing.
function keepFocus(render) {
  const active = document.activeElement;
  const id = active && root.contains(active) && active.id ? active.id : null;
  const caret = id && typeof active.selectionStart === "number"
    ? [active.selectionStart, active.selectionEnd] : null;
  render();
  const again = id ? document.getElementById(id) : null;
  if (again && again !== active) {
    again.focus();
    if (caret && typeof again.setSelectionRange === "function") again.setSelectionRange(...caret);
  }
}

function renderIdeas() {
  keepFocus(renderIdeaList);
  renderCounts();
  if (screen === "hall") renderCloud();
  if (screen === "themes") {
    keepFocus(renderCuration);
    focusWhenDrawn(null);
  }
}

// After an ack the event that redraws the idea may still be on its way: the control to focus
// next is remembered and focused by the render that draws it.
let focusNext = null;
function focusWhenDrawn(id) {
  if (id) focusNext = id;
  const node = focusNext ? document.getElementById(focusNext) : null;
  if (node) {
    focusNext = null;
    node.focus();
  }
}

function renderIdeaList() {
  const list = $("[data-ideas]");
  if (!list) return;
  list.replaceChildren();
  for (const idea of state.ideas.values()) {
    if (!visibleTo(idea)) continue;
    const item = el("li", { class: "ss-idea", "data-idea": idea.id, "data-status": idea.status });
    item.append(el("span", { "data-idea-text": "", id: `idea-text-${idea.id}` }, idea.text));
    if (screen === "themes") item.append(curationControls(idea));
    if (mayChange(idea) && ideaSteps.includes(state.step?.kind)) item.append(ownControls(idea));
    if (mayReport(idea)) item.append(reportLink(idea, list.dataset.reportUrl));
    list.append(item);
  }
  // A table without ideas says so, instead of a heading with nothing under it.
  const empty = $("[data-ideas-empty]");
  if (empty) empty.hidden = list.children.length > 0 || Boolean(state.me?.merged?.length);
}

// A host may change every idea of their table; a participant only the ones they wrote.
function mayChange(idea) {
  if (screen === "table") return true;
  return screen === "participant" && (state.me.ideas || []).includes(idea.id);
}

// Someone else's idea on a participant's or host's screen can be reported to the theme team:
// the card's link opens the report form with that idea chosen (it works without a socket).
function mayReport(idea) {
  if (screen !== "participant" && screen !== "table") return false;
  if (!$("[data-ideas]").dataset.reportUrl || idea.status !== "visible") return false;
  return !(state.me.ideas || []).includes(idea.id);
}

function reportLink(idea, url) {
  const link = el("a", {
    class: "utrecht-link", href: `${url}?idee=${encodeURIComponent(idea.id)}`,
    id: `report-${idea.id}`, "aria-describedby": `idea-text-${idea.id}`,
  }, T.report);
  return inside("span", { class: "ss-idea__actions" }, link);
}

// Open inline forms (idea id -> {mode: "edit" | "withdraw", text}); they survive re-renders.
const drafts = new Map();
const renaming = new Map();

const inside = (tag, attrs, child) => {
  const node = el(tag, attrs);
  node.append(child);
  return node;
};

const button = (text, attrs = {}) =>
  el("button", { type: "button", class: "utrecht-button utrecht-button--subtle", ...attrs }, text);

function focusLater(id) {
  requestAnimationFrame(() => document.getElementById(id)?.focus());
}

function ownControls(idea) {
  const draft = drafts.get(idea.id);
  if (draft?.mode === "edit") return editForm(idea, draft);
  if (draft?.mode === "withdraw") return withdrawForm(idea);
  const box = el("span", { class: "ss-idea__actions" });
  const edit = button(T.edit, { id: `edit-${idea.id}`, "aria-describedby": `idea-text-${idea.id}` });
  edit.addEventListener("click", () => {
    drafts.set(idea.id, { mode: "edit", text: idea.text });
    renderIdeas();
    focusLater(`edit-text-${idea.id}`);
  });
  const withdraw = button(T.withdraw, {
    id: `withdraw-${idea.id}`, "aria-describedby": `idea-text-${idea.id}` });
  withdraw.addEventListener("click", () => {
    drafts.set(idea.id, { mode: "withdraw" });
    renderIdeas();
    focusLater(`withdraw-no-${idea.id}`);
  });
  box.append(edit, withdraw);
  return box;
}

function closeDraft(id, focusId) {
  drafts.delete(id);
  renderIdeas();
  focusLater(focusId);
}

function editForm(idea, draft) {
  const form = el("form", { class: "ss-idea-form", "data-edit-form": idea.id });
  const field = el("div", { class: "utrecht-form-field" });
  const areaId = `edit-text-${idea.id}`;
  const area = el("textarea", {
    class: "utrecht-textarea", id: areaId, name: "text", maxlength: "280", rows: "2", required: "" });
  area.value = draft.text;
  area.addEventListener("input", () => { draft.text = area.value; });
  field.append(el("label", { class: "utrecht-form-label", for: areaId }, T.editLabel), area);
  const save = el("button", { type: "submit", class: "utrecht-button utrecht-button--primary-action" }, T.save);
  const cancel = button(T.cancel, { id: `edit-cancel-${idea.id}` });
  cancel.addEventListener("click", () => closeDraft(idea.id, `edit-${idea.id}`));
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeDraft(idea.id, `edit-${idea.id}`);
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await send("idea.edit", { idea: idea.id, text: draft.text });
      closeDraft(idea.id, `edit-${idea.id}`);
    } catch {
      // Refused: the message is shown and the form keeps what was typed.
    }
  });
  form.append(field, el("span", { class: "ss-button-group" }));
  form.lastChild.append(save, cancel);
  return form;
}

function withdrawForm(idea) {
  const box = el("div", { class: "ss-idea__actions", role: "group", "aria-labelledby": `withdraw-ask-${idea.id}` });
  const ask = el("p", { class: "utrecht-paragraph", id: `withdraw-ask-${idea.id}` }, T.withdrawAsk);
  const yes = el("button", {
    type: "button", class: "utrecht-button utrecht-button--primary-action", id: `withdraw-yes-${idea.id}` },
  T.withdrawYes);
  yes.addEventListener("click", async () => {
    try {
      await send("idea.withdraw", { idea: idea.id });
      drafts.delete(idea.id);
      renderIdeas();
      focusLater("idea-text");
    } catch {
      closeDraft(idea.id, `withdraw-${idea.id}`);
    }
  });
  const no = button(T.withdrawNo, { id: `withdraw-no-${idea.id}` });
  no.addEventListener("click", () => closeDraft(idea.id, `withdraw-${idea.id}`));
  box.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeDraft(idea.id, `withdraw-${idea.id}`);
  });
  box.append(ask, yes, no);
  return box;
}

// The theme team: hide, theme, merge (a searchable picker, not a list of every idea) and
// undo a hide or a merge (idea.restore).
const picking = new Map(); // idea id -> {query}: open merge pickers; they survive re-renders
const PICKER_RESULTS = 8;

function curationControls(idea) {
  const box = el("span", { class: "ss-idea__actions" });
  if (idea.status === "hidden") {
    box.append(restoreButton(idea));
    return box;
  }
  if (picking.has(idea.id)) return mergePicker(idea);
  if (hiding.has(idea.id)) return hideForm(idea);
  const hide = button(T.hide, { id: `hide-${idea.id}`, "aria-describedby": `idea-text-${idea.id}` });
  hide.addEventListener("click", () => {
    hiding.set(idea.id, { reason: "" });
    renderIdeas();
    focusLater(`hide-reason-${idea.id}`);
  });
  const themeLabel = el("label", { class: "utrecht-form-label", for: `theme-of-${idea.id}` }, T.theme);
  const select = el("select", { class: "utrecht-select", id: `theme-of-${idea.id}` });
  select.append(el("option", { value: "" }, T.none));
  for (const theme of state.themes.values()) {
    const option = el("option", { value: theme.id }, theme.name);
    if (theme.id === idea.theme) option.selected = true;
    select.append(option);
  }
  select.addEventListener("change", () =>
    send("theme.assign", { idea: idea.id, theme: select.value ? Number(select.value) : null }));
  const merge = button(T.mergeOpen, {
    id: `merge-${idea.id}`, "aria-describedby": `idea-text-${idea.id}`, "aria-expanded": "false" });
  merge.addEventListener("click", () => {
    picking.set(idea.id, { query: "" });
    renderIdeas();
    focusLater(`merge-search-${idea.id}`);
  });
  // The label and its list wrap to the next line together, so 'Thema' never stands alone.
  const theme = el("span", { class: "ss-idea__theme" });
  theme.append(themeLabel, " ", select);
  box.append(hide, theme, merge);
  return box;
}

// Hiding asks why: the moderation queue shows the reason, who hid it and when.
const hiding = new Map(); // idea id -> {reason}: open hide forms; they survive re-renders

function hideForm(idea) {
  const draft = hiding.get(idea.id);
  const form = el("form", { class: "ss-idea-form", "data-hide-form": idea.id });
  const field = el("div", { class: "utrecht-form-field" });
  const inputId = `hide-reason-${idea.id}`;
  const input = el("input", {
    class: "utrecht-textbox", id: inputId, name: "reason", maxlength: "500", required: "" });
  input.value = draft.reason;
  input.addEventListener("input", () => { draft.reason = input.value; });
  field.append(el("label", { class: "utrecht-form-label", for: inputId }, T.hideReason), input);
  const yes = el("button", {
    type: "submit", class: "utrecht-button utrecht-button--primary-action", id: `hide-yes-${idea.id}` },
  T.hide);
  const close = () => { hiding.delete(idea.id); renderIdeas(); focusLater(`hide-${idea.id}`); };
  const cancel = button(T.cancel, { id: `hide-cancel-${idea.id}` });
  cancel.addEventListener("click", close);
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape") close();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await send("idea.hide", { idea: idea.id, reason: draft.reason });
      hiding.delete(idea.id);
      focusWhenDrawn(`restore-${idea.id}`);
      renderIdeas();
    } catch {
      // Refused: the message is shown and the form keeps the reason typed.
    }
  });
  form.append(field, el("span", { class: "ss-button-group" }));
  form.lastChild.append(yes, cancel);
  return form;
}

function restoreButton(idea) {
  const restore = button(T.restore, { id: `restore-${idea.id}`, "aria-describedby": `idea-text-${idea.id}` });
  restore.addEventListener("click", async () => {
    try {
      await send("idea.restore", { idea: idea.id });
      focusWhenDrawn(`hide-${idea.id}`);
    } catch {
      // Refused: the message is shown.
    }
  });
  return restore;
}

/** Ideas whose text holds every word typed (case and accents ignored), in list order. */
function mergeCandidates(idea, query) {
  const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (!words.length) return [];
  return [...state.ideas.values()].filter((other) => other.id !== idea.id && other.status === "visible"
    && typeof other.text === "string" && words.every((word) => fold(other.text).includes(word)));
}

function mergePicker(idea) {
  const draft = picking.get(idea.id);
  const box = el("div", { class: "ss-merge-picker", role: "group", "aria-labelledby": `idea-text-${idea.id}` });
  const inputId = `merge-search-${idea.id}`;
  const label = el("label", { class: "utrecht-form-label", for: inputId, id: `merge-label-${idea.id}` }, T.mergeSearch);
  const input = el("input", {
    type: "search", class: "utrecht-textbox", id: inputId, autocomplete: "off",
    "aria-describedby": `merge-status-${idea.id}` });
  input.value = draft.query;
  const status = el("p", { class: "utrecht-paragraph", id: `merge-status-${idea.id}`, role: "status" });
  const results = el("ul", { class: "utrecht-unordered-list ss-merge-picker__results", "data-merge-results": idea.id });
  const close = () => {
    picking.delete(idea.id);
    renderIdeas();
    focusLater(`merge-${idea.id}`);
  };
  const fill = () => {
    const found = mergeCandidates(idea, draft.query);
    const shown = found.slice(0, PICKER_RESULTS);
    results.replaceChildren(...shown.map((other) => {
      const choose = button(T.mergeInto.replace("%(text)s", () => other.text), {
        "data-merge-into": other.id, "aria-describedby": `idea-text-${idea.id}` });
      choose.addEventListener("click", async () => {
        try {
          await send("idea.merge", { idea: idea.id, into: other.id });
          picking.delete(idea.id);
          renderIdeas();
          focusWhenDrawn(`restore-${idea.id}`);
        } catch {
          // Refused: the message is shown and the picker stays open.
        }
      });
      return inside("li", {}, choose);
    }));
    if (!draft.query.trim()) status.textContent = "";
    else if (!found.length) status.textContent = T.mergeNothing;
    else if (found.length === 1) status.textContent = T.mergeFoundOne;
    else status.textContent = T.mergeFound.replace("%(count)s", found.length).replace("%(shown)s", shown.length);
  };
  input.addEventListener("input", () => {
    draft.query = input.value;
    fill();
  });
  const cancel = button(T.cancel, { id: `merge-cancel-${idea.id}` });
  cancel.addEventListener("click", close);
  box.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  fill();
  box.append(label, input, status, results, cancel);
  return box;
}

// The ideas per theme with their counts, and the merged ideas with their undo.
function renderCuration() {
  const groups = $("[data-theme-groups]");
  if (groups) {
    const open = new Set([...groups.querySelectorAll("details[open]")].map((d) => d.parentNode.dataset.group));
    const byTheme = new Map([...state.themes.keys()].map((id) => [id, []]));
    const loose = [];
    for (const idea of state.ideas.values()) {
      if (idea.status !== "visible" || typeof idea.text !== "string") continue;
      if (idea.theme !== null && byTheme.has(idea.theme)) byTheme.get(idea.theme).push(idea);
      else loose.push(idea);
    }
    const rows = [...byTheme.entries()].map(([id, ideas]) => [String(id), state.themes.get(id).name, ideas])
      .sort((a, b) => b[2].length - a[2].length);
    rows.push(["", T.noTheme, loose]);
    groups.replaceChildren(...rows.map(([key, name, ideas]) => {
      const item = el("li", { "data-group": key });
      const details = el("details");
      details.open = open.has(key);
      const summary = el("summary");
      const count = ideas.length === 1 ? T.oneIdea : T.manyIdeas.replace("%(count)s", ideas.length);
      summary.append(el("span", { "data-group-name": "" }, name), ": ", el("span", { "data-group-count": "" }, count));
      const list = el("ul", { class: "utrecht-unordered-list" });
      list.append(...ideas.map((idea) => el("li", {}, idea.text)));
      details.append(summary, list);
      item.append(details);
      return item;
    }));
  }
  const merged = $("[data-merged-ideas]");
  if (merged) {
    merged.replaceChildren(...[...state.merged.values()].map((idea) => {
      const item = el("li", { class: "ss-idea", "data-idea": idea.id });
      const into = state.ideas.get(idea.into)?.text ?? "";
      item.append(el("span", { "data-idea-text": "", id: `idea-text-${idea.id}` }, idea.text));
      if (into) item.append(el("span", { class: "ss-idea__note" }, ` (${T.mergedInto.replace("%(text)s", () => into)})`));
      item.append(inside("span", { class: "ss-idea__actions" }, restoreButton(idea)));
      return item;
    }));
    $("[data-merged-section]").hidden = !state.merged.size;
  }
}

function renderThemes() {
  keepFocus(renderThemeList);
}

// What a screen shows of the afternoon theme tables (table.spread_themes): its own table's
// theme, the theme column of the facilitator's table list, the theme team's list of theme
// tables and the themes a participant can choose from.
function renderTableThemes() {
  const themeName = (table) => state.themes.get(table?.theme)?.name ?? "";
  const own = $("[data-own-theme]");
  if (own) {
    const name = themeName(state.tables.get(state.me.table));
    const text = screen === "table" ? T.thisTableTheme : T.yourTableTheme;
    own.hidden = !name;
    own.textContent = name ? text.replace("%(theme)s", () => name) : "";
  }
  for (const cell of root.querySelectorAll("[data-table-theme]")) {
    cell.textContent = themeName(state.tables.get(Number(cell.dataset.tableTheme))) || "–";
  }
  const themed = [...state.tables.values()].filter((table) => themeName(table));
  const list = $("[data-theme-tables]");
  if (list) {
    list.replaceChildren(...themed.map((table) => {
      const text = T.tableTheme.replace("%(number)s", table.number)
        .replace("%(theme)s", () => themeName(table));
      return el("li", {}, table.online ? `${text} (${T.online})` : text);
    }));
    list.hidden = !themed.length;
  }
  const choices = $("[data-choice-themes]");
  if (choices) {
    // Hall tables for someone in the hall, online tables for someone online.
    const online = state.tables.get(state.me.table)?.online ?? false;
    const names = [...new Set(themed.filter((table) => table.online === online).map(themeName))];
    choices.replaceChildren(...names.map((name) => el("li", {}, name)));
    $("[data-choice-box]").hidden = !names.length;
    $("[data-choice-waiting]").hidden = names.length > 0;
  }
}

function renderThemeList() {
  const list = $("[data-themes]");
  if (list) {
    list.replaceChildren();
    for (const theme of state.themes.values()) {
      const item = el("li", { "data-theme": theme.id });
      item.append(el("span", { "data-theme-name": "", id: `theme-name-${theme.id}` }, theme.name));
      if (renaming.has(theme.id)) {
        item.append(" ", renameForm(theme));
      } else {
        const label = el("label", { class: "ss-checkbox" });
        const box = el("input", { type: "checkbox", class: "utrecht-checkbox", id: `feature-${theme.id}` });
        box.checked = theme.featured;
        box.addEventListener("change", () => send("theme.feature", { theme: theme.id, featured: box.checked }));
        label.append(box, document.createTextNode(` ${T.feature}`));
        const rename = button(T.rename, {
          id: `rename-${theme.id}`, "aria-describedby": `theme-name-${theme.id}` });
        rename.addEventListener("click", () => {
          renaming.set(theme.id, { text: theme.name });
          renderThemes();
          focusLater(`rename-text-${theme.id}`);
        });
        item.append(" ", label, rename);
      }
      list.append(item);
    }
  }
  const featured = $("[data-featured-themes]");
  if (featured) {
    featured.replaceChildren(...[...state.themes.values()].filter((t) => t.featured)
      .map((t) => el("li", { "data-theme": t.id }, t.name)));
  }
  renderTableThemes();
}

function renameForm(theme) {
  const draft = renaming.get(theme.id);
  const form = el("form", { class: "ss-inline-form", "data-rename-form": theme.id });
  const inputId = `rename-text-${theme.id}`;
  const field = el("div", { class: "utrecht-form-field" });
  const input = el("input", {
    class: "utrecht-textbox", id: inputId, name: "name", maxlength: "120", required: "" });
  input.value = draft.text;
  input.addEventListener("input", () => { draft.text = input.value; });
  field.append(el("label", { class: "utrecht-form-label", for: inputId }, T.renameLabel), input);
  const save = el("button", { type: "submit", class: "utrecht-button utrecht-button--primary-action" }, T.save);
  const close = () => {
    renaming.delete(theme.id);
    renderThemes();
    focusLater(`rename-${theme.id}`);
  };
  const cancel = button(T.cancel);
  cancel.addEventListener("click", close);
  form.addEventListener("keydown", (event) => { if (event.key === "Escape") close(); });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await send("theme.rename", { theme: theme.id, name: draft.text });
      close();
    } catch {
      // Refused: the message is shown and the form keeps the new name.
    }
  });
  form.append(field, save, cancel);
  return form;
}

function renderCounts() {
  const visible = [...state.ideas.values()].filter((idea) => idea.status === "visible");
  for (const node of root.querySelectorAll("[data-count=ideas]")) node.textContent = visible.length;
  for (const node of root.querySelectorAll("[data-count=checked_in]")) {
    node.textContent = state.counts.checked_in ?? node.textContent;
  }
  // The facilitator's table list: who is present and how many ideas each table wrote.
  for (const cell of root.querySelectorAll("[data-turnout]")) {
    cell.textContent = state.tables.get(Number(cell.dataset.turnout))?.seated ?? cell.textContent;
  }
  const perTable = new Map();
  for (const idea of visible) perTable.set(idea.table, (perTable.get(idea.table) || 0) + 1);
  for (const cell of root.querySelectorAll("[data-table-ideas]")) {
    cell.textContent = perTable.get(Number(cell.dataset.tableIdeas)) || 0;
  }
}

// The words the server leaves out of the cloud (views.keywords), so both count alike.
const WORDS = JSON.parse(document.getElementById("summit-words")?.textContent || "{}");
const stopWords = new Set(WORDS.stop || []);
const edgePunctuation = (() => {
  const marks = [...(WORDS.punctuation || "")].map((mark) => mark.replace(/[\\^\]-]/g, "\\$&")).join("");
  return marks ? new RegExp(`^[${marks}]+|[${marks}]+$`, "g") : null;
})();

function renderCloud() {
  const words = new Map();
  for (const idea of state.ideas.values()) {
    if (idea.status !== "visible" || typeof idea.text !== "string") continue;
    for (let word of idea.text.toLowerCase().split(/\s+/)) {
      if (edgePunctuation) word = word.replace(edgePunctuation, "");
      if (word.length > 2 && !stopWords.has(word)) words.set(word, (words.get(word) || 0) + 1);
    }
  }
  const top = [...words.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30);
  // Sizes 1-5 relative to the words shown (views.cloud).
  const counts = top.map(([, count]) => count);
  const low = Math.min(...counts);
  const spread = Math.max(...counts) - low || 1;
  const list = $("[data-word-cloud]");
  list.replaceChildren(...top.map(([word, count]) =>
    el("li", { "data-weight": 1 + Math.round((4 * (count - low)) / spread), "data-count": count }, word)));
  // The projector shows one screen: the least used words give way when the cloud is full.
  while (list.lastElementChild && list.scrollHeight > list.clientHeight + 1) list.lastElementChild.remove();
}

function applySnapshot(data) {
  state = {
    step: data.step,
    me: data.me,
    counts: data.counts,
    ideas: new Map(data.ideas.map((idea) => [idea.id, idea])),
    themes: new Map(data.themes.map((theme) => [theme.id, theme])),
    tables: new Map(data.tables.map((table) => [table.number, table])),
    merged: new Map((data.merged || []).map((idea) => [idea.id, idea])),
  };
  const list = $("[data-ideas]");
  if (list && (screen === "participant" || screen === "table")) list.dataset.tableFilter = data.me.table ?? "";
  const mine = $("[data-my-table]");
  if (mine && data.me.table) mine.textContent = T.seatedAt.replace("%(number)s", data.me.table);
  renderAgenda(data.agenda);
  renderStep();
  renderThemes();
  renderIdeas();
  const box = $("[data-message]");
  box.hidden = !data.message;
  $("[data-message-text]").textContent = data.message ? data.message.text : "";
}

function applyEvent(type, data) {
  const idea = state.ideas.get(data.id);
  switch (type) {
    case "step.changed": state.step = data; renderStep(); renderIdeas(); return;
    case "agenda.changed": renderAgenda(data.agenda); return;
    case "message.sent":
      $("[data-message]").hidden = false;
      $("[data-message-text]").textContent = data.text;
      return;
    case "participant.checked_in": {
      state.counts.checked_in = (state.counts.checked_in || 0) + 1;
      const table = state.tables.get(data.table);
      if (table) table.seated = (table.seated || 0) + 1;
      renderCounts();
      return;
    }
    case "seating.changed":
      // Staff count who sits where; the event names only the new tables of those who moved.
      if (screen === "control") { channel.requestSnapshot(); return; }
      // Moved to another table: its ideas come with a fresh snapshot.
      if (String(state.me.participant) in (data.seats || {})) channel.requestSnapshot();
      return;
    case "table_themes.changed":
      for (const [number, theme] of Object.entries(data.tables || {})) {
        const table = state.tables.get(Number(number));
        if (table) table.theme = theme;
      }
      renderTableThemes();
      return;
    case "idea.created": state.ideas.set(data.id, { ...data, status: "visible" }); break;
    case "idea.edited": if (idea) idea.text = data.text; break;
    case "idea.withdrawn": if (idea) idea.status = "withdrawn"; break;
    case "idea.merged":
      if (idea) {
        idea.status = "merged";
        if (screen === "themes") state.merged.set(data.id, { ...idea, into: data.into });
      }
      break;
    case "idea.restored":
      state.merged.delete(data.id);
      state.ideas.set(data.id, { ...data, status: "visible" });
      break;
    case "idea.hidden": if (idea) idea.status = "hidden"; break;
    case "theme.assigned": {
      const target = state.ideas.get(data.idea);
      if (target) target.theme = data.theme;
      break;
    }
    case "theme.created": case "theme.renamed": case "theme.featured":
      state.themes.set(data.id, data); renderThemes(); break;
    default: return;
  }
  renderIdeas();
}

const scheme = location.protocol === "https:" ? "wss:" : "ws:";
const channel = new LiveChannel(`${scheme}//${location.host}${root.dataset.wsPath}`, {
  onSnapshot: (data) => {
    applySnapshot(data);
    renderMyMerged();
    root.dispatchEvent(new CustomEvent("summit:snapshot", { detail: data }));
  },
  onEvent: (type, data) => {
    applyEvent(type, data);
    trackMyMerged(type, data);
    root.dispatchEvent(new CustomEvent("summit:event", { detail: { type, data } }));
  },
  onError: (message) => showError(message),
  onAck: (id, result, command) => {
    showError("");
    if (command?.type === "idea.create" && Number.isInteger(result?.idea)) {
      state.me.ideas = [...(state.me.ideas || []), result.idea];
      renderIdeas();
    }
  },
  onStatus: (status) => { $("[data-connection]").textContent = status === "offline" ? T.offline : ""; },
});

// A participant's own ideas that the theme team merged into another one: they stay in
// view, saying which idea they are now part of (snapshot: me.merged).
function renderMyMerged() {
  const list = $("[data-my-merged]");
  if (!list) return;
  const merged = state.me.merged || [];
  list.replaceChildren(...merged.map((idea) => {
    const item = el("li", { class: "ss-idea", "data-idea": idea.id, "data-status": "merged" });
    item.append(el("span", { "data-idea-text": "" }, idea.text));
    item.append(el("span", { class: "ss-idea__note", "data-merged-into": idea.into },
      T.myMergedInto.replace("%(text)s", () => idea.into_text)));
    return item;
  }));
  list.hidden = !merged.length;
}

function trackMyMerged(type, data) {
  if (screen !== "participant") return;
  const mine = (state.me.ideas || []).includes(data.id);
  const merged = state.me.merged || [];
  if (type === "idea.merged" && mine) {
    const idea = state.ideas.get(data.id);
    const into = state.ideas.get(data.into);
    // Merged into another table's idea, whose text this screen does not have: ask for it.
    if (!idea || typeof into?.text !== "string") { channel.requestSnapshot(); return; }
    state.me.merged = [...merged.filter((m) => m.id !== data.id),
      { id: data.id, text: idea.text, into: data.into, into_text: into.text }];
  } else if (type === "idea.restored" && merged.some((m) => m.id === data.id)) {
    state.me.merged = merged.filter((m) => m.id !== data.id);
  } else if (type === "idea.edited" && merged.some((m) => m.into === data.id)) {
    state.me.merged = merged.map((m) => (m.into === data.id ? { ...m, into_text: data.text } : m));
  } else {
    return;
  }
  renderMyMerged();
}

function send(type, data) {
  showError("");
  return channel.send(type, data);
}

// The page's other modules (proposals.js) follow the channel through the events above and
// send through it with this one.
root.addEventListener("summit:send", (event) => {
  event.detail.sent = send(event.detail.type, event.detail.data);
});

for (const button of root.querySelectorAll("[data-command]")) {
  button.addEventListener("click", () => {
    const data = button.dataset.seconds ? { seconds: Number(button.dataset.seconds) } : {};
    send(button.dataset.command, data);
  });
}

function onSubmit(selector, handler) {
  const form = root.querySelector(selector);
  if (!form) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const field = form.querySelector("input, textarea");
    const typed = field?.value ?? "";
    const sent = handler(new FormData(form));
    form.reset();
    field?.focus();
    try {
      await sent;
    } catch {
      // Refused: the message is shown; give back what was typed unless something new is there.
      if (field && !field.value) field.value = typed;
    }
  });
}

onSubmit("[data-idea-form]", (form) => send("idea.create", { text: form.get("text") }));
onSubmit("[data-message-form]", (form) => send("message.send", { text: form.get("text") }));
onSubmit("[data-theme-form]", (form) => send("theme.create", { name: form.get("name") }));
// Over the live connection, not as the form's own post: the themes ticked "Op het zaalscherm"
// just before travel the same way, so the spread always comes after them.
// The outcome, or the refusal, is said beside the button too: at the foot of a long page the
// error box at the top is out of sight.
onSubmit("[data-spread-form]", async () => {
  const line = $("[data-spread-result]");
  line.textContent = "";
  try {
    const result = await send("table.spread_themes", {});
    line.textContent = T.spread
      .replace("%(themes)s", result.themes).replace("%(tables)s", result.tables);
  } catch (error) {
    line.textContent = error?.message ?? "";
    throw error;
  }
});
onSubmit("[data-checkin-form]", async (form) => {
  const result = await send("participant.check_in", { code: form.get("code") });
  $("[data-desk-result]").textContent = `${result.name}: ${T.checked} ${result.table ?? "–"}`;
});
onSubmit("[data-walkin-form]", async (form) => {
  const year = Number(form.get("birth_year")) || null;
  const result = await send("participant.walk_in", { name: form.get("name"), birth_year: year });
  $("[data-desk-result]").textContent = `${result.name}: ${result.code}`;
});

// The facilitator moves the agenda on or back only after confirming in a dialog that names
// the step every screen goes to (a native <dialog>: the keyboard stays in it, Escape cancels,
// and the page and its live connection stay as they are).
const stepDialog = $("[data-step-dialog]");
if (stepDialog) {
  let move = null;
  let opener = null;
  // The agenda as the page shows it (renderStep marks the current step), so the dialog can
  // name the step before the first snapshot has arrived.
  const target = (command) => {
    const agenda = [...root.querySelectorAll("[data-agenda] [data-step-id]")];
    const at = agenda.findIndex((item) => item.getAttribute("aria-current") === "step");
    const step = command === "step.back" ? (at > 0 ? agenda[at - 1] : null) : agenda[at + 1];
    return step ? { id: Number(step.dataset.stepId), title: step.textContent } : null;
  };
  for (const opening of root.querySelectorAll("[data-step-move]")) {
    opening.addEventListener("click", () => {
      move = opening.dataset.stepMove;
      opener = opening;
      const step = target(move);
      if (!step) {
        showError(move === "step.back" ? T.firstStep : T.lastStep);
        return;
      }
      showError("");
      $("[data-step-dialog-target]").textContent = step.title;
      stepDialog.returnValue = "";
      stepDialog.showModal();
    });
  }
  // Sent at the confirming click itself, not when the dialog's close event comes: that event
  // is queued, and a facilitator who cancels and at once opens the dialog again gets the
  // cancel's close event after the new opening, which must not undo it.
  stepDialog.querySelector("form").addEventListener("submit", (event) => {
    if (event.submitter?.value === "confirm" && move) send(move, {});
  });
  stepDialog.addEventListener("close", () => {
    if (stepDialog.open) return; // opened again meanwhile
    move = null;
    opener?.focus();
  });
}
