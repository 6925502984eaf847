import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { normalise, sentencesOf, startFrom } from "../src/passage.js";

describe("sentences of a paragraph, for choosing one with the keyboard", () => {
  test("each sentence with where it begins in the paragraph's shown text", () => {
    const text = "Het zwembad gaat om zeven uur open. Op zondag is het dicht! Waarom?";
    const parts = sentencesOf(text);
    assert.deepEqual(
      parts.map((part) => part.text),
      ["Het zwembad gaat om zeven uur open.", "Op zondag is het dicht!", "Waarom?"],
    );
    for (const part of parts) assert.equal(text.slice(part.at, part.at + part.text.length), part.text);
  });

  test("abbreviations, numbers and amounts do not end a sentence", () => {
    const text = "Er komen o.a. 1.200 plekken bij, voor 2,1 mln. euro. Dat is veel.";
    assert.deepEqual(
      sentencesOf(text).map((part) => part.text),
      ["Er komen o.a. 1.200 plekken bij, voor 2,1 mln. euro.", "Dat is veel."],
    );
  });

  test("a quote or bracket after the full stop stays with its sentence", () => {
    const text = "Zij zei: “Het kan.” (Zie hoofdstuk 2.) Daarna volgt de zaal.";
    assert.deepEqual(
      sentencesOf(text).map((part) => part.text),
      ["Zij zei: “Het kan.”", "(Zie hoofdstuk 2.)", "Daarna volgt de zaal."],
    );
  });

  test("one sentence, no full stop, or nothing", () => {
    assert.deepEqual(sentencesOf("De kantine gaat open."), [{ text: "De kantine gaat open.", at: 0 }]);
    assert.deepEqual(sentencesOf("Sport en bewegen"), [{ text: "Sport en bewegen", at: 0 }]);
    assert.deepEqual(sentencesOf(""), []);
  });

  test("works on the shown text as the server compares it", () => {
    const shown = normalise("Eerste  zin.\n Tweede zin.").trim();
    assert.deepEqual(sentencesOf(shown), [
      { text: "Eerste zin.", at: 0 },
      { text: "Tweede zin.", at: 12 },
    ]);
  });
});

describe("the new text of an amendment starts from the chosen passage", () => {
  const field = (value = "") => ({ value, dataset: {} });

  test("an empty new text takes the passage, and follows the next choice", () => {
    const box = field();
    startFrom(box, "Het zwembad gaat open. Het is gratis.");
    assert.equal(box.value, "Het zwembad gaat open. Het is gratis.");
    startFrom(box, "Het is gratis.");
    assert.equal(box.value, "Het is gratis.");
  });

  test("what the reader wrote stays when they choose again", () => {
    const box = field();
    startFrom(box, "Het zwembad gaat open.");
    box.value = "Het zwembad gaat in 2027 open.";
    startFrom(box, "Het is gratis.");
    assert.equal(box.value, "Het zwembad gaat in 2027 open.");
    const typed = field("Mijn eigen tekst");
    startFrom(typed, "Het is gratis.");
    assert.equal(typed.value, "Mijn eigen tekst");
  });
});
