/**
 * Every README code block that claims to run is run, and every block tied to
 * an example file is byte-for-byte that file (the examples have their own
 * smoke test), so the documentation cannot drift from the code.
 *
 * Conventions, by fence info string:
 * - `ts run`, `js run`, `sh run`, `python run`: extracted and executed; must exit 0.
 * - `<lang> file=examples/<path>`: must equal that file.
 * - anything else: illustrative, not executed.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CodeBlock, extractCodeBlocks } from "./support/code-blocks";

const e2eDir = dirname(fileURLToPath(import.meta.url));
const root = join(e2eDir, "..");
// Inside e2e/ so that blocks resolve @attesta/* and the frameworks from e2e/node_modules.
const workDir = join(e2eDir, ".readme-blocks");
// Generous: blocks finish in seconds, but CI machines can be busy.
const BLOCK_TIMEOUT_MS = 60_000;

const require = createRequire(import.meta.url);
const ts = require("typescript") as typeof import("typescript");

/**
 * TypeScript blocks are transpiled in this process (types stripped, nothing
 * checked: the typecheck test below does that) and run as plain ES modules,
 * which starts far faster than a loader hook per block.
 */
function transpile(code: string): string {
  return ts.transpileModule(code, {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
    },
  }).outputText;
}

interface Runner {
  ext: string;
  prepare?: (code: string) => string;
  command: (file: string) => [string, string[]];
}

const typescript: Runner = {
  ext: "mjs",
  prepare: transpile,
  command: (file) => [process.execPath, [file]],
};
const RUNNERS: Record<string, Runner> = {
  ts: typescript,
  typescript,
  js: { ext: "mjs", command: (file) => [process.execPath, [file]] },
  javascript: { ext: "mjs", command: (file) => [process.execPath, [file]] },
  sh: { ext: "sh", command: (file) => ["bash", ["-euo", "pipefail", file]] },
  bash: { ext: "sh", command: (file) => ["bash", ["-euo", "pipefail", file]] },
  python: { ext: "py", command: (file) => ["python3", [file]] },
  py: { ext: "py", command: (file) => ["python3", [file]] },
};

function findReadmes(): string[] {
  const candidates = [
    "README.md",
    ...readdirSync(join(root, "packages")).map((name) => join("packages", name, "README.md")),
    join("examples", "README.md"),
    join("e2e", "README.md"),
  ];
  return candidates.filter((path) => existsSync(join(root, path)));
}

const readmes = findReadmes().map((path) => {
  const markdown = readFileSync(join(root, path), "utf8");
  let blocks: CodeBlock[] = [];
  let parseError: unknown;
  try {
    blocks = extractCodeBlocks(markdown);
  } catch (error) {
    parseError = error;
  }
  return { path, blocks, parseError };
});

function slug(path: string, block: CodeBlock): string {
  return `${path.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}-L${block.line}`;
}

function numbered(code: string): string {
  return code
    .split("\n")
    .map((text, index) => `${String(index + 1).padStart(3)} | ${text}`)
    .join("\n");
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  timedOut: boolean;
}

function run(command: string, args: string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, BLOCK_TIMEOUT_MS);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output, timedOut });
    });
  });
}

beforeAll(() => {
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
});

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe("the README set", () => {
  it("includes the root README and one README per package", () => {
    const paths = readmes.map(({ path }) => path);
    const packages = readdirSync(join(root, "packages")).filter((name) =>
      existsSync(join(root, "packages", name, "package.json")),
    );
    expect(paths).toContain("README.md");
    for (const name of packages) expect(paths).toContain(join("packages", name, "README.md"));
  });

  it("has runnable and file-backed blocks in the root README", () => {
    const rootReadme = readmes.find(({ path }) => path === "README.md");
    expect(rootReadme?.blocks.some((block) => block.run)).toBe(true);
    expect(rootReadme?.blocks.some((block) => block.file)).toBe(true);
  });
});

for (const { path, blocks, parseError } of readmes) {
  describe(path, () => {
    it("has well-formed code fences", () => {
      expect(parseError).toBeUndefined();
    });

    for (const block of blocks.filter((candidate) => candidate.run)) {
      it.concurrent(`runs the \`${block.info}\` block on line ${block.line} to a clean exit`, async ({
        expect,
      }) => {
        expect(block.file, "a block is either `run` or `file=`, not both").toBeUndefined();
        const runner = RUNNERS[block.lang];
        expect(runner, `no runner for language "${block.lang}"`).toBeDefined();
        if (!runner) return;
        const file = join(workDir, `${slug(path, block)}.${runner.ext}`);
        writeFileSync(file, runner.prepare ? runner.prepare(block.code) : block.code);
        const [command, args] = runner.command(file);
        // Shell blocks run from the repository root, like a reader would run them.
        const result = await run(command, args, runner.ext === "sh" ? root : workDir);
        const report = [
          `${path}:${block.line} (${block.info}) ${result.timedOut ? `timed out after ${BLOCK_TIMEOUT_MS} ms` : `exited with ${result.code ?? result.signal}`}`,
          "--- block ---",
          numbered(block.code),
          "--- output ---",
          result.output,
        ].join("\n");
        expect(result.timedOut, report).toBe(false);
        expect(result.code, report).toBe(0);
      });
    }

    for (const block of blocks.filter((candidate) => candidate.file)) {
      it(`keeps the block on line ${block.line} identical to ${block.file}`, () => {
        const target = join(root, block.file ?? "");
        expect(
          relative(root, target).startsWith(`examples${sep}`),
          `${block.file} must be under examples/`,
        ).toBe(true);
        expect(existsSync(target), `${block.file} does not exist`).toBe(true);
        expect(block.code, `${path}:${block.line} differs from ${block.file}`).toBe(
          readFileSync(target, "utf8"),
        );
      });
    }
  });
}

const typescriptBlocks = readmes.flatMap(({ path, blocks }) =>
  blocks
    .filter((block) => block.run && RUNNERS[block.lang] === typescript)
    .map((block) => ({ path, block })),
);

describe("TypeScript blocks that claim to run", () => {
  it.skipIf(typescriptBlocks.length === 0)(
    "typecheck under the repository's strict settings",
    async () => {
      const dir = join(workDir, "typecheck");
      mkdirSync(dir, { recursive: true });
      const names = new Map<string, string>();
      for (const { path, block } of typescriptBlocks) {
        const name = `${slug(path, block)}.ts`;
        names.set(name, `${path}:${block.line}`);
        // `export {}` keeps each block its own module even when it imports nothing.
        writeFileSync(join(dir, name), `${block.code}\nexport {};\n`);
      }
      writeFileSync(
        join(dir, "tsconfig.json"),
        JSON.stringify({
          extends: relative(dir, join(root, "tsconfig.base.json")),
          compilerOptions: { types: ["node"], noEmit: true },
          include: ["*.ts"],
        }),
      );
      const tsc = require.resolve("typescript/bin/tsc");
      const result = await run(
        process.execPath,
        [tsc, "-p", join(dir, "tsconfig.json"), "--pretty", "false"],
        dir,
      );
      // Point each diagnostic back at the README line it came from.
      const output = result.output.replace(
        /^([\w.-]+\.ts)\((\d+),(\d+)\)/gm,
        (match, name: string, line: string) => {
          const origin = names.get(name);
          if (!origin) return match;
          const [readme, fenceLine] = origin.split(/:(?=\d+$)/);
          return `${readme}:${Number(fenceLine) + Number(line)}`;
        },
      );
      expect(result.code, output).toBe(0);
    },
  );
});
