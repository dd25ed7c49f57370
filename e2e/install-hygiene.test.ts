/**
 * What a fresh clone's `pnpm install` would warn about, checked without a new
 * install: every workspace bin is a committed file (pnpm links bins before any
 * build, so a bin inside dist/ fails to link on a fresh clone), and every
 * installed dependency with an install script is either allowed or ignored on
 * purpose in pnpm-workspace.yaml (an unlisted one is "Ignored build scripts").
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function manifest(dir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Record<string, unknown>;
}

/** A top-level list of pnpm-workspace.yaml (`key:` followed by `  - item` lines). */
function workspaceList(key: string): string[] {
  const text = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8");
  const block = new RegExp(`^${key}:\\n((?:  - .+\\n?)+)`, "m").exec(text)?.[1] ?? "";
  return [...block.matchAll(/^ {2}- (.+)$/gm)].map((match) => (match[1] ?? "").trim());
}

/** Names of installed packages (any version) whose package.json runs a script at install. */
function packagesWithInstallScripts(): string[] {
  const store = join(root, "node_modules", ".pnpm");
  const found = new Set<string>();
  for (const entry of readdirSync(store)) {
    const modules = join(store, entry, "node_modules");
    if (!existsSync(modules)) continue;
    for (const name of readdirSync(modules)) {
      const dirs = name.startsWith("@")
        ? readdirSync(join(modules, name)).map((sub) => join(modules, name, sub))
        : [join(modules, name)];
      for (const dir of dirs) {
        if (!existsSync(join(dir, "package.json"))) continue;
        const pkg = manifest(dir) as { name?: string; scripts?: Record<string, string> };
        const scripts = pkg.scripts ?? {};
        if (pkg.name && (scripts.preinstall || scripts.install || scripts.postinstall)) {
          found.add(pkg.name);
        }
      }
    }
  }
  return [...found].sort();
}

describe("a fresh install", () => {
  it("links every workspace bin to a committed file", () => {
    const tracked = new Set(
      execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8" }).split("\n"),
    );
    const bins: string[] = [];
    for (const dir of readdirSync(join(root, "packages"))) {
      const bin = manifest(join(root, "packages", dir)).bin as Record<string, string> | undefined;
      for (const target of Object.values(bin ?? {})) {
        bins.push(join("packages", dir, target).split("\\").join("/"));
      }
    }
    expect(bins.length).toBeGreaterThan(0);
    expect(bins.filter((path) => !tracked.has(path))).toEqual([]);
  });

  it("allows or ignores, on purpose, every dependency that has an install script", () => {
    const listed = [
      ...workspaceList("onlyBuiltDependencies"),
      ...workspaceList("ignoredBuiltDependencies"),
    ];
    const withScripts = packagesWithInstallScripts();
    expect(withScripts).toContain("better-sqlite3");
    expect(withScripts.filter((name) => !listed.includes(name))).toEqual([]);
  });

  it("explains each ignored build script in the README", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const ignored = workspaceList("ignoredBuiltDependencies");
    for (const name of ignored) expect(readme, name).toContain(`\`${name}\``);
    expect(readme).toContain("allowScripts");
  });
});
