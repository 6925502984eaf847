// Results charts: a <table data-chart="bar"> (or "stacked") gets a Chart.js chart drawn before it.
// The table stays: it is the accessible version, and the chart is hidden from screen readers.
// Columns: the first cell of each row is its label; cells with data-value hold the numbers;
// header cells marked data-chart-skip are left out. A bar chart whose table carries
// data-chart-chosen (and data-chart-other) colours the bars of rows marked data-chosen apart
// and names both colours in its legend. Long labels wrap over several lines, so that at
// 360 px no label is cut off.
import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip,
} from "chart.js";

import { wrapLabel } from "./chart-labels.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

// Colours with at least 3:1 against white (WCAG 1.4.11, graphical objects).
const PALETTE = ["#00586c", "#b3401b", "#5a3f8e", "#3d6b1f", "#8a4b00"];
const CHOSEN = "#00586c";
const OTHER = "#8c8c8c";  // 3.4:1 against white, and clearly lighter than CHOSEN
const FONT_SIZE = 15;
const LINE_HEIGHT = 1.2;
const ROW_PX = 44;  // --ss-chart-rows counts rows of 2.75rem (layout.css)

function cssVar(name, fallback) {
  const value = getComputedStyle(document.body).getPropertyValue(name).trim();
  return value || fallback;
}

/** Reads a results table into labels, which rows are chosen, and one numeric series per data column. */
export function readTable(table) {
  const headerCells = [...(table.tHead?.rows[0]?.cells ?? [])];
  const skipped = new Set(headerCells.flatMap((cell, index) => (cell.hasAttribute("data-chart-skip") ? [index] : [])));
  const columns = headerCells.map((cell, index) => ({ index, name: cell.textContent.trim() }))
    .slice(1).filter((column) => !skipped.has(column.index));
  const rows = [...table.tBodies].flatMap((body) => [...body.rows]);
  return {
    labels: rows.map((row) => row.cells[0]?.textContent.trim() ?? ""),
    chosen: rows.map((row) => row.hasAttribute("data-chosen")),
    series: columns.map((column) => ({
      name: column.name,
      values: rows.map((row) => {
        const cell = row.cells[column.index];
        const value = Number.parseFloat(cell?.dataset.value ?? cell?.textContent.replace(",", ".") ?? "");
        return Number.isFinite(value) ? value : 0;
      }),
    })),
  };
}

function labelWidth(figure) {
  // Labels get at most 40% of the chart's width (45% on a phone), the bars the rest.
  const width = figure.clientWidth || 320;
  return Math.max(80, Math.floor(width * (width < 480 ? 0.45 : 0.4)));
}

function wrapAll(labels, figure, font, extraRows = 0) {
  const context = document.createElement("canvas").getContext("2d");
  context.font = `${FONT_SIZE}px ${font}`;
  const measure = (text) => context.measureText(text).width;
  const maxWidth = labelWidth(figure);
  const wrapped = labels.map((label) => wrapLabel(label, maxWidth, measure));
  const rows = wrapped.reduce(
    (sum, label) => sum + Math.max(ROW_PX, (Array.isArray(label) ? label.length : 1) * FONT_SIZE * LINE_HEIGHT + 14) / ROW_PX,
    0,
  );
  figure.style.setProperty("--ss-chart-rows", (rows + extraRows).toFixed(2));
  return wrapped;
}

/** Draws the chart for one table; returns the Chart instance (or null if there is nothing to draw). */
export function chartTable(table) {
  if (table.dataset.chartDone) return null;
  const { labels, chosen, series } = readTable(table);
  if (!labels.length || !series.length) return null;
  table.dataset.chartDone = "true";
  const stacked = table.dataset.chart === "stacked";
  const marksChosen = !stacked && series.length === 1 && "chartChosen" in table.dataset && chosen.some(Boolean);
  // A stacked chart (yes/no) has a colour per answer, so what was adopted is said in its label.
  const shown = stacked && table.dataset.chartChosen
    ? labels.map((label, i) => (chosen[i] ? `${label} (${table.dataset.chartChosen.toLowerCase()})` : label))
    : labels;
  // Room for the legend, which wraps onto a second line on a phone.
  const legendRows = series.length > 1 || marksChosen ? 0.75 : 0;
  const figure = document.createElement("div");
  figure.className = "ss-chart";
  figure.setAttribute("aria-hidden", "true");
  const canvas = document.createElement("canvas");
  figure.append(canvas);
  table.before(figure);
  const text = cssVar("--utrecht-document-color", "#1b1b1b");
  const font = cssVar("--utrecht-document-font-family", "system-ui, sans-serif");
  Chart.defaults.font.family = font;
  Chart.defaults.font.size = FONT_SIZE;
  Chart.defaults.color = text;
  const legendLabels = marksChosen
    ? () => [
      { text: table.dataset.chartChosen, fillStyle: CHOSEN, strokeStyle: CHOSEN, fontColor: text, lineWidth: 0 },
      { text: table.dataset.chartOther ?? "", fillStyle: OTHER, strokeStyle: OTHER, fontColor: text, lineWidth: 0 },
    ]
    : undefined;
  return new Chart(canvas, {
    type: "bar",
    data: {
      labels: wrapAll(shown, figure, font, legendRows),
      datasets: series.map((s, i) => ({
        label: s.name,
        data: s.values,
        backgroundColor: marksChosen ? chosen.map((yes) => (yes ? CHOSEN : OTHER)) : PALETTE[i % PALETTE.length],
      })),
    },
    options: {
      indexAxis: "y",
      maintainAspectRatio: false,
      layout: { padding: { left: 6, right: 6 } },
      animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : undefined,
      onResize: (chart) => {
        chart.data.labels = wrapAll(shown, figure, font, legendRows);
      },
      scales: {
        x: { stacked, beginAtZero: true, ticks: { color: text, precision: 0 } },
        y: { stacked, ticks: { color: text, autoSkip: false, lineHeight: LINE_HEIGHT } },
      },
      plugins: {
        legend: {
          display: series.length > 1 || marksChosen,
          labels: { color: text, ...(legendLabels ? { generateLabels: legendLabels } : {}) },
        },
        tooltip: { callbacks: { title: (items) => labels[items[0]?.dataIndex ?? 0] ?? "" } },
      },
    },
  });
}

/** Charts every table[data-chart] under `root`. */
export function chartTables(root = document) {
  return [...root.querySelectorAll("table[data-chart]")].map(chartTable).filter(Boolean);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => chartTables());
else chartTables();
