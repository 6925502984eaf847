// A draft's read page: choose the passage of a comment or an amendment in the text itself.
// Selecting words in the version shows two buttons (after the text, and kept in view while
// the text is) that copy the selection into the comment or amendment form and move focus
// to what to write next. Each form also gets a list of the text's headings and paragraphs,
// for choosing a passage with the keyboard. Without this script the reader pastes the
// passage; the server finds both in the version the same way.

const BLOCKS = "h1, h2, h3, h4, h5, h6, p, li, td, th, pre";
const LABEL_LENGTH = 80;

/** Whitespace runs as one space, as the server compares passages. */
export function normalise(text) {
  return text.replace(/\s+/g, " ");
}

/** Where `node`/`offset` is in the text of `root`, counted as the server counts: with
 * whitespace runs as one space and none at the start. */
export function textOffset(root, node, offset) {
  const before = document.createRange();
  before.setStart(root, 0);
  before.setEnd(node, offset);
  return normalise(before.toString()).trimStart().length;
}

/** The part of the selection inside `root`, or null. */
export function selectionIn(root, selection) {
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
  const range = selection.getRangeAt(0);
  if (!range.intersectsNode(root)) return null;
  const inside = root.contains(range.startContainer) && root.contains(range.endContainer);
  let text;
  let clipped = range;
  if (inside) {
    text = selection.toString();
  } else {
    clipped = range.cloneRange();
    if (!root.contains(range.startContainer)) clipped.setStart(root, 0);
    if (!root.contains(range.endContainer)) clipped.setEnd(root, root.childNodes.length);
    text = clipped.toString();
  }
  text = text.trim();
  if (!text) return null;
  return { text, at: textOffset(root, clipped.startContainer, clipped.startOffset) };
}

/** The text's headings and paragraphs (innermost blocks only), with their shown text. */
export function blocksOf(root) {
  const all = [...root.querySelectorAll(BLOCKS)];
  return all
    .filter((block) => !block.querySelector(BLOCKS))
    .map((block) => ({ block, text: normalise(block.textContent).trim() }))
    .filter((item) => item.text);
}

/** The sentences of a block's shown text, each with where it begins in that text. A
 * sentence ends at . ! or ? (and a closing quote or bracket) before a space and a capital
 * or an opening quote or bracket, so "o.a. 1.200 plekken" and "2,1 mln. euro" stay whole. */
export function sentencesOf(text) {
  const sentences = [];
  const ends = /[.!?]+["'”’)]*\s+(?=[A-ZÀ-Þ"'“‘(])/g;
  let start = 0;
  for (let end = ends.exec(text); end; end = ends.exec(text)) {
    const sentence = text.slice(start, end.index + end[0].trimEnd().length);
    sentences.push({ text: sentence, at: start });
    start = end.index + end[0].length;
  }
  if (start < text.length) sentences.push({ text: text.slice(start).trimEnd(), at: start });
  return sentences.filter((item) => item.text);
}

function shorten(text) {
  return text.length > LABEL_LENGTH ? `${text.slice(0, LABEL_LENGTH - 1).trimEnd()}…` : text;
}

/** The new text of an amendment starts as the chosen passage, so a reader changes only
 * what should change (an empty new text would replace the whole passage). Text the reader
 * wrote there already stays; a start they left as it was follows the next choice. */
export function startFrom(field, passage) {
  if (!field) return;
  if (field.value.trim() === "" || field.value === field.dataset.startedFrom) {
    field.value = passage;
    field.dataset.startedFrom = passage;
  }
}

function fill(fieldId, atId, passage, startId) {
  const field = document.getElementById(fieldId);
  const at = document.getElementById(atId);
  if (!field) return null;
  field.value = passage.text;
  if (at) at.value = String(passage.at);
  if (startId) startFrom(document.getElementById(startId), passage.text);
  return field;
}

export function enhance(root = document) {
  const source = root.querySelector("[data-passage-source]");
  if (!source) return;
  const bar = root.querySelector("[data-passage-bar]");
  let chosen = null;

  // A passage typed or changed by hand is found by its words alone.
  for (const button of root.querySelectorAll("[data-passage-field]")) {
    const field = document.getElementById(button.dataset.passageField);
    const at = document.getElementById(button.dataset.passageAt);
    field?.addEventListener("input", () => {
      if (at) at.value = "";
    });
  }

  if (bar) {
    const hide = () => {
      if (!bar.contains(document.activeElement)) bar.hidden = true;
    };
    document.addEventListener("selectionchange", () => {
      const passage = selectionIn(source, document.getSelection());
      if (passage) {
        chosen = passage;
        bar.hidden = false;
      } else {
        hide();
      }
    });
    bar.addEventListener("focusout", (event) => {
      if (!bar.contains(event.relatedTarget) && !selectionIn(source, document.getSelection())) {
        bar.hidden = true;
      }
    });
    // Pressing a button must not clear the selection it is about.
    bar.addEventListener("mousedown", (event) => event.preventDefault());
    bar.addEventListener("click", (event) => {
      const button = event.target.closest("[data-passage-field]");
      if (!button || !chosen) return;
      const { passageField, passageAt, passageStart } = button.dataset;
      if (!fill(passageField, passageAt, chosen, passageStart)) return;
      const next = document.getElementById(button.dataset.passageFocus);
      bar.hidden = true;
      next?.focus();
    });
  }

  const blocks = blocksOf(source);
  for (const picker of root.querySelectorAll("[data-passage-picker]")) {
    const select = picker.querySelector("select");
    const button = root.querySelector(`[data-passage-field="${picker.dataset.passagePicker}"]`);
    if (!select || !button || blocks.length === 0) continue;
    blocks.forEach((item, index) => {
      select.add(new Option(shorten(item.text), String(index)));
    });
    // A paragraph of more than one sentence offers its sentences in a second list.
    const sentences = root.querySelector(
      `[data-passage-sentences="${picker.dataset.passagePicker}"]`,
    );
    const sentenceSelect = sentences?.querySelector("select");
    let chosen = null; // the chosen block's passage and its sentences
    const fillWith = (passage) =>
      fill(
        button.dataset.passageField,
        button.dataset.passageAt,
        passage,
        button.dataset.passageStart,
      );
    // Filling the passage is all a choice does (no focus move), so arrow keys on a closed
    // list are safe.
    select.addEventListener("change", () => {
      // Read again: new comments put the text's marks in place anew (discussion.js).
      const item = blocksOf(source)[Number(select.value)];
      if (sentenceSelect) {
        sentences.hidden = true;
        sentenceSelect.length = 1;
      }
      if (!select.value || !item) return;
      const passage = { text: item.text, at: textOffset(source, item.block, 0) };
      chosen = { passage, parts: sentencesOf(item.text) };
      fillWith(passage);
      if (!sentenceSelect || chosen.parts.length < 2) return;
      chosen.parts.forEach((part, index) => {
        sentenceSelect.add(new Option(shorten(part.text), String(index)));
      });
      sentences.hidden = false;
    });
    sentenceSelect?.addEventListener("change", () => {
      if (!chosen) return;
      const part = sentenceSelect.value ? chosen.parts[Number(sentenceSelect.value)] : null;
      fillWith(part ? { text: part.text, at: chosen.passage.at + part.at } : chosen.passage);
    });
    picker.hidden = false;
  }

  const hint = root.querySelector("[data-passage-hint]");
  if (hint && bar) hint.hidden = false;
}

// Imported by the unit tests (Node, no document) for its pure functions.
if (typeof document !== "undefined") enhance();
