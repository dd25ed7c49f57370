/**
 * A throwaway verdaccio registry on 127.0.0.1.
 *
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface LocalRegistry {
  /** Base URL with a trailing slash, e.g. `http://127.0.0.1:41234/`. */
  url: string;
  /** `//127.0.0.1:41234/`, the prefix npm uses for per-registry settings. */
  authPrefix: string;
  /** Everything verdaccio logged so far, for failure messages. */
  log: () => string;
  /** Kills the registry's process group and waits for it to exit. Safe to call twice. */
  stop: () => Promise<void>;
}

const START_TIMEOUT_MS = 60_000;
/** Verdaccio exits by itself after this long, whatever happens to the test. */
const MAX_LIFETIME_MS = 15 * 60_000;

/**
 * Starts verdaccio with storage and config under `dir`, no uplinks (nothing is
 * proxied to a public registry) and anonymous publishing of `@attesta/*`, and
 * resolves once it answers `/-/ping`. Verdaccio also exits on its own when
 * this process dies (see parent-watchdog.cjs).
 *
 * @example
 * ```ts
 * const registry = await startRegistry(tempDir);
 * try {
 *   // publish and install against registry.url
 * } finally {
 *   await registry.stop();
 * }
 * ```
 */
export async function startRegistry(dir: string): Promise<LocalRegistry> {
  mkdirSync(join(dir, "storage"), { recursive: true });
  const configPath = join(dir, "config.yaml");
  writeFileSync(
    configPath,
    [
      `storage: ${JSON.stringify(join(dir, "storage"))}`,
      "auth:",
      "  htpasswd:",
      `    file: ${JSON.stringify(join(dir, "htpasswd"))}`,
      "uplinks: {}",
      "packages:",
      "  '@attesta/*':",
      "    access: $all",
      "    publish: $anonymous",
      "    unpublish: $anonymous",
      "  '**':",
      "    access: $all",
      "log: { type: stdout, format: pretty, level: warn }",
      "",
    ].join("\n"),
  );

  const port = await freePort();
  const watchdog = fileURLToPath(new URL("parent-watchdog.cjs", import.meta.url));
  const args = [
    "--require",
    watchdog,
    verdaccioBin(),
    "--config",
    configPath,
    "--listen",
    `127.0.0.1:${port}`,
  ];
  const child = spawn(process.execPath, args, {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
    // Own process group, so stop() reaches anything verdaccio forks.
    detached: true,
    env: {
      ...process.env,
      NODE_ENV: "production",
      ATTESTA_REGISTRY_PARENT_PID: String(process.pid),
      ATTESTA_REGISTRY_MAX_LIFETIME_MS: String(MAX_LIFETIME_MS),
    },
  });
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // Last resort if the test runner exits without running afterAll.
  const killOnExit = () => signalGroup(child, "SIGKILL");
  process.once("exit", killOnExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off("exit", killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    signalGroup(child, "SIGTERM");
    const gone = await Promise.race([exited.then(() => true), delay(5_000).then(() => false)]);
    if (!gone) {
      signalGroup(child, "SIGKILL");
      await Promise.race([exited, delay(5_000)]);
    }
  };

  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitForPing(url, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, authPrefix: `//127.0.0.1:${port}/`, log: () => output, stop };
}

function verdaccioBin(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve("verdaccio/package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    bin: string | Record<string, string>;
  };
  const bin = typeof manifest.bin === "string" ? manifest.bin : manifest.bin.verdaccio;
  if (bin === undefined) throw new Error("verdaccio/package.json has no verdaccio bin");
  return join(dirname(manifestPath), bin);
}

async function waitForPing(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `verdaccio exited (${child.exitCode ?? child.signalCode}) before answering:\n${log()}`,
      );
    }
    try {
      const response = await fetch(new URL("-/ping", url), { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await delay(250);
  }
  throw new Error(`verdaccio did not answer ${url}-/ping within ${START_TIMEOUT_MS} ms:\n${log()}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Group already gone.
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
