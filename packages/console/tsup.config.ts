import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: false,
  target: "es2022",
  treeshake: true,
  removeNodeProtocol: false,
  // The internal "Did you mean" package is bundled in: no published tarball depends on it.
  noExternal: ["@attesta/closest-name"],
});
