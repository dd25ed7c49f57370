#!/usr/bin/env node
/**
 * `prepack` of every published package: builds it, so a tarball never ships
 * a stale or missing dist/, and stops `npm pack` / `npm publish` from writing
 * a tarball npm cannot install.
 *
 * The packages depend on each other through pnpm's `workspace:` ranges. pnpm
 * (`pnpm pack`, `pnpm publish`) rewrites them to real versions; npm copies them
 * verbatim and the tarball then fails to install with `Unsupported URL Type
 * "workspace:"`. So under npm this refuses, with the command that works.
 *
 * Usage (package.json): "prepack": "node ../../scripts/prepack.mjs"
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const cwd = process.cwd();
const pkg = JSON.parse(readFileSync(join(cwd, "package.json"), "utf8"));
// biome-ignore lint/suspicious/noUndeclaredEnvVars: set by the packing package manager, not turbo
const packer = /^(\S+?)\//.exec(process.env.npm_config_user_agent ?? "")?.[1];

const workspaceRanges = ["dependencies", "peerDependencies", "optionalDependencies"].flatMap(
  (field) =>
    Object.entries(pkg[field] ?? {})
      .filter(([, range]) => String(range).startsWith("workspace:"))
      .map(([name, range]) => `${name}@${range}`),
);
if (packer === "npm" && workspaceRanges.length > 0) {
  console.error(
    `${pkg.name}: npm cannot pack this package: it would keep ${workspaceRanges.join(", ")} ` +
      'in the tarball, which npm then refuses to install (Unsupported URL Type "workspace:").\n' +
      "Fix: run `npx -y pnpm@10 pack` here instead (it writes the same tarball with real " +
      "version ranges), then `npm install ./<file>.tgz` in your project.",
  );
  process.exit(1);
}

// Build with the package manager that is packing, so the build is the package's own script.
// biome-ignore lint/suspicious/noUndeclaredEnvVars: set by the packing package manager, not turbo
const execPath = process.env.npm_execpath;
const [command, args] =
  execPath && /\.c?js$/.test(execPath)
    ? [process.execPath, [execPath, "run", "build"]]
    : ["npm", ["run", "build"]];
const build = spawnSync(command, args, {
  cwd,
  stdio: ["ignore", "inherit", "inherit"],
  shell: command === "npm" && process.platform === "win32",
});
if (build.status !== 0) {
  console.error(
    `${pkg.name}: the build before packing failed (${build.error ?? `exit code ${build.status}`}), ` +
      "so no tarball was written. Fix: run the package's build script and fix what it reports.",
  );
  process.exit(1);
}
