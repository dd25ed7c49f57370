#!/usr/bin/env node
/**
 * Packaging checks for the package in the current directory, run by each
 * package's `lint:package` script:
 *
 * - the package is packed with `pnpm pack` (as `pnpm publish` would) into a
 *   temporary folder, never into the package folder, so tarballs a user packed
 *   there are left alone; the folder is removed afterwards;
 * - publint (`--strict`) and arethetypeswrong check that tarball;
 * - release metadata is complete (description, keywords, license + LICENSE,
 *   repository.directory, engines, publishConfig, sideEffects, files, exports
 *   with `types` first and `./package.json`);
 * - the tarball holds only dist/ plus the files npm always ships, and no
 *   `workspace:` range;
 * - the packed size is printed;
 * - `--deps=none`: no runtime, optional or peer dependencies at all;
 *   `--deps=optional-peers`: only peer dependencies, each marked optional;
 * - `--max-size=<n>KiB`: the ESM entry, bundled for a neutral (non-Node)
 *   platform and minified with esbuild, then gzipped, stays within budget;
 * - `--bin-only`: a command-line package with no importable entry: exports
 *   holds only `./package.json`, and every `bin` target is a packed dist/
 *   file that starts with a `#!/usr/bin/env node` line.
 *
 * Usage: node ../../scripts/check-package.mjs [--deps=none|optional-peers] [--max-size=5KiB] [--bin-only]
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const cwd = process.cwd();
const pkg = JSON.parse(readFileSync(join(cwd, "package.json"), "utf8"));
const args = parseArgs(process.argv.slice(2));
const problems = [];
const fail = (message) => problems.push(message);

const packDir = mkdtempSync(join(tmpdir(), "attesta-check-package-"));
let packed;
let minGzip;
try {
  const tarball = pack(packDir);
  runTool("publint", ["--strict", tarball]);
  runTool("attw", [tarball]);
  checkMetadata();
  packed = checkTarball(tarball);
  if (args.binOnly) checkBins(packed);
  if (args.deps) checkDependencies(args.deps);
  minGzip = args.maxSize === undefined ? undefined : await checkSizeBudget(args.maxSize);
} finally {
  rmSync(packDir, { recursive: true, force: true });
}

const parts = [
  `${pkg.name}@${pkg.version}`,
  `packed ${formatBytes(packed.size)}`,
  `unpacked ${formatBytes(packed.unpackedSize)}`,
  `${packed.files.length} files`,
];
if (minGzip !== undefined)
  parts.push(`ESM min+gzip ${formatBytes(minGzip)} (budget ${formatBytes(args.maxSize)})`);
console.log(parts.join(", "));

if (problems.length > 0) {
  console.error(`\n${pkg.name}: ${problems.length} packaging problem(s):`);
  for (const problem of problems) console.error(`  - ${problem}`);
  process.exit(1);
}
console.log(`${pkg.name}: packaging checks passed`);

function parseArgs(argv) {
  const out = {};
  for (const arg of argv) {
    const [key, value] = arg.replace(/^--/, "").split("=");
    if (key === "deps" && (value === "none" || value === "optional-peers")) out.deps = value;
    else if (key === "bin-only" && value === undefined) out.binOnly = true;
    else if (key === "max-size" && /^\d+(\.\d+)?(KiB|B)?$/.test(value ?? "")) {
      const n = Number.parseFloat(value);
      out.maxSize = value.endsWith("KiB") ? Math.round(n * 1024) : n;
    } else {
      console.error(
        `check-package: unknown argument ${arg}. Use --deps=none|optional-peers, --max-size=<n>KiB and --bin-only.`,
      );
      process.exit(2);
    }
  }
  return out;
}

function checkMetadata() {
  if (pkg.private) fail("package is private");
  if (typeof pkg.description !== "string" || pkg.description.length < 20)
    fail("description is missing or too short");
  if (!Array.isArray(pkg.keywords) || pkg.keywords.length === 0) fail("keywords are missing");
  if (typeof pkg.license !== "string" || pkg.license.length === 0) fail("license is missing");
  if (!existsSync(join(cwd, "LICENSE"))) fail("LICENSE file is missing");
  const expectedDirectory = relative(root, cwd).split(sep).join("/");
  if (pkg.repository?.directory !== expectedDirectory) {
    fail(
      `repository.directory must be "${expectedDirectory}"; got ${JSON.stringify(pkg.repository?.directory)}`,
    );
  }
  if (typeof pkg.repository?.url !== "string") fail("repository.url is missing");
  if (pkg.engines?.node !== ">=20")
    fail(`engines.node must be ">=20"; got ${JSON.stringify(pkg.engines?.node)}`);
  if (pkg.publishConfig?.access !== "public") fail('publishConfig.access must be "public"');
  if (pkg.sideEffects !== false) fail("sideEffects must be false");
  if (JSON.stringify(pkg.files) !== JSON.stringify(["dist"]))
    fail(`files must be ["dist"]; got ${JSON.stringify(pkg.files)}`);

  const exportsMap = pkg.exports;
  if (exportsMap === null || typeof exportsMap !== "object") {
    fail("exports map is missing");
    return;
  }
  if (exportsMap["./package.json"] !== "./package.json")
    fail('exports must include "./package.json"');
  if (args.binOnly) {
    const extra = Object.keys(exportsMap).filter((key) => key !== "./package.json");
    if (extra.length > 0)
      fail(`a bin-only package exports only ./package.json; got ${extra.join(", ")}`);
  } else if (!exportsMap["."]) fail('exports must include "."');
  for (const [subpath, target] of Object.entries(exportsMap)) {
    if (subpath !== "./package.json") checkConditions(subpath, target, []);
  }
}

/** Every condition object that resolves a file must list `types` first, and both import and require must be typed. */
function checkConditions(subpath, target, trail) {
  const where = [subpath, ...trail].join(" > ");
  if (typeof target === "string") {
    if (trail.length === 0) fail(`exports ${where} points at a file without a types condition`);
    return;
  }
  if (target === null || typeof target !== "object") return;
  const keys = Object.keys(target);
  const resolvesFile = keys.some(
    (key) => ["default", "import", "require"].includes(key) && typeof target[key] === "string",
  );
  if (resolvesFile && keys[0] !== "types")
    fail(`exports ${where}: "types" must be the first condition; got ${keys.join(", ")}`);
  for (const branch of ["import", "require"]) {
    if (target[branch] !== undefined && !hasTypes(target[branch]))
      fail(`exports ${where} > ${branch} has no "types"`);
  }
  for (const key of keys)
    if (key !== "types") checkConditions(subpath, target[key], [...trail, key]);
}

function hasTypes(target) {
  if (target === null || typeof target !== "object") return false;
  return "types" in target || Object.values(target).every((value) => hasTypes(value));
}

/**
 * Packs the package into `destination` with the pnpm running this script (or
 * `pnpm` from PATH) and returns the tarball's path. pnpm, not npm: it rewrites
 * `workspace:` ranges the way `pnpm publish` does. Scripts are skipped because
 * `lint:package` runs after the build, and `prepack` would only build again.
 */
function pack(destination) {
  // biome-ignore lint/suspicious/noUndeclaredEnvVars: set by pnpm for this script; not a task input
  const execPath = process.env.npm_execpath;
  const [command, prefix] =
    execPath && /pnpm\.c?js$/.test(execPath) ? [process.execPath, [execPath]] : ["pnpm", []];
  const out = execFileSync(
    command,
    [
      ...prefix,
      "pack",
      "--json",
      "--config.ignore-scripts=true",
      "--pack-destination",
      destination,
    ],
    { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  return JSON.parse(out).filename;
}

/** Runs a checker from the repository's node_modules/.bin; a failure is one problem, with its output shown. */
function runTool(name, toolArgs) {
  const bin = join(
    root,
    "node_modules",
    ".bin",
    process.platform === "win32" ? `${name}.cmd` : name,
  );
  const result = spawnSync(bin, toolArgs, {
    cwd,
    stdio: "inherit",
    shell: process.platform === "win32",
  });
  if (result.status !== 0)
    fail(`${name} ${toolArgs.join(" ")} failed (${result.error ?? `exit code ${result.status}`})`);
}

/** Entries of a .tgz (paths without the leading `package/`, sizes, and the packed manifest). */
function readTarball(tarball) {
  const compressed = readFileSync(tarball);
  const tar = gunzipSync(compressed);
  const files = [];
  let manifest;
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start, length) =>
      header.toString("utf8", start, start + length).replace(/\0.*$/s, "");
    const name = `${field(345, 155) ? `${field(345, 155)}/` : ""}${field(0, 100)}`;
    const size = Number.parseInt(field(124, 12).trim() || "0", 8);
    const type = field(156, 1);
    const body = tar.subarray(offset + 512, offset + 512 + size);
    if (type === "0" || type === "") {
      const path = name.replace(/^package\//, "");
      files.push({ path, size });
      if (path === "package.json") manifest = JSON.parse(body.toString("utf8"));
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  const unpackedSize = files.reduce((sum, file) => sum + file.size, 0);
  return { size: compressed.length, unpackedSize, files, manifest };
}

function checkTarball(tarball) {
  const info = readTarball(tarball);
  const paths = info.files.map((file) => file.path);
  const ranges = ["dependencies", "peerDependencies", "optionalDependencies", "devDependencies"]
    .flatMap((field) => Object.entries(info.manifest?.[field] ?? {}))
    .filter(([, range]) => String(range).startsWith("workspace:"));
  if (ranges.length > 0)
    fail(`packed package.json keeps workspace: ranges: ${ranges.map(([n]) => n).join(", ")}`);
  const unexpected = paths.filter(
    (path) => !/^(dist\/|package\.json$|LICENSE$|README(\.md)?$|CHANGELOG\.md$)/i.test(path),
  );
  if (unexpected.length > 0) fail(`tarball contains files outside dist/: ${unexpected.join(", ")}`);
  if (!paths.includes("LICENSE")) fail("tarball does not contain LICENSE");
  if (!paths.some((path) => path.startsWith("dist/")))
    fail("tarball contains no dist/ files (build first)");
  return info;
}

function checkBins(info) {
  // The packed manifest: pnpm applies publishConfig.bin there (the workspace bin is a launcher).
  const bin = info.manifest?.bin ?? pkg.bin;
  const bins = typeof bin === "string" ? { [pkg.name]: bin } : (bin ?? {});
  if (Object.keys(bins).length === 0) fail("a bin-only package needs a bin field");
  const packedPaths = new Set(info.files.map((file) => file.path));
  for (const [name, target] of Object.entries(bins)) {
    const path = target.replace(/^\.\//, "");
    if (!path.startsWith("dist/")) fail(`bin ${name} must point into dist/; got ${target}`);
    if (!packedPaths.has(path)) fail(`bin ${name} (${target}) is not in the tarball (build first)`);
    else if (!readFileSync(join(cwd, path), "utf8").startsWith("#!/usr/bin/env node\n"))
      fail(`bin ${name} (${target}) must start with "#!/usr/bin/env node"`);
  }
}

function checkDependencies(mode) {
  const listed = (field) => Object.keys(pkg[field] ?? {});
  for (const field of [
    "dependencies",
    "optionalDependencies",
    "bundleDependencies",
    "bundledDependencies",
  ]) {
    const names = Array.isArray(pkg[field]) ? pkg[field] : listed(field);
    if (names.length > 0) fail(`${field} must be empty; got ${names.join(", ")}`);
  }
  const peers = listed("peerDependencies");
  if (mode === "none" && peers.length > 0)
    fail(`peerDependencies must be empty; got ${peers.join(", ")}`);
  if (mode === "optional-peers") {
    const required = peers.filter((name) => pkg.peerDependenciesMeta?.[name]?.optional !== true);
    if (required.length > 0)
      fail(`peer dependencies must be optional; required: ${required.join(", ")}`);
  }
}

async function checkSizeBudget(budget) {
  const entry = pkg.exports?.["."]?.import?.default ?? pkg.module;
  if (typeof entry !== "string" || !existsSync(join(cwd, entry))) {
    fail(`ESM entry ${JSON.stringify(entry)} not found (build first)`);
    return undefined;
  }
  // esbuild ships with tsup; resolving it through tsup avoids a direct dependency.
  const requireFromRoot = createRequire(join(root, "package.json"));
  const esbuild = createRequire(requireFromRoot.resolve("tsup"))("esbuild");
  let result;
  try {
    // platform "neutral" fails on any Node built-in or unresolved bare import, so
    // the bundle is what a browser or edge runtime would get.
    result = await esbuild.build({
      absWorkingDir: cwd,
      entryPoints: [entry],
      bundle: true,
      minify: true,
      format: "esm",
      platform: "neutral",
      target: "es2022",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
  } catch (error) {
    const messages = error.errors?.map((e) => e.text).join("; ") ?? String(error);
    fail(`ESM entry does not bundle for a neutral platform: ${messages}`);
    return undefined;
  }
  const outside = Object.keys(result.metafile.inputs).filter((input) => !input.startsWith("dist/"));
  if (outside.length > 0)
    fail(`ESM bundle pulls in code from outside dist/: ${outside.join(", ")}`);
  const size = gzipSync(result.outputFiles[0].contents, { level: 9 }).length;
  if (size > budget)
    fail(`ESM entry is ${formatBytes(size)} minified+gzipped; budget is ${formatBytes(budget)}`);
  return size;
}

function formatBytes(bytes) {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(2)} KiB`;
}
