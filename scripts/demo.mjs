#!/usr/bin/env node
/**
 * `pnpm demo`: builds the packages without printing anything unless the build
 * fails, then runs the demo, so the first thing on screen is the demo itself.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const turbo = join(
  root,
  "node_modules",
  ".bin",
  process.platform === "win32" ? "turbo.cmd" : "turbo",
);

const build = spawnSync(turbo, ["run", "build", "--output-logs=errors-only"], {
  cwd: root,
  encoding: "utf8",
  shell: process.platform === "win32",
  stdio: ["ignore", "pipe", "pipe"],
});
if (build.status !== 0) {
  process.stderr.write(`${build.stdout ?? ""}${build.stderr ?? ""}`);
  const reason = build.error ? String(build.error) : `exit code ${build.status ?? build.signal}`;
  process.stderr.write(
    `\npnpm demo: building the packages failed (${reason}). Fix: run \`pnpm install\`, then \`pnpm build\` to see the full build output.\n`,
  );
  process.exit(1);
}

const demo = spawnSync(process.execPath, [join(root, "examples", "demo", "index.mjs")], {
  cwd: root,
  stdio: "inherit",
});
process.exit(demo.status ?? 1);
