#!/usr/bin/env node
// Fails when a non-test source file under packages/*/src is over the line limit:
// a file holds one concept, and a concept that needs more lines is two concepts.
// Usage: node scripts/check-file-size.mjs [--max=300]
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const maxArg = process.argv.find((arg) => arg.startsWith("--max="));
const max = maxArg === undefined ? 300 : Number(maxArg.slice("--max=".length));
if (!Number.isInteger(max) || max < 1) {
  console.error(
    `check-file-size: --max must be a positive integer; got ${maxArg}. Fix: pass e.g. --max=300.`,
  );
  process.exit(2);
}

const isTest = (name) => /\.(test|test-d|spec)\.[cm]?[jt]sx?$/.test(name);
const isSource = (name) => /\.[cm]?[jt]sx?$/.test(name) && !name.endsWith(".d.ts");

function sourceFiles(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) found.push(...sourceFiles(full));
    else if (isSource(name) && !isTest(name)) found.push(full);
  }
  return found;
}

const packagesDir = path.join(root, "packages");
const files = readdirSync(packagesDir)
  .map((name) => path.join(packagesDir, name, "src"))
  .filter((src) => statSync(src, { throwIfNoEntry: false })?.isDirectory() === true)
  .flatMap(sourceFiles);

const over = [];
for (const file of files) {
  const text = readFileSync(file, "utf8");
  const lines = text.endsWith("\n") ? text.split("\n").length - 1 : text.split("\n").length;
  if (lines > max) over.push({ file: path.relative(root, file), lines });
}

if (over.length > 0) {
  for (const { file, lines } of over.sort((a, b) => b.lines - a.lines)) {
    console.error(`${file}: ${lines} lines (limit ${max})`);
  }
  console.error(
    `check-file-size: ${over.length} source file(s) over ${max} lines. Fix: split each by concept (one concept per file).`,
  );
  process.exit(1);
}
console.log(`check-file-size: ${files.length} source files, none over ${max} lines`);
