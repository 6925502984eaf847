// Results charts: a <table data-chart="bar"> (or "stacked") gets a Chart.js chart drawn before it.
// The table stays: it is the accessible version, and the chart is hidden from screen readers.
// Columns: the first cell of each row is its label; cells with data-value hold the numbers;
// header cells marked data-chart-skip are left out.
import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip,
} from "chart.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

// Colours with at least 3:1 against white (WCAG 1.4.11, graphical objects).
const PALETTE = ["#00586c", "#b3401b", "#5a3f8e", "#3d6b1f", "#8a4b00"];

function cssVar(name, fallback) {
  const value = getComputedStyle(document.body).getPropertyValue(name).trim();
  return value || fallback;
}

/** Reads a results table into labels and one numeric series per data column. */
export function readTable(table) {
  const headerCells = [...(table.tHead?.rows[0]?.cells ?? [])];
  const skipped = new Set(headerCells.flatMap((cell, index) => (cell.hasAttribute("data-chart-skip") ? [index] : [])));
  const columns = headerCells.map((cell, index) => ({ index, name: cell.textContent.trim() }))
    .slice(1).filter((column) => !skipped.has(column.index));
  const rows = [...table.tBodies].flatMap((body) => [...body.rows]);
  return {
    labels: rows.map((row) => row.cells[0]?.textContent.trim() ?? ""),
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

/** Draws the chart for one table; returns the Chart instance (or null if there is nothing to draw). */
export function chartTable(table) {
  if (table.dataset.chartDone) return null;
  const { labels, series } = readTable(table);
  if (!labels.length || !series.length) return null;
  table.dataset.chartDone = "true";
  const stacked = table.dataset.chart === "stacked";
  const figure = document.createElement("div");
  figure.className = "ss-chart";
  figure.setAttribute("aria-hidden", "true");
  figure.style.setProperty("--ss-chart-rows", String(labels.length));
  const canvas = document.createElement("canvas");
  figure.append(canvas);
  table.before(figure);
  const text = cssVar("--utrecht-document-color", "#1b1b1b");
  Chart.defaults.font.family = cssVar("--utrecht-document-font-family", "system-ui, sans-serif");
  Chart.defaults.font.size = 15;
  Chart.defaults.color = text;
  return new Chart(canvas, {
    type: "bar",
    data: {
      labels,
      datasets: series.map((s, i) => ({
        label: s.name,
        data: s.values,
        backgroundColor: PALETTE[i % PALETTE.length],
      })),
    },
    options: {
      indexAxis: "y",
      maintainAspectRatio: false,
      animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : undefined,
      scales: {
        x: { stacked, beginAtZero: true, ticks: { color: text, precision: 0 } },
        y: { stacked, ticks: { color: text } },
      },
      plugins: { legend: { display: series.length > 1, labels: { color: text } } },
    },
  });
}

/** Charts every table[data-chart] under `root`. */
export function chartTables(root = document) {
  return [...root.querySelectorAll("table[data-chart]")].map(chartTable).filter(Boolean);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => chartTables());
else chartTables();
