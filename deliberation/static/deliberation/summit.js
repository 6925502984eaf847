// Summit screens: keep the server-rendered page in step with the live channel.
// Protocol: docs/live-protocol.md. The client (outbox, resend, seq gaps) is samenspel/live.
import { LiveChannel, countdown } from "samenspel/live";

const root = document.querySelector("[data-summit]");
const screen = root.dataset.screen;
const ideaSteps = root.dataset.ideaSteps.split(",");
const lang = document.documentElement.lang || "nl";
const T = lang === "en"
  ? { paused: "Paused", running: "Running", idle: "Not started", start: "The summit starts soon",
      table: "Table", hide: "Hide", merge: "Merge into", theme: "Theme", none: "(none)",
      edit: "Edit", withdraw: "Withdraw", feature: "Show on hall screen", rename: "Rename",
      offline: "Connection lost, reconnecting…", name: "Name", checked: "Checked in at table" }
  : { paused: "Gepauzeerd", running: "Loopt", idle: "Nog niet begonnen", start: "De burgertop begint zo",
      table: "Tafel", hide: "Verbergen", merge: "Samenvoegen met", theme: "Thema", none: "(geen)",
      edit: "Wijzigen", withdraw: "Intrekken", feature: "Op het zaalscherm", rename: "Hernoemen",
      offline: "Verbinding verbroken, opnieuw verbinden…", name: "Naam", checked: "Aangemeld, tafel" };

let state = { step: null, ideas: new Map(), themes: new Map(), me: {}, counts: {} };
const $ = (selector) => root.querySelector(selector);
const el = (tag, attrs = {}, text = "") => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text) node.textContent = text;
  return node;
};

function showError(message) {
  const box = $("[data-error]");
  box.hidden = !message;
  $("[data-error-text]").textContent = message || "";
}

function renderStep() {
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

function visibleTo(idea) {
  const list = $("[data-ideas]");
  if (!list) return false;
  const filter = list.dataset.tableFilter;
  if (filter && Number(filter) !== idea.table) return false;
  return idea.status === "visible" || (screen === "themes" && idea.status === "hidden");
}

function renderIdeas() {
  const list = $("[data-ideas]");
  if (!list) return;
  list.replaceChildren();
  for (const idea of state.ideas.values()) {
    if (!visibleTo(idea)) continue;
    const item = el("li", { class: "ss-idea", "data-idea": idea.id, "data-status": idea.status });
    item.append(el("span", { "data-idea-text": "" }, idea.text));
    if (screen === "themes" && idea.status === "visible") item.append(curationControls(idea));
    if ((screen === "table" || screen === "participant") && ideaSteps.includes(state.step?.kind)) {
      item.append(ownControls(idea));
    }
    list.append(item);
  }
  renderCounts();
  if (screen === "hall") renderCloud();
}

function ownControls(idea) {
  const box = el("span", { class: "ss-idea__actions" });
  const edit = el("button", { type: "button", class: "utrecht-button utrecht-button--subtle" }, T.edit);
  edit.addEventListener("click", () => {
    const text = window.prompt(T.edit, idea.text);
    if (text !== null) send("idea.edit", { idea: idea.id, text });
  });
  const withdraw = el("button", { type: "button", class: "utrecht-button utrecht-button--subtle" }, T.withdraw);
  withdraw.addEventListener("click", () => send("idea.withdraw", { idea: idea.id }));
  box.append(edit, withdraw);
  return box;
}

function curationControls(idea) {
  const box = el("span", { class: "ss-idea__actions" });
  const hide = el("button", { type: "button", class: "utrecht-button utrecht-button--subtle" }, T.hide);
  hide.addEventListener("click", () => send("idea.hide", { idea: idea.id }));
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
  const mergeLabel = el("label", { class: "utrecht-form-label", for: `merge-${idea.id}` }, T.merge);
  const merge = el("select", { class: "utrecht-select", id: `merge-${idea.id}` });
  merge.append(el("option", { value: "" }, T.none));
  for (const other of state.ideas.values()) {
    if (other.id !== idea.id && other.status === "visible") {
      merge.append(el("option", { value: other.id }, other.text.slice(0, 40)));
    }
  }
  merge.addEventListener("change", () => {
    if (merge.value) send("idea.merge", { idea: idea.id, into: Number(merge.value) });
  });
  box.append(hide, themeLabel, select, mergeLabel, merge);
  return box;
}

function renderThemes() {
  const list = $("[data-themes]");
  if (list) {
    list.replaceChildren();
    for (const theme of state.themes.values()) {
      const item = el("li", { "data-theme": theme.id });
      item.append(el("span", { "data-theme-name": "" }, theme.name));
      const label = el("label", { class: "ss-checkbox" });
      const box = el("input", { type: "checkbox", class: "utrecht-checkbox" });
      box.checked = theme.featured;
      box.addEventListener("change", () => send("theme.feature", { theme: theme.id, featured: box.checked }));
      label.append(box, document.createTextNode(` ${T.feature}`));
      const rename = el("button", { type: "button", class: "utrecht-button utrecht-button--subtle" }, T.rename);
      rename.addEventListener("click", () => {
        const name = window.prompt(T.rename, theme.name);
        if (name !== null) send("theme.rename", { theme: theme.id, name });
      });
      item.append(" ", label, rename);
      list.append(item);
    }
  }
  const featured = $("[data-featured-themes]");
  if (featured) {
    featured.replaceChildren(...[...state.themes.values()].filter((t) => t.featured)
      .map((t) => el("li", { "data-theme": t.id }, t.name)));
  }
}

function renderCounts() {
  const visible = [...state.ideas.values()].filter((idea) => idea.status === "visible").length;
  for (const node of root.querySelectorAll("[data-count=ideas]")) node.textContent = visible;
  for (const node of root.querySelectorAll("[data-count=checked_in]")) {
    node.textContent = state.counts.checked_in ?? node.textContent;
  }
}

function renderCloud() {
  const words = new Map();
  for (const idea of state.ideas.values()) {
    if (idea.status !== "visible") continue;
    for (let word of idea.text.toLowerCase().split(/\s+/)) {
      word = word.replace(/[.,!?;:()"']/g, "");
      if (word.length > 2) words.set(word, (words.get(word) || 0) + 1);
    }
  }
  const top = [...words.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30);
  $("[data-word-cloud]").replaceChildren(...top.map(([word, count]) =>
    el("li", { "data-weight": count }, word)));
}

function applySnapshot(data) {
  state = {
    step: data.step,
    me: data.me,
    counts: data.counts,
    ideas: new Map(data.ideas.map((idea) => [idea.id, idea])),
    themes: new Map(data.themes.map((theme) => [theme.id, theme])),
  };
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
    case "message.sent":
      $("[data-message]").hidden = false;
      $("[data-message-text]").textContent = data.text;
      return;
    case "participant.checked_in":
      state.counts.checked_in = (state.counts.checked_in || 0) + 1; renderCounts(); return;
    case "seating.changed": return;
    case "idea.created": state.ideas.set(data.id, { ...data, status: "visible" }); break;
    case "idea.edited": if (idea) idea.text = data.text; break;
    case "idea.withdrawn": if (idea) idea.status = "withdrawn"; break;
    case "idea.merged": if (idea) idea.status = "merged"; break;
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
  onSnapshot: (data) => applySnapshot(data),
  onEvent: (type, data) => applyEvent(type, data),
  onError: (message) => showError(message),
  onAck: () => showError(""),
  onStatus: (status) => { $("[data-connection]").textContent = status === "offline" ? T.offline : ""; },
});

function send(type, data) {
  showError("");
  return channel.send(type, data);
}

for (const button of root.querySelectorAll("[data-command]")) {
  button.addEventListener("click", () => {
    const data = button.dataset.seconds ? { seconds: Number(button.dataset.seconds) } : {};
    send(button.dataset.command, data);
  });
}

function onSubmit(selector, handler) {
  const form = root.querySelector(selector);
  if (!form) return;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    handler(new FormData(form));
    form.reset();
    form.querySelector("input, textarea")?.focus();
  });
}

onSubmit("[data-idea-form]", (form) => send("idea.create", { text: form.get("text") }));
onSubmit("[data-message-form]", (form) => send("message.send", { text: form.get("text") }));
onSubmit("[data-theme-form]", (form) => send("theme.create", { name: form.get("name") }));
onSubmit("[data-checkin-form]", async (form) => {
  const result = await send("participant.check_in", { code: form.get("code") });
  if (result) {
    $("[data-desk-result]").textContent = `${result.name}: ${T.checked} ${result.table ?? "–"}`;
  }
});
onSubmit("[data-walkin-form]", async (form) => {
  const year = Number(form.get("birth_year")) || null;
  const result = await send("participant.walk_in", { name: form.get("name"), birth_year: year });
  if (result) $("[data-desk-result]").textContent = `${result.name}: ${result.code}`;
});
