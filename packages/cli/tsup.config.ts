import { chmod } from "node:fs/promises";
import { defineConfig } from "tsup";

// One ES module with the shebang of src/cli.ts; npm marks it executable on install,
// and chmod does the same for the workspace build.
export default defineConfig({
  entry: { cli: "src/cli.ts" },
  format: ["esm"],
  dts: false,
  clean: true,
  sourcemap: false,
  target: "node20",
  platform: "node",
  treeshake: true,
  removeNodeProtocol: false,
  onSuccess: () => chmod("dist/cli.js", 0o755),
  // The internal "Did you mean" package is bundled in: no published tarball depends on it.
  noExternal: ["@attesta/closest-name"],
});
