// The vote step on the summit screens: the ballot on a participant's screen, turnout on
// every screen (per table for the facilitator), closing and revealing on the control
// screen, the result everywhere once revealed. The page's live channel is summit.js's: it
// passes snapshots and events on as DOM events on the summit root, and sends what this
// module asks (`summit:send`). Protocol: docs/live-protocol.md ("The vote").

const root = document.querySelector("[data-summit]");
const box = root?.querySelector("[data-vote]");
const T = JSON.parse(document.getElementById("summit-texts")?.textContent || "{}");
const screen = box?.dataset.voteScreen;

let vote = null; // the current vote step's poll, as the server last sent it
let mine = null; // this person's ballot: { eligible, voted, paper, revision }
let myTable = null;
let receipt = null; // the tracker of this screen's last ballot (never stored elsewhere)
let changing = false; // the participant asked to change their ballot
let shownBallot = null; // the poll whose ballot form is drawn
let focusNext = null; // a control to focus once a render shows it (after an ack)

const $ = (selector) => box.querySelector(selector);
const el = (tag, attrs = {}, text = "") => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== "") node.textContent = text;
  return node;
};
const fill = (text, values) => String(text).replace(/%\((\w+)\)s/g, (_m, key) => values[key] ?? "");

function send(type, data) {
  const request = { type, data, sent: null };
  root.dispatchEvent(new CustomEvent("summit:send", { detail: request }));
  return request.sent || Promise.reject(new Error("no live channel"));
}

// The ballot ------------------------------------------------------------------------------

// The proposal's text as its page shows it: markdown rendered and sanitised by the server.
function optionText(option) {
  const text = el("div", { class: "ss-vote__text ss-proposal__text", id: `vote-text-${option.key}` });
  const template = document.createElement("template");
  template.innerHTML = option.html || "";
  text.append(template.content);
  return text;
}

function choiceField(option, type, name, value, label, describedBy) {
  const id = `vote-${name}-${value}`.replace(/[^\w-]/g, "-");
  const field = el("div", { class: `utrecht-form-field utrecht-form-field--${type}` });
  const input = el("input", { class: `utrecht-${type === "radio" ? "radio-button" : "checkbox"}`, type, id, name, value });
  if (describedBy) input.setAttribute("aria-describedby", describedBy);
  field.append(input, " ", el("label", { class: `utrecht-form-label utrecht-form-label--${type}`, for: id }, label));
  return field;
}

function drawBallot() {
  const options = $("[data-vote-options]");
  const hint = $("[data-vote-hint]");
  const n = vote.options.length;
  const parts = [];
  if (vote.shape === "choice") {
    const most = vote.max_choices || n;
    const group = el("fieldset", { class: "utrecht-form-fieldset ss-vote__group" });
    group.append(el("legend", { class: "utrecht-form-fieldset__legend" },
      most === 1 ? T.voteChooseOne : fill(T.voteChooseMost, { count: most })));
    for (const option of vote.options) {
      group.append(choiceField(option, "checkbox", "choice", option.key, `${option.number}. ${option.title}`, `vote-text-${option.key}`));
      group.append(optionText(option));
    }
    parts.push(group);
    hint.textContent = "";
  } else {
    for (const option of vote.options) {
      const group = el("fieldset", { class: "utrecht-form-fieldset ss-vote__group" });
      group.append(el("legend", { class: "utrecht-form-fieldset__legend" }, `${option.number}. ${option.title}`));
      group.append(optionText(option));
      if (vote.shape === "ranking") {
        const id = `vote-rank-${option.key}`;
        const select = el("select", { class: "utrecht-select", id, name: `rank-${option.key}` });
        select.append(el("option", { value: "" }, T.voteNoRank));
        for (let place = 1; place <= n; place += 1) select.append(el("option", { value: String(place) }, String(place)));
        const field = el("div", { class: "utrecht-form-field" });
        field.append(el("label", { class: "utrecht-form-label", for: id }, T.votePlace), select);
        group.append(field);
      } else if (vote.shape === "grades") {
        for (let grade = 0; grade <= 5; grade += 1) {
          group.append(choiceField(option, "radio", `grade-${option.key}`, String(grade), String(grade)));
        }
      } else if (vote.shape === "points") {
        const id = `vote-points-${option.key}`;
        const field = el("div", { class: "utrecht-form-field" });
        const input = el("input", { class: "utrecht-textbox", id, name: `points-${option.key}`, type: "number", min: "0", max: String(vote.points), inputmode: "numeric", value: "0" });
        field.append(el("label", { class: "utrecht-form-label", for: id }, T.votePoints), input);
        group.append(field);
      } else if (vote.shape === "yes_no") {
        for (const [value, label] of [["yes", T.voteYes], ["no", T.voteNo], ["abstain", T.voteAbstain]]) {
          group.append(choiceField(option, "radio", `answer-${option.key}`, value, label));
        }
      }
      parts.push(group);
    }
    hint.textContent = vote.shape === "ranking" ? T.voteRankHint
      : vote.shape === "points" ? fill(T.votePointsHint, { count: vote.points }) : "";
  }
  options.replaceChildren(...parts);
  shownBallot = vote.poll;
}

class BallotProblem extends Error {}

function readBallot(form) {
  const data = new FormData(form);
  if (vote.shape === "choice") {
    const chosen = data.getAll("choice");
    if (!chosen.length) throw new BallotProblem(T.voteNothing);
    if (vote.max_choices && chosen.length > vote.max_choices) {
      throw new BallotProblem(fill(T.voteTooMany, { count: vote.max_choices }));
    }
    return chosen;
  }
  if (vote.shape === "ranking") {
    const ranked = vote.options
      .map((option) => [Number(data.get(`rank-${option.key}`)), option.key])
      .filter(([place]) => place > 0)
      .sort((a, b) => a[0] - b[0]);
    if (!ranked.length) throw new BallotProblem(T.voteNothing);
    if (new Set(ranked.map(([place]) => place)).size !== ranked.length) throw new BallotProblem(T.voteSamePlace);
    return ranked.map(([, key]) => key);
  }
  const answers = {};
  for (const option of vote.options) {
    const name = { grades: "grade", points: "points", yes_no: "answer" }[vote.shape];
    const value = data.get(`${name}-${option.key}`);
    if (value === null || value === "") throw new BallotProblem(fill(T.voteMissing, { title: option.title }));
    answers[option.key] = vote.shape === "yes_no" ? value : Number(value);
  }
  if (vote.shape === "points") {
    const used = Object.values(answers).reduce((sum, n) => sum + n, 0);
    if (Object.values(answers).some((n) => !Number.isInteger(n) || n < 0) || used > vote.points) {
      throw new BallotProblem(fill(T.votePointsHint, { count: vote.points }));
    }
  }
  return answers;
}

function showProblem(message) {
  const hint = $("[data-vote-hint]");
  hint.textContent = message;
  hint.setAttribute("role", "alert");
}

// Drawing ------------------------------------------------------------------------------

function renderTurnout() {
  const line = $("[data-vote-turnout]");
  line.hidden = !vote;
  if (!vote) return;
  let text = fill(T.voteTurnout, { voted: vote.voted, eligible: vote.eligible });
  const own = myTable !== null ? vote.tables?.[String(myTable)] : null;
  if (screen === "table" && own) text += ` ${fill(T.voteTurnoutTable, { voted: own[0], eligible: own[1] })}`;
  line.textContent = text;
  const rows = $("[data-vote-tables]");
  if (rows) {
    const entries = Object.entries(vote.tables || {});
    $("[data-vote-tables-box]").hidden = !entries.length;
    rows.replaceChildren(...entries.map(([number, [voted, eligible]]) => {
      const row = el("tr", { class: "utrecht-table__row" });
      row.append(el("td", { class: "utrecht-table__cell" }, number),
        el("td", { class: "utrecht-table__cell" }, String(voted)),
        el("td", { class: "utrecht-table__cell" }, String(eligible)));
      return row;
    }));
  }
}

function renderResult() {
  const part = $("[data-vote-result]");
  const result = vote?.revealed ? vote.result : null;
  const wasHidden = part.hidden;
  part.hidden = !result;
  if (!result) return;
  const winners = result.rows.filter((row) => row.winner).map((row) => row.title);
  $("[data-vote-winners]").textContent = winners.length
    ? fill(winners.length === 1 ? T.voteWinner : T.voteWinners, { titles: winners.join(", ") })
    : T.voteNoWinner;
  const top = Math.max(1, ...result.rows.map((row) => Math.abs(row.value)));
  $("[data-vote-bars]").replaceChildren(...result.rows.map((row) => {
    const item = el("li", { class: "ss-vote__bar-row", "data-winner": row.winner ? "yes" : "no" });
    const bar = el("span", { class: "ss-vote__bar" });
    bar.style.width = `${Math.round((Math.abs(row.value) / top) * 100)}%`;
    item.append(el("span", { class: "ss-vote__bar-label" }, `${row.title}: ${row.text}`), bar);
    return item;
  }));
  $("[data-vote-value-label]").textContent = result.value_label;
  $("[data-vote-rows]").replaceChildren(...result.rows.map((row) => {
    const tr = el("tr", { class: "utrecht-table__row" });
    tr.append(el("th", { class: "utrecht-table__cell", scope: "row" }, row.title),
      el("td", { class: "utrecht-table__cell" }, row.text),
      el("td", { class: "utrecht-table__cell" }, row.winner ? T.voteYesChosen : T.voteNotChosen));
    return tr;
  }));
  // How the count went, in words: each part's sentence, and under it its own lines (the
  // rounds of a ranked count).
  $("[data-vote-explanation]").replaceChildren(...(result.explanation || []).map((part) => {
    const item = el("li", {}, part.title);
    if (part.lines?.length) {
      const lines = el("ul", { class: "utrecht-unordered-list" });
      lines.append(...part.lines.map((line) => el("li", {}, line)));
      item.append(lines);
    }
    return item;
  }));
  $("[data-vote-result-link]").href = result.url;
  if (wasHidden && screen === "hall") part.scrollIntoView({ block: "start" });
}

function render() {
  if (!box) return;
  const state = $("[data-vote-state]");
  if (!vote) {
    state.textContent = screen === "control" ? T.voteNone : T.voteSoon;
  } else if (vote.status === "open") {
    state.textContent = screen === "participant" ? T.voteOpenYou : T.voteOpen;
  } else if (!vote.revealed) {
    state.textContent = T.voteClosed;
  } else {
    state.textContent = T.voteRevealed;
  }
  renderTurnout();
  renderResult();
  if (screen === "participant") renderBallot();
  if (screen === "table") {
    const paper = $("[data-vote-paper]");
    paper.hidden = !(vote && vote.status === "open");
    if (vote) $("[data-vote-paper-link]").href = vote.paper_url;
  }
  if (screen === "control") {
    const open = vote?.status === "open";
    $("[data-vote-controls]").hidden = !vote || vote.revealed;
    $("[data-vote-close]").hidden = !open;
    box.querySelector('[data-vote-command="vote.reveal"]').hidden = !vote || open || vote.revealed;
    if (!open) $("[data-vote-confirm]").hidden = true;
  }
  const target = focusNext ? $(focusNext) : null;
  if (target && !target.hidden && !target.closest("[hidden]")) {
    focusNext = null;
    target.focus();
  }
}

function renderBallot() {
  const form = $("[data-vote-ballot]");
  const done = $("[data-vote-done]");
  const open = vote?.status === "open";
  const voted = Boolean(mine?.voted);
  form.hidden = !open || (voted && !changing) || mine?.paper || mine?.eligible === false;
  done.hidden = !vote || !(voted || mine?.paper || mine?.eligible === false);
  if (!form.hidden && shownBallot !== vote.poll) drawBallot();
  if (!done.hidden) {
    $("[data-vote-done-text]").textContent = mine?.eligible === false ? T.voteNotOnList
      : mine?.paper ? T.votePaperDone : T.voteDone;
    const shown = $("[data-vote-receipt]");
    shown.hidden = !receipt || mine?.paper;
    shown.textContent = receipt ? fill(T.voteReceipt, { tracker: receipt }) : "";
    $("[data-vote-again]").hidden = !open || mine?.paper || mine?.eligible === false || changing;
  }
}

// Events ----------------------------------------------------------------------------------

function take(data) {
  if (!vote || vote.poll !== data.poll) {
    changing = false;
    receipt = null;
    shownBallot = null;
    // A vote that opened after this screen's snapshot: the participant is on its list if
    // they were checked in (the server says otherwise when they cast).
    if (!mine || mine.poll !== data.poll) mine = { eligible: true, voted: false, paper: false, revision: 0, poll: data.poll };
  }
  vote = data;
}

if (box) {
  root.addEventListener("summit:snapshot", (event) => {
    const data = event.detail;
    myTable = data.me?.table ?? null;
    vote = data.vote || null;
    mine = data.me?.ballot ? { ...data.me.ballot, poll: vote?.poll } : null;
    if (vote && vote.poll !== shownBallot) changing = false;
    render();
  });
  root.addEventListener("summit:event", (event) => {
    const { type, data } = event.detail;
    if (type === "vote.opened" || type === "vote.closed" || type === "vote.revealed") {
      take(data);
      render();
    } else if (type === "vote.turnout" && vote && vote.step === data.step) {
      Object.assign(vote, { voted: data.voted, eligible: data.eligible, tables: data.tables });
      renderTurnout();
    } else if (type === "step.changed") {
      if (vote && data.id !== vote.step) vote = null;
      render();
    }
  });

  const form = $("[data-vote-ballot]");
  form?.addEventListener("submit", async (event) => {
    event.preventDefault();
    let choice;
    try {
      choice = readBallot(form);
    } catch (problem) {
      if (problem instanceof BallotProblem) { showProblem(problem.message); return; }
      throw problem;
    }
    $("[data-vote-hint]").removeAttribute("role");
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const result = await send("ballot.cast", { choice, revision: mine?.revision ?? 0 });
      mine = { ...(mine || {}), eligible: true, voted: true, revision: result.revision };
      receipt = result.once?.tracker || receipt;
      changing = false;
      render();
      $("[data-vote-done-text]").setAttribute("tabindex", "-1");
      $("[data-vote-done-text]").focus();
    } catch {
      // Refused: summit.js shows the reason; the ballot stays filled in.
    } finally {
      button.disabled = false;
    }
  });
  $("[data-vote-again]")?.addEventListener("click", () => {
    changing = true;
    render();
    form.querySelector("input, select")?.focus();
  });
  $("[data-vote-close]")?.addEventListener("click", () => {
    $("[data-vote-confirm]").hidden = false;
    $('[data-vote-confirm] [data-vote-command="vote.close"]').focus();
  });
  $("[data-vote-cancel]")?.addEventListener("click", () => {
    $("[data-vote-confirm]").hidden = true;
    $("[data-vote-close]").focus();
  });
  for (const button of box.querySelectorAll("[data-vote-command]")) {
    button.addEventListener("click", async () => {
      const command = button.dataset.voteCommand;
      try {
        await send(command, {});
      } catch {
        return; // summit.js shows the reason
      }
      $("[data-vote-confirm]").hidden = true;
      // The event that shows the next control may still be on its way.
      focusNext = command === "vote.close" ? '[data-vote-command="vote.reveal"]' : "[data-vote-result-heading]";
      render();
    });
  }
  render();
}
