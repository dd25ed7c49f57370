import { chmod, readFile } from "node:fs/promises";
import { defineConfig } from "tsup";

const { version } = JSON.parse(await readFile(new URL("./package.json", import.meta.url), "utf8"));

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
  define: { __ATTESTA_CLI_VERSION__: JSON.stringify(version) },
  onSuccess: () => chmod("dist/cli.js", 0o755),
});
