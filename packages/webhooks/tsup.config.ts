import { readFileSync } from "node:fs";
import { defineConfig } from "tsup";

const { version } = JSON.parse(
  readFileSync(new URL("./package.json", import.meta.url), "utf8"),
) as {
  version: string;
};

export default defineConfig({
  entry: {
    index: "src/index.ts",
    "bullmq/index": "src/bullmq/index.ts",
    "sqlite/index": "src/sqlite/index.ts",
    "postgres/index": "src/postgres/index.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: false,
  target: "es2022",
  treeshake: true,
  // import.meta.url for the CommonJS build: the telemetry loads its optional peer with createRequire.
  shims: true,
  define: { __ATTESTA_WEBHOOKS_VERSION__: JSON.stringify(version) },
  // The internal "Did you mean" package is bundled in: no published tarball depends on it.
  noExternal: ["@attesta/closest-name"],
});
