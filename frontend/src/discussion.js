// A draft's read page: new comments, replies and amendments appear in place while the
// reader reads. Every few seconds the page asks whether the discussion changed (with the
// stamp of what it shows); when it did, the server sends the page's parts that show it
// (the text with its marked passages, the threads, the amendments, an editor's vote form),
// and each part, or each card of a list, is put in place unless the reader is busy with it:
// focus in it, words selected in it, or something typed or ticked in it. What was left
// alone is brought up to date at a later ask, once the reader is done, from the answer the
// page kept (the server is not asked to send the same parts again). A newer version
// changes the text itself: then the page offers a reload instead. Without this script the
// page is as the server made it.

/** Whether the reader is busy with `node`: focus, a selection, or a form control changed. */
export function isBusy(node) {
  const doc = node.ownerDocument;
  const active = doc.activeElement;
  if (active && active !== doc.body && node.contains(active)) return true;
  const selection = doc.getSelection();
  if (selection && !selection.isCollapsed && selection.rangeCount > 0) {
    if (selection.getRangeAt(0).intersectsNode(node)) return true;
  }
  // A form the server sent back with its errors keeps them, and what was chosen in it.
  if (node.querySelector(".utrecht-form-fieldset--invalid, [aria-invalid='true']")) return true;
  for (const control of node.querySelectorAll("input, textarea, select")) {
    if (control.type === "checkbox" || control.type === "radio") {
      if (control.checked !== control.defaultChecked) return true;
    } else if (control.tagName === "SELECT") {
      // Without a `selected` option the first is chosen at first.
      const options = [...control.options];
      const first = options.some((option) => option.defaultSelected) ? -1 : 0;
      const changed = options.some(
        (option, at) => option.selected !== (option.defaultSelected || at === first),
      );
      if (changed) return true;
    } else if (control.type !== "hidden" && control.value !== control.defaultValue) {
      return true;
    }
  }
  return false;
}

/** Whether the reader followed a link to a place in `node` that is still on screen (a
 * passage of a comment): replacing it would lose their place and where Tab goes next. */
function isReadHere(node) {
  const doc = node.ownerDocument;
  const id = decodeURIComponent(doc.location.hash.slice(1));
  const target = id ? doc.getElementById(id) : null;
  if (!target || !node.contains(target)) return false;
  const box = target.getBoundingClientRect();
  return box.bottom >= 0 && box.top <= (doc.defaultView?.innerHeight ?? 0);
}

/** Whether two parts show the same children (the forms' CSRF tokens differ at every
 * answer, and a card shown as new carries a badge). */
function sameContent(shown, next) {
  const strip = (node) => {
    const copy = node.cloneNode(true);
    for (const token of copy.querySelectorAll("input[name=csrfmiddlewaretoken]")) token.remove();
    copy.querySelector(":scope > .ss-badge")?.remove();
    return [...copy.childNodes];
  };
  const [before, after] = [strip(shown), strip(next)];
  return before.length === after.length && before.every((node, at) => node.isEqualNode(after[at]));
}

/** Put the cards of `fresh` in `list` by id: new ones in their place (marked with
 * `label`), changed ones replaced, gone ones removed; a card the reader is busy with stays
 * as it is and where it is. */
export function mergeCards(list, fresh, label) {
  const result = { changed: 0, busy: false };
  const wanted = new Set([...fresh.children].map((card) => card.id));
  for (const card of [...list.children]) {
    if (wanted.has(card.id)) continue;
    if (isBusy(card)) {
      result.busy = true;
    } else {
      card.remove();
      result.changed += 1;
    }
  }
  const shown = new Map([...list.children].map((card) => [card.id, card]));
  let previous = null;
  for (const next of [...fresh.children]) {
    const old = next.id ? shown.get(next.id) : undefined;
    const stay = Boolean(old) && isBusy(old);
    let placed = old;
    if (stay) {
      result.busy = true;
    } else if (!old || !sameContent(old, next)) {
      placed = list.ownerDocument.importNode(next, true);
      if (old) {
        old.replaceWith(placed);
      } else if (label && placed.matches(".ss-card")) {
        const badge = list.ownerDocument.createElement("p");
        badge.className = "ss-badge";
        badge.textContent = label;
        placed.prepend(badge);
      }
      result.changed += 1;
    }
    let here = previous ? previous.nextElementSibling : list.firstElementChild;
    // A gone card left for the reader stays where it is; the others keep their order round it.
    while (here && here !== placed && !wanted.has(here.id)) here = here.nextElementSibling;
    if (!stay && here !== placed) {
      if (previous) previous.after(placed);
      else list.prepend(placed);
    }
    previous = placed;
  }
  return result;
}

/** Put every part of `fresh` (a parsed answer) in its place in `doc`. */
export function applyDiscussion(doc, fresh, label) {
  const result = { changed: 0, busy: false };
  for (const part of fresh.querySelectorAll("[data-merge]")) {
    const target = doc.getElementById(part.id);
    if (!target) continue;
    let outcome;
    if (part.dataset.merge === "cards") {
      outcome = mergeCards(target, part, label);
    } else if (isBusy(target) || isReadHere(target)) {
      outcome = { changed: 0, busy: true };
    } else if (sameContent(target, part)) {
      outcome = { changed: 0, busy: false };
    } else {
      target.replaceChildren(...[...part.childNodes].map((node) => doc.importNode(node, true)));
      outcome = { changed: 1, busy: false };
    }
    result.changed += outcome.changed;
    result.busy ||= outcome.busy;
  }
  return result;
}

/** Parse an answer of the server into a fragment. */
export function parse(doc, html) {
  const template = doc.createElement("template");
  template.innerHTML = html;
  return template.content;
}

// Per status region: the last answer, while a part of it waits for the reader to be done.
const kept = new WeakMap();

/** Ask once; false when the page must be reloaded (a newer version), true to ask again.
 * "Nothing new" (204) while an answer waits puts that answer in place once the reader is
 * done with what it changes. */
export async function ask(news, fetchImpl = fetch) {
  const url = new URL(news.dataset.discussion, news.ownerDocument.location.href);
  url.searchParams.set("stand", news.dataset.stand);
  url.searchParams.set("versie", news.dataset.version);
  let response;
  try {
    response = await fetchImpl(url, { credentials: "same-origin" });
  } catch {
    return true; // offline for a moment: ask again later
  }
  let answer;
  if (response.status === 204 && kept.has(news)) {
    answer = kept.get(news);
  } else if (response.status !== 200) {
    return true;
  } else {
    const fresh = parse(news.ownerDocument, await response.text());
    const reload = fresh.querySelector("[data-reload]");
    if (reload) {
      news.replaceChildren(news.ownerDocument.importNode(reload, true));
      return false;
    }
    answer = fresh.querySelector("[data-stand]");
    if (!answer) return true;
  }
  const result = applyDiscussion(news.ownerDocument, answer, answer.dataset.newLabel);
  news.dataset.stand = answer.dataset.stand;
  if (result.busy) kept.set(news, answer);
  else kept.delete(news);
  if (result.changed > 0) {
    // Emptied first, so the same words are read out again at a later change.
    news.textContent = "";
    setTimeout(() => {
      news.textContent = answer.dataset.news;
    }, 100);
  }
  return true;
}

export function follow(doc = document) {
  const news = doc.querySelector("[data-discussion]");
  if (!news) return;
  const every = Math.max(1, Number(news.dataset.seconds) || 20) * 1000;
  const tick = async () => {
    let again = true;
    try {
      if (!doc.hidden) again = await ask(news);
    } catch {
      // an answer cut off half-way: ask again later
    }
    if (again) setTimeout(tick, every);
  };
  setTimeout(tick, every);
}

// Imported by the unit tests (Node, no document) for its functions.
if (typeof document !== "undefined") follow();
