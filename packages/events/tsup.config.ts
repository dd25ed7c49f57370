import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: false,
  target: "es2022",
  treeshake: true,
  // The internal "Did you mean" package is bundled in: no published tarball depends on it.
  noExternal: ["@attesta/closest-name"],
});
