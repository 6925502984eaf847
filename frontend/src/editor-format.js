// Formatting for the co-writing editor's toolbar and keys, without a DOM: each command turns
// the editor state into one transaction (so one Yjs transaction and one undo step) that
// writes plain markdown, the text the server, the diff, passages and amendments read.
import { ensureSyntaxTree, syntaxTree } from "@codemirror/language";
import { EditorSelection } from "@codemirror/state";

const INLINE = {
  strong: { node: "StrongEmphasis", mark: "**" },
  emphasis: { node: "Emphasis", mark: "*" },
};
const HEADING_PREFIX = /^#{1,6}[ \t]+/;
const BULLET_PREFIX = /^[ \t]*[-*+][ \t]+/;
const NUMBER_PREFIX = /^[ \t]*\d{1,9}[.)][ \t]+/;
// What opens a line before its words: quote marks, a list mark, a heading's hashes.
const BLOCK_PREFIX = /^(?:[ \t]*>[ \t]?)*(?:[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)?(?:#{1,6}[ \t]+)?/;
// A new heading is a subheading: the nota's title is the one level-1 heading.
const NEW_HEADING = "## ";
const NEW_BULLET = "- ";

function tree(state, upto) {
  return ensureSyntaxTree(state, upto, 200) ?? syntaxTree(state);
}

/** The innermost node called `name` around the range (strictly around an empty one), or null. */
function enclosing(state, range, name) {
  for (let node = tree(state, range.to).resolveInner(range.from, 1); node; node = node.parent) {
    if (node.name !== name) continue;
    const around = range.empty
      ? node.from < range.from && range.from < node.to
      : node.from <= range.from && range.to <= node.to;
    if (around) return node;
  }
  return null;
}

/** How many `*` stand right before (`step` -1) or after (`step` 1) `pos`. */
function starsAt(doc, pos, step) {
  let count = 0;
  for (let at = step < 0 ? pos - 1 : pos; at >= 0 && at < doc.length; at += step) {
    if (doc.sliceString(at, at + 1) !== "*") break;
    count += 1;
  }
  return count;
}

/** The parts of each line of [from, to] that hold words, past the line's block marks. */
function wordSpans(doc, from, to) {
  const spans = [];
  for (let pos = from; pos <= to;) {
    const line = doc.lineAt(pos);
    const words = line.from + BLOCK_PREFIX.exec(line.text)[0].length;
    let start = Math.max(pos, words);
    let end = Math.min(to, line.to);
    const part = doc.sliceString(start, end);
    start += part.length - part.trimStart().length;
    end -= part.length - part.trimEnd().length;
    if (start < end) spans.push({ from: start, to: end });
    pos = line.to + 1;
  }
  return spans;
}

function toggleInline(state, kind) {
  const { node: name, mark } = INLINE[kind];
  const width = mark.length;
  return state.changeByRange((range) => {
    const node = enclosing(state, range, name);
    if (node) {
      const open = node.firstChild;
      const close = node.lastChild;
      const changes = [
        { from: open.from, to: open.to },
        { from: close.from, to: close.to },
      ];
      const set = state.changes(changes);
      return { changes: set, range: EditorSelection.range(set.mapPos(range.anchor, 1), set.mapPos(range.head, -1)) };
    }
    if (range.empty) {
      const before = starsAt(state.doc, range.from, -1);
      const after = starsAt(state.doc, range.from, 1);
      if (before === width && after === width) {
        // An empty pair made a moment ago: take it away again.
        return {
          changes: { from: range.from - width, to: range.from + width },
          range: EditorSelection.cursor(range.from - width),
        };
      }
      return { changes: { from: range.from, insert: mark + mark }, range: EditorSelection.cursor(range.from + width) };
    }
    const spans = wordSpans(state.doc, range.from, range.to);
    if (spans.length === 0) return { range };
    const changes = spans.flatMap((span) => [
      { from: span.from, insert: mark },
      { from: span.to, insert: mark },
    ]);
    const set = state.changes(changes);
    return {
      changes: set,
      range: EditorSelection.range(set.mapPos(spans[0].from, 1), set.mapPos(spans[spans.length - 1].to, -1)),
    };
  });
}

/** Bold: `**` around the selection, or taken away when it is bold already. */
export function toggleStrong(state) {
  return toggleInline(state, "strong");
}

/** Italics: `*` around the selection, or taken away when it is in italics already. */
export function toggleEmphasis(state) {
  return toggleInline(state, "emphasis");
}

/** The lines the selection touches, once each, in order. */
function selectedLines(state) {
  const seen = new Map();
  for (const range of state.selection.ranges) {
    for (let pos = range.from; pos <= range.to;) {
      const line = state.doc.lineAt(pos);
      seen.set(line.number, line);
      pos = line.to + 1;
    }
  }
  return [...seen.values()].sort((a, b) => a.number - b.number);
}

function lineCommand(state, lines, change) {
  const set = state.changes(lines.map(change).filter(Boolean));
  return { changes: set, selection: state.selection.map(set, 1) };
}

function blank(line) {
  return line.text.trim() === "";
}

/** Heading: the selected lines become subheadings (`## `), or plain text when they all are headings. */
export function toggleHeading(state) {
  const lines = selectedLines(state);
  const words = lines.filter((line) => !blank(line));
  const allHeadings = words.length > 0 && words.every((line) => HEADING_PREFIX.test(line.text));
  if (allHeadings) {
    return lineCommand(state, words, (line) => ({ from: line.from, to: line.from + HEADING_PREFIX.exec(line.text)[0].length }));
  }
  const targets = words.length > 0 ? words : lines;
  return lineCommand(state, targets, (line) => {
    if (HEADING_PREFIX.test(line.text)) return null;
    const list = BULLET_PREFIX.exec(line.text) || NUMBER_PREFIX.exec(line.text);
    return { from: line.from, to: line.from + (list ? list[0].length : 0), insert: NEW_HEADING };
  });
}

/**
 * List: the selected lines become bullets (`- `), or plain text when they all are bullets.
 * A list needs an empty line before and after it, or the paragraph around swallows it.
 */
export function toggleBulletList(state) {
  const lines = selectedLines(state);
  const words = lines.filter((line) => !blank(line));
  if (words.length > 0 && words.every((line) => BULLET_PREFIX.test(line.text))) {
    return lineCommand(state, words, (line) => ({ from: line.from, to: line.from + BULLET_PREFIX.exec(line.text)[0].length }));
  }
  const targets = words.length > 0 ? words : lines;
  const first = targets[0];
  const last = targets[targets.length - 1];
  const isItem = (line) => BULLET_PREFIX.test(line.text) || NUMBER_PREFIX.test(line.text);
  // Inserts at one place apply in the order given: the empty line goes before the mark.
  const changes = [];
  if (first.number > 1) {
    const before = state.doc.line(first.number - 1);
    if (!blank(before) && !isItem(before)) changes.push({ from: first.from, insert: state.lineBreak });
  }
  for (const line of targets) {
    if (BULLET_PREFIX.test(line.text)) continue;
    const heading = HEADING_PREFIX.exec(line.text);
    changes.push({ from: line.from, to: line.from + (heading ? heading[0].length : 0), insert: NEW_BULLET });
  }
  if (last.number < state.doc.lines) {
    const after = state.doc.line(last.number + 1);
    if (!blank(after) && !isItem(after)) changes.push({ from: last.to, insert: state.lineBreak });
  }
  const set = state.changes(changes);
  return { changes: set, selection: state.selection.map(set, 1) };
}

/** The link around the main selection: its whole range, its text and its address; or null. */
export function linkAt(state) {
  const node = enclosing(state, state.selection.main, "Link");
  if (!node) return null;
  const marks = [];
  let url = null;
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.name === "LinkMark") marks.push(child);
    else if (child.name === "URL" && !url) url = child;
  }
  if (!url || marks.length < 2) return null;
  return {
    from: node.from,
    to: node.to,
    text: state.doc.sliceString(marks[0].to, marks[1].from),
    address: state.doc.sliceString(url.from, url.to),
    addressFrom: url.from,
    addressTo: url.to,
  };
}

/**
 * A web or mail address as a link can hold it: "www.diemen.nl" gets https://; null for
 * anything else (spaces, other schemes such as javascript:).
 */
export function normalizeAddress(input) {
  const address = input.trim();
  if (!address || /\s/.test(address)) return null;
  let full = address;
  if (/^[\w.+-]+@[\w-]+(\.[\w-]+)+$/.test(address)) full = `mailto:${address}`;
  else if (!/^[a-z][a-z0-9+.-]*:/i.test(address)) full = `https://${address}`;
  const scheme = full.slice(0, full.indexOf(":")).toLowerCase();
  if (scheme === "mailto") return /^mailto:[^@]+@[^@]+$/i.test(full) ? full : null;
  if (scheme !== "http" && scheme !== "https") return null;
  if (!/^https?:\/\/[^/?#]*[\w-]\.[\w-]/i.test(full) && !/^https?:\/\/localhost\b/i.test(full)) return null;
  // Brackets would end the markdown link early; their encoded form means the same.
  return full.replaceAll("(", "%28").replaceAll(")", "%29").replaceAll("<", "%3C").replaceAll(">", "%3E");
}

function linkText(text) {
  return text.replace(/[[\]\\]/g, "\\$&").replace(/\s*\n\s*/g, " ");
}

/**
 * Link: `[text](address)` in place of the selection, or the address of the link the cursor is
 * in replaced. An empty address takes the link away and keeps its text. `address` must come
 * from normalizeAddress (or be empty).
 */
export function setLink(state, { text = "", address = "" } = {}) {
  const current = linkAt(state);
  if (current) {
    if (!address) {
      return {
        changes: { from: current.from, to: current.to, insert: current.text },
        selection: EditorSelection.range(current.from, current.from + current.text.length),
      };
    }
    const label = text.trim() ? linkText(text.trim()) : current.text;
    const insert = `[${label}](${address})`;
    return {
      changes: { from: current.from, to: current.to, insert },
      selection: EditorSelection.cursor(current.from + insert.length),
    };
  }
  if (!address) return { selection: state.selection };
  const { from, to } = state.selection.main;
  const label = linkText(text.trim() || state.doc.sliceString(from, to).trim() || address);
  const insert = `[${label}](${address})`;
  return { changes: { from, to, insert }, selection: EditorSelection.cursor(from + insert.length) };
}

/** Which of the toolbar's switches hold where the main selection is. */
export function formatState(state) {
  const range = state.selection.main;
  const line = state.doc.lineAt(range.head);
  return {
    strong: Boolean(enclosing(state, range, "StrongEmphasis")),
    emphasis: Boolean(enclosing(state, range, "Emphasis")),
    heading: HEADING_PREFIX.test(line.text),
    list: BULLET_PREFIX.test(line.text),
    link: Boolean(linkAt(state)),
  };
}

/** A toolbar command as a CodeMirror command: (view) => true, dispatching one transaction. */
export function asCommand(format) {
  return (view) => {
    if (view.state.readOnly) return false;
    view.dispatch(view.state.update(format(view.state), { scrollIntoView: true, userEvent: "input.format" }));
    return true;
  };
}
