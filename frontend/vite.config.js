// Builds the browser code and styles into samenspel/static/dist/ with fixed names:
// Django's ManifestStaticFilesStorage adds the content hashes in production.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const src = (path) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  // Django serves the files, so nothing is rewritten to an absolute base.
  base: "./",
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL("../samenspel/static/dist/", import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    // Entries are loaded as modules by templates; no HTML entry, so no preload polyfill.
    modulePreload: false,
    cssCodeSplit: true,
    rolldownOptions: {
      input: {
        main: src("main.js"),
        styles: src("styles/main.css"),
        live: src("live.js"),
        editor: src("editor.js"),
        passage: src("passage.js"),
        discussion: src("discussion.js"),
        charts: src("charts.js"),
      },
      // Templates import the entries and pages use their exports (LiveChannel, countdown...).
      preserveEntrySignatures: "exports-only",
      // htmx evaluates hx-on and js: expressions with eval by design; the warning says nothing new.
      checks: { eval: false },
      output: {
        format: "es",
        entryFileNames: "[name].js",
        chunkFileNames: "chunks/[name].js",
        assetFileNames: (asset) => {
          const name = asset.names?.[0] ?? asset.name ?? "";
          return name.endsWith(".css") ? "main.css" : "assets/[name][extname]";
        },
      },
    },
  },
});
