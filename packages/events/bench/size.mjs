// Bundle sizes for the README: each library's ESM entry bundled for a neutral
// (non-Node) platform and minified with esbuild, then gzipped at level 9, the
// way scripts/check-package.mjs measures @attesta/events' size budget.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
// esbuild ships with tsup (a root dev dependency); resolving it through tsup avoids a direct dependency.
const requireFromRoot = createRequire(new URL("../../../package.json", import.meta.url));
const esbuild = createRequire(requireFromRoot.resolve("tsup"))("esbuild");

const ENTRIES = [
  ["@attesta/events", 'export * from "./dist/index.js";'],
  ["eventemitter3", 'export { default } from "eventemitter3";'],
  ["mitt", 'export { default } from "mitt";'],
  ["emittery", 'export { default } from "emittery";'],
];

export async function bundleSizes() {
  const sizes = [];
  for (const [library, contents] of ENTRIES) {
    const result = await esbuild.build({
      stdin: { contents, resolveDir: packageDir, loader: "js" },
      bundle: true,
      minify: true,
      format: "esm",
      platform: "neutral",
      mainFields: ["module", "main"],
      target: "es2022",
      write: false,
      logLevel: "silent",
    });
    sizes.push({ library, bytes: gzipSync(result.outputFiles[0].contents, { level: 9 }).length });
  }
  return sizes;
}
