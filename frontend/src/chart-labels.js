// Wrapping of chart labels, apart from Chart.js so that it can be tested without a browser.

/**
 * Splits `text` into lines no wider than `maxWidth` as `measure` says; a word longer than
 * a line is broken with a hyphen. Returns a string for one line, an array for several
 * (Chart.js draws an array as a label of several lines).
 */
export function wrapLabel(text, maxWidth, measure) {
  const lines = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (measure(candidate) <= maxWidth) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = word;
    while (measure(line) > maxWidth && line.length > 1) {
      let cut = line.length - 1;
      while (cut > 1 && measure(`${line.slice(0, cut)}-`) > maxWidth) cut -= 1;
      lines.push(`${line.slice(0, cut)}-`);
      line = line.slice(cut);
    }
  }
  if (line) lines.push(line);
  return lines.length > 1 ? lines : (lines[0] ?? "");
}
