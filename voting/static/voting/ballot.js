// Enhances the ballot page; the plain form works without it.
// - Ranking: Toevoegen/Weghalen move an option into or out of the ranking, Omhoog/Omlaag
//   move it in place (keyboard focus stays on a button); each move is announced.
// - Budget: the money left updates as projects are ticked.
// - Live: turnout updates; when the poll closes the page goes to the result, also when it
//   closed while the connection was down (the snapshot on reconnecting says so).

const script = document.currentScript || document.querySelector("script[data-poll]");
const pollId = script && script.dataset.poll;
const resultsUrl = script && script.dataset.results;
// Texts come translated from the page: "{voted} van {eligible} ..." with named holes.
function text(name, fallback, values) {
  const template = (script && script.dataset[name]) || fallback;
  return template.replace(/\{(\w+)\}/g, (hole, key) => (key in values ? values[key] : hole));
}

function announce(text) {
  const status = document.querySelector("[data-ranking-status]");
  if (status) status.textContent = text;
}

// The ranking is two lists: the ranked options (numbered, each posts "rank") and the rest
// (no number, posts nothing), so what the page numbers is exactly what counts.
function enhanceRanking(box) {
  const ranked = box.querySelector("[data-ranked]");
  const rest = box.querySelector("[data-unranked]");
  const empty = box.querySelector("[data-ranking-empty]");
  if (!ranked || !rest) return;
  const button = (item, verb) => item.querySelector(`button[name=move][value^="${verb}:"]`);
  const label = (item) => item.querySelector(".ss-ranking__title").textContent.trim();

  const refresh = () => {
    const items = Array.from(ranked.children);
    items.forEach((item, index) => {
      item.querySelector("input[name=rank]").disabled = false;
      ["up", "down", "remove"].forEach((verb) => (button(item, verb).hidden = false));
      button(item, "add").hidden = true;
      button(item, "up").setAttribute("aria-disabled", String(index === 0));
      button(item, "down").setAttribute("aria-disabled", String(index === items.length - 1));
    });
    Array.from(rest.children).forEach((item) => {
      item.querySelector("input[name=rank]").disabled = true;
      ["up", "down", "remove"].forEach((verb) => {
        button(item, verb).hidden = true;
        button(item, verb).removeAttribute("aria-disabled");
      });
      button(item, "add").hidden = false;
    });
    if (empty) empty.hidden = items.length > 0;
  };

  box.addEventListener("click", (event) => {
    const pressed = event.target.closest("button[name=move]");
    if (!pressed) return;
    event.preventDefault();
    const [verb] = pressed.value.split(":");
    const item = pressed.closest("li");
    const place = () => Array.from(ranked.children).indexOf(item) + 1;
    if (pressed.getAttribute("aria-disabled") === "true") {
      announce(text("placeText", "{label}: plaats {place}", { label: label(item), place: place() }));
      return;
    }
    let focus = pressed;
    if (verb === "up" && item.previousElementSibling) {
      ranked.insertBefore(item, item.previousElementSibling);
    } else if (verb === "down" && item.nextElementSibling) {
      ranked.insertBefore(item.nextElementSibling, item);
    } else if (verb === "add") {
      // Keep the keyboard in the list of the rest, to add the next choice.
      const next = item.nextElementSibling || item.previousElementSibling;
      ranked.appendChild(item);
      focus = next ? button(next, "add") : button(item, "remove");
    } else if (verb === "remove") {
      const position = Number(item.dataset.position);
      const after = Array.from(rest.children).find((other) => Number(other.dataset.position) > position);
      rest.insertBefore(item, after || null);
      focus = button(item, "add");
    }
    refresh();
    focus.focus();
    if (verb === "remove") {
      announce(text("removedText", "{label}: niet gerangschikt, telt niet mee", { label: label(item) }));
    } else {
      announce(text("placeText", "{label}: plaats {place}", { label: label(item), place: place() }));
    }
  });
  refresh();
}

function enhanceBudget(form) {
  const left = form.querySelector("[data-money-left]");
  const holder = form.querySelector("[data-budget]");
  if (!left || !holder) return;
  const budget = Number(holder.dataset.budget);
  const update = () => {
    let spent = 0;
    form.querySelectorAll("input[data-cost]:checked").forEach((box) => {
      spent += Number(box.dataset.cost);
    });
    const rest = budget - spent;
    left.textContent = rest.toLocaleString("nl-NL");
    holder.classList.toggle("ss-budget-left--over", rest < 0);
  };
  form.addEventListener("change", update);
  update();
}

function live() {
  if (!pollId || !("WebSocket" in window)) return;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  let delay = 1000;
  const connect = () => {
    const socket = new WebSocket(`${scheme}://${location.host}/ws/polls/${pollId}/`);
    socket.addEventListener("message", (message) => {
      const frame = JSON.parse(message.data);
      const data = frame.data || {};
      if (frame.kind === "snapshot" && data.status === "closed" && resultsUrl) {
        location.assign(resultsUrl);
        return;
      }
      // A poll that shows its turnout only at closing sends none while open (voted null).
      if ((frame.kind === "snapshot" || frame.type === "turnout.changed") && data.voted != null) {
        document.querySelectorAll("[data-turnout]").forEach((node) => {
          node.textContent = text("turnoutText", "{voted} van {eligible} deelnemers hebben gestemd", data);
        });
        delay = 1000;
      }
      if (frame.type === "poll.opened") location.reload();
      if (frame.type === "poll.closed" && data.url) location.assign(data.url);
    });
    socket.addEventListener("close", (event) => {
      if (event.code >= 4000 && event.code < 5000) return; // refused: do not retry
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    });
  };
  connect();
}

document.querySelectorAll("[data-ranking]").forEach(enhanceRanking);
document.querySelectorAll("form[data-ballot]").forEach(enhanceBudget);
live();

// Closing a poll cannot be undone: the button asks first, in a dialog that keeps the keyboard
// and closes with Escape. Without this script the button closes the poll at once.
const closeButton = document.querySelector("[data-confirm-close]");
const closeDialog = document.querySelector("[data-close-dialog]");
if (closeButton && closeDialog && typeof closeDialog.showModal === "function") {
  closeButton.addEventListener("click", (event) => {
    event.preventDefault();
    closeDialog.showModal();
  });
  closeDialog.querySelector("[data-close-cancel]")?.addEventListener("click", () => closeDialog.close());
}
