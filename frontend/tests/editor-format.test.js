import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { markdownLanguage } from "@codemirror/lang-markdown";
import { EditorSelection, EditorState } from "@codemirror/state";

import {
  formatState,
  linkAt,
  normalizeAddress,
  setLink,
  toggleBulletList,
  toggleEmphasis,
  toggleHeading,
  toggleStrong,
} from "../src/editor-format.js";

/** A state from text in which [ and ] mark the selection, or | the cursor. */
function stateOf(marked) {
  const cursor = marked.indexOf("|");
  let doc = marked;
  let selection;
  if (cursor >= 0) {
    doc = marked.replace("|", "");
    selection = EditorSelection.cursor(cursor);
  } else {
    const from = marked.indexOf("[[");
    const to = marked.indexOf("]]") - 2;
    doc = marked.replace("[[", "").replace("]]", "");
    selection = EditorSelection.range(from, to);
  }
  return EditorState.create({ doc, selection, extensions: [markdownLanguage.extension] });
}

/** The text after the command, with the selection marked the same way. */
function run(command, marked) {
  const state = stateOf(marked).update(command(stateOf(marked))).state;
  return shown(state);
}

function shown(state) {
  const { from, to } = state.selection.main;
  const doc = state.doc.toString();
  if (from === to) return `${doc.slice(0, from)}|${doc.slice(from)}`;
  return `${doc.slice(0, from)}[[${doc.slice(from, to)}]]${doc.slice(to)}`;
}

describe("bold and italics", () => {
  test("bold wraps the selected words and keeps them selected", () => {
    assert.equal(run(toggleStrong, "Het [[zwembad]] gaat open."), "Het **[[zwembad]]** gaat open.");
  });

  test("bold again takes the marks away, with the cursor anywhere in the bold words", () => {
    assert.equal(run(toggleStrong, "Het **[[zwembad]]** gaat open."), "Het [[zwembad]] gaat open.");
    assert.equal(run(toggleStrong, "Het [[**zwembad**]] gaat open."), "Het [[zwembad]] gaat open.");
    assert.equal(run(toggleStrong, "Het **zwem|bad** gaat open."), "Het zwem|bad gaat open.");
  });

  test("spaces at the edges of the selection stay outside the marks, so it stays bold", () => {
    assert.equal(run(toggleStrong, "Het[[ zwembad ]]gaat open."), "Het **[[zwembad]]** gaat open.");
  });

  test("a selection over two lines is made bold line by line, past a heading's hashes", () => {
    assert.equal(
      run(toggleStrong, "[[## Sport\nvoor iedereen]]"),
      "## **[[Sport**\n**voor iedereen]]**",
    );
  });

  test("without a selection a pair of marks is put at the cursor, and taken away again", () => {
    assert.equal(run(toggleStrong, "Het |"), "Het **|**");
    assert.equal(run(toggleStrong, "Het **|**"), "Het |");
  });

  test("italics use one star and do not take bold for italics", () => {
    assert.equal(run(toggleEmphasis, "Een [[ander]] woord."), "Een *[[ander]]* woord.");
    assert.equal(run(toggleEmphasis, "Een *an|der* woord."), "Een an|der woord.");
    assert.equal(run(toggleEmphasis, "Een **[[ander]]** woord."), "Een ***[[ander]]*** woord.");
    assert.equal(run(toggleStrong, "Een ***[[ander]]*** woord."), "Een *[[ander]]* woord.");
  });

  test("the switches show what holds at the cursor", () => {
    assert.deepEqual(formatState(stateOf("Het **zwem|bad** gaat.")), {
      strong: true, emphasis: false, heading: false, list: false, link: false,
    });
    assert.equal(formatState(stateOf("Het **zwembad**| gaat.")).strong, false);
    assert.equal(formatState(stateOf("Een *an|der*.")).emphasis, true);
  });
});

describe("headings and lists", () => {
  test("heading makes the line a subheading and back", () => {
    assert.equal(run(toggleHeading, "# Titel\n\nSport voor| iedereen"), "# Titel\n\n## Sport voor| iedereen");
    assert.equal(run(toggleHeading, "## Sport voor| iedereen"), "Sport voor| iedereen");
    assert.equal(formatState(stateOf("## Sport| voor iedereen")).heading, true);
  });

  test("heading on an empty line puts the cursor after the marks, ready to type", () => {
    assert.equal(run(toggleHeading, "Tekst.\n|"), "Tekst.\n## |");
  });

  test("heading on a bullet replaces the bullet", () => {
    assert.equal(run(toggleHeading, "- Sport|"), "## Sport|");
  });

  test("list makes each selected line a bullet, with empty lines around it", () => {
    assert.equal(
      run(toggleBulletList, "Wij willen:\n[[zwemmen\nvoetballen]]\nDat is het."),
      "Wij willen:\n\n- [[zwemmen\n- voetballen]]\n\nDat is het.",
    );
  });

  test("list again takes the bullets away", () => {
    assert.equal(run(toggleBulletList, "- [[zwemmen\n- voetballen]]"), "[[zwemmen\nvoetballen]]");
  });

  test("list next to a list joins it without an empty line", () => {
    assert.equal(run(toggleBulletList, "- zwemmen\nvoetballen|"), "- zwemmen\n- voetballen|");
  });
});

describe("links", () => {
  test("a link around the selected words", () => {
    assert.equal(
      run((state) => setLink(state, { address: "https://www.diemen.nl" }), "Zie [[de gemeente]]."),
      "Zie [de gemeente](https://www.diemen.nl)|.",
    );
  });

  test("without a selection the given words, or else the address, become the link", () => {
    assert.equal(
      run((state) => setLink(state, { text: "de site", address: "https://diemen.nl" }), "Zie |."),
      "Zie [de site](https://diemen.nl)|.",
    );
    assert.equal(
      run((state) => setLink(state, { address: "https://diemen.nl" }), "Zie |."),
      "Zie [https://diemen.nl](https://diemen.nl)|.",
    );
  });

  test("in a link the address is changed, and an empty address keeps only the words", () => {
    const inLink = "Zie [de ge|meente](https://oud.nl).";
    assert.deepEqual(
      { text: linkAt(stateOf(inLink)).text, address: linkAt(stateOf(inLink)).address },
      { text: "de gemeente", address: "https://oud.nl" },
    );
    assert.equal(
      run((state) => setLink(state, { address: "https://nieuw.nl" }), inLink),
      "Zie [de gemeente](https://nieuw.nl)|.",
    );
    assert.equal(run((state) => setLink(state, { address: "" }), inLink), "Zie [[de gemeente]].");
  });

  test("square brackets in the words cannot end the link early", () => {
    assert.equal(
      run((state) => setLink(state, { text: "zie [1]", address: "https://a.nl" }), "|"),
      "[zie \\[1\\]](https://a.nl)|",
    );
  });

  test("addresses people type are made whole; other schemes are refused", () => {
    assert.equal(normalizeAddress(" www.diemen.nl "), "https://www.diemen.nl");
    assert.equal(normalizeAddress("http://diemen.nl/a_(b)"), "http://diemen.nl/a_%28b%29");
    assert.equal(normalizeAddress("info@diemen.nl"), "mailto:info@diemen.nl");
    assert.equal(normalizeAddress("javascript:alert(1)"), null);
    assert.equal(normalizeAddress("diemen"), null);
    assert.equal(normalizeAddress("www.diemen .nl"), null);
    assert.equal(normalizeAddress(""), null);
  });
});
