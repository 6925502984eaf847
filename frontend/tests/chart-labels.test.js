import assert from "node:assert/strict";
import { test } from "node:test";

import { wrapLabel } from "../src/chart-labels.js";

// Every character 8 px wide, as a monospaced font would be.
const measure = (text) => text.length * 8;

test("a short label stays on one line", () => {
  assert.equal(wrapLabel("Diemerhof", 160, measure), "Diemerhof");
});

test("a long label wraps between words, no line wider than allowed", () => {
  const lines = wrapLabel("Speeltoestel voor kinderen met een beperking", 120, measure);
  assert.deepEqual(lines, ["Speeltoestel", "voor kinderen", "met een", "beperking"]);
  assert.ok(lines.every((line) => measure(line) <= 120));
});

test("a word longer than a line is broken with a hyphen", () => {
  const lines = wrapLabel("Jeu-de-boulesbaanvereniging Zuid", 80, measure);
  assert.ok(lines.every((line) => measure(line) <= 80), JSON.stringify(lines));
  assert.equal(lines.join("").replaceAll("-", ""), "JeudeboulesbaanverenigingZuid");
});
