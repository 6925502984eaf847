// Enhances the ballot page; the plain form works without it.
// - Ranking: Omhoog/Omlaag move the item in place (keyboard focus stays on the button).
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

function enhanceRanking(list) {
  list.addEventListener("click", (event) => {
    const button = event.target.closest("button[name=move]");
    if (!button) return;
    event.preventDefault();
    const [direction] = button.value.split(":");
    const item = button.closest("li");
    const sibling = direction === "up" ? item.previousElementSibling : item.nextElementSibling;
    if (!sibling) return;
    if (direction === "up") list.insertBefore(item, sibling);
    else list.insertBefore(sibling, item);
    const box = item.querySelector("input[type=checkbox]");
    if (box) box.checked = true;
    button.focus();
    const place = Array.from(list.children).indexOf(item) + 1;
    const label = item.querySelector("label").textContent.trim();
    announce(text("placeText", "{label}: plaats {place}", { label, place }));
  });
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
      if (frame.kind === "snapshot" || frame.type === "turnout.changed") {
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
