// Runs the console's bench cases one after the other, each in its own process.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

// Every case runs even when one misses its goal; the exit code says whether any did.
let failed = false;
for (const name of ["list-page.mjs", "emit-cost.mjs"]) {
  const run = spawnSync(process.execPath, [fileURLToPath(new URL(name, import.meta.url))], {
    stdio: "inherit",
  });
  if (run.status !== 0) failed = true;
}
if (failed) process.exit(1);
