// WCAG 2.2 AA contrast of the Diemen palette: text 4.5:1, borders, focus rings and chart bars 3:1.
// Reads the colours from theme.css, so a change there that breaks contrast fails here.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

const css = readFileSync(new URL("../src/styles/theme.css", import.meta.url), "utf8");
const charts = readFileSync(new URL("../src/charts.js", import.meta.url), "utf8");

/** The --ss-color-* values declared in the first rule whose selector starts with `selector`. */
function palette(selector) {
  const start = css.indexOf(`${selector}`);
  const block = css.slice(css.indexOf("{", start) + 1, css.indexOf("}", start));
  const colours = {};
  for (const [, name, value] of block.matchAll(/--ss-color-([a-z-]+):\s*(#[0-9a-f]{6})\s*;/gi)) {
    colours[name] = value;
  }
  return colours;
}

function luminance(hex) {
  const channel = (i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

export function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const base = palette(".diemen-theme {");
const hall = { ...base, ...palette(".diemen-theme.ss-hall") };
const WHITE = "#ffffff";

// [foreground, background, minimum] by palette name ("#..." for a literal colour).
const TEXT_PAIRS = [
  ["text", "background"], ["text", "background-subtle"], ["text-muted", "background"],
  ["text-muted", "background-subtle"], ["primary", "background"], ["primary", "background-subtle"],
  ["primary", "primary-tint"], ["primary-hover", "background"], ["primary-hover", "primary-tint"],
  ["primary-active", "primary-tint"], ["link-visited", "background"], ["text", "focus-background"],
  ["error", "background"], ["error-text", "error-background"], ["ok-text", "ok-background"],
  ["info-text", "info-background"], ["warning-text", "warning-background"],
];

const resolve = (colours, name) => (name.startsWith("#") ? name : colours[name]);

function check(colours, pairs, minimum, label) {
  for (const [fg, bg] of pairs) {
    const a = resolve(colours, fg);
    const b = resolve(colours, bg);
    assert.ok(a && b, `${label}: ${fg} or ${bg} missing from theme.css`);
    const ratio = contrast(a, b);
    assert.ok(ratio >= minimum, `${label}: ${fg} ${a} on ${bg} ${b} is ${ratio.toFixed(2)}:1, needs ${minimum}:1`);
  }
}

test("text on every surface of the Diemen theme reaches 4.5:1", () => {
  check(base, TEXT_PAIRS, 4.5, "theme");
  // Buttons and the header band: white on primary, hover and active.
  check(base, [[WHITE, "primary"], [WHITE, "primary-hover"], [WHITE, "primary-active"], [WHITE, "error"],
    ["text", "border-subtle"]], 4.5, "theme");
});

test("borders, focus rings and status colours reach 3:1 against their surface", () => {
  check(base, [["border", "background"], ["focus", "background"], ["focus", "background-subtle"],
    ["focus-inverse", "primary"], ["error", "error-background"], ["ok", "background"],
    ["warning", "warning-background"], ["primary", "background"]], 3, "theme");
});

test("the hall screen palette reaches 4.5:1 for text and 3:1 for focus", () => {
  check(hall, [["text", "background"], ["text", "background-subtle"], ["text-muted", "background"],
    ["primary", "background"], ["primary-hover", "background"], ["info-text", "info-background"],
    ["#00343f", "primary"], ["#00343f", "focus"]], 4.5, "hall");
  check(hall, [["focus", "background"], ["border", "background"]], 3, "hall");
});

test("chart bar colours reach 3:1 against white", () => {
  const palette = charts.match(/const PALETTE = \[([^\]]*)\]/)[1];
  const colours = [...palette.matchAll(/"(#[0-9a-f]{6})"/gi)].map((m) => m[1]);
  assert.ok(colours.length >= 3);
  for (const colour of colours) assert.ok(contrast(colour, WHITE) >= 3, `${colour} on white`);
});
