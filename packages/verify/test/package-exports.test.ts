import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** Every module specifier a built file imports or requires. */
function specifiers(file: string): string[] {
  const code = readFileSync(file, "utf8");
  const found = [
    ...code.matchAll(/\bfrom\s*["']([^"']+)["']/g),
    ...code.matchAll(/\bimport\s*\(?\s*["']([^"']+)["']/g),
    ...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g),
  ];
  return found.map((match) => match[1]!);
}

/** The entry plus every relative chunk it reaches, with the bare specifiers they use. */
function graph(entry: string): { files: string[]; external: string[] } {
  const files: string[] = [];
  const external = new Set<string>();
  const queue = [join(dist, entry)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.includes(file)) continue;
    files.push(file);
    for (const specifier of specifiers(file)) {
      if (specifier.startsWith(".")) queue.push(join(dirname(file), specifier));
      else external.add(specifier);
    }
  }
  return { files, external: [...external] };
}

describe("built package", () => {
  it("has every file the exports map points at", () => {
    const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      exports: unknown;
    };
    const targets: string[] = [];
    const walk = (node: unknown): void => {
      if (typeof node === "string") targets.push(node);
      else if (node && typeof node === "object") Object.values(node).forEach(walk);
    };
    walk(manifest.exports);
    expect(targets.length).toBeGreaterThan(20);
    for (const target of targets) expect(existsSync(join(root, target)), target).toBe(true);
  });

  for (const entry of ["web.js", "web.cjs", "hono.web.js", "hono.web.cjs"]) {
    it(`keeps ${entry} and the chunks it loads free of Node built-ins`, () => {
      const { files, external } = graph(entry);
      expect(files.length).toBeGreaterThan(1);
      expect(external.filter((name) => builtins.has(name))).toEqual([]);
      for (const file of files) expect(readFileSync(file, "utf8"), file).not.toMatch(/["']node:/);
    });
  }

  for (const entry of ["index.js", "index.cjs", "hono.js", "hono.cjs", "express.js", "koa.cjs"]) {
    it(`builds ${entry} on node:crypto`, () => {
      expect(graph(entry).external).toContain("node:crypto");
    });
  }

  it("resolves the node:crypto builds under Node's `node` condition, for import and require", () => {
    const script = `
      const { createRequire } = require("node:module");
      const req = createRequire(process.cwd() + "/package.json");
      console.log(JSON.stringify({
        require: req.resolve("@attesta/verify"),
        requireHono: req.resolve("@attesta/verify/hono"),
      }));`;
    const resolved = JSON.parse(
      execFileSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8" }),
    );
    expect(resolved.require).toBe(join(dist, "index.cjs"));
    expect(resolved.requireHono).toBe(join(dist, "hono.cjs"));
    const esm = execFileSync(
      process.execPath,
      ["--input-type=module", "-e", 'console.log(import.meta.resolve("@attesta/verify/hono"))'],
      { cwd: root, encoding: "utf8" },
    ).trim();
    expect(fileURLToPath(esm)).toBe(join(dist, "hono.js"));
  });

  it("signs and verifies through the published entry points in a fresh Node process", () => {
    const script = `
      import { sign, verifySignature } from "@attesta/verify";
      import * as web from "${join(dist, "web.js").replaceAll("\\", "/")}";
      const header = sign("{}", "k");
      console.log(JSON.stringify([verifySignature("{}", header, "k"), web.verifySignature("{}", header, "k"), web.sign("{}", "k") === header]));`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: root,
      encoding: "utf8",
    });
    expect(JSON.parse(out)).toEqual([true, true, true]);
  });
});
