/**
 * Every public function and constructor of every entry point (read from the
 * exports map and the built modules, not from a hand-kept list) refuses a
 * misspelt option key, nested objects included, with a TypeError that names
 * it and the key that was meant. Exports that take no options object are
 * classified explicitly: a new export in neither table fails the first test.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { EventBus } from "@attesta/events";
import { describe, expect, it } from "vitest";
import { tempDbPath } from "./sqlite/temp-file";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
type Any = (...args: unknown[]) => unknown;
type Ctor = new (...args: unknown[]) => unknown;
const URL_ = "http://127.0.0.1:9/hook";
const ENDPOINT = { id: "crm", url: URL_ };
const REDIS = { connection: "redis://127.0.0.1:6379" };

interface Misspelt {
  readonly call: (exported: Any) => unknown;
  /** The misspelt key as the message names it, and the key it should suggest. */
  readonly key: string;
  readonly meant: string;
}

const make = (exported: Any, ...args: unknown[]) => new (exported as unknown as Ctor)(...args);

/** How each option-taking export is called with misspelt keys (top level and nested). */
const MISSPELT: Record<string, readonly Misspelt[]> = {
  WebhookDispatcher: [
    {
      call: (D) => make(D, new EventBus(), [], { network: { denyPrivat: true } }),
      key: "options.network.denyPrivat",
      meant: "denyPrivate",
    },
    {
      call: (D) => make(D, new EventBus(), [], { maxSocket: 5 }),
      key: "options.maxSocket",
      meant: "maxSockets",
    },
    {
      call: (D) => make(D, new EventBus(), [{ url: URL_, retryCont: 1 }]),
      key: "config[0].retryCont",
      meant: "retryCount",
    },
    {
      call: (D) => make(D, new EventBus(), [{ url: URL_, circuitBreaker: { openMS: 5 } }]),
      key: "config[0].circuitBreaker.openMS",
      meant: "openMs",
    },
    {
      call: async (D) => {
        const dispatcher = make(D, new EventBus(), [], { logger: null }) as {
          close(o: object): Promise<unknown>;
        };
        try {
          await dispatcher.close({ deadline: 5 });
        } finally {
          await dispatcher.close({});
        }
      },
      key: "close(options).deadline",
      meant: "deadlineMs",
    },
  ],
  MemoryStore: [
    {
      call: (M) => make(M, { maxDeads: 1 }),
      key: "new MemoryStore(options).maxDeads",
      meant: "maxDead",
    },
  ],
  SqliteStore: [
    {
      call: (S) => make(S, { path: tempDbPath(), retension: {} }),
      key: "new SqliteStore(options).retension",
      meant: "retention",
    },
    {
      call: (S) => make(S, { path: tempDbPath(), retention: { delivred: 1 } }),
      key: "new SqliteStore(options).retention.delivred",
      meant: "delivered",
    },
  ],
  PostgresStore: [
    {
      call: (S) => make(S, { connection: "postgres://127.0.0.1/x", shema: "attesta" }),
      key: "new PostgresStore(options).shema",
      meant: "schema",
    },
  ],
  WebhookProducer: [
    {
      call: (P) => make(P, new EventBus(), [ENDPOINT], { ...REDIS, prefx: "x" }),
      key: "options.prefx",
      meant: "prefix",
    },
  ],
  WebhookQueues: [
    {
      call: (Q) => make(Q, [ENDPOINT], { ...REDIS, prefx: "x" }),
      key: "options.prefx",
      meant: "prefix",
    },
  ],
  WebhookWorkers: [
    {
      call: (W) => make(W, [ENDPOINT], { ...REDIS, lockDuration: 5 }),
      key: "options.lockDuration",
      meant: "lockDurationMs",
    },
  ],
  startWebhookWorkers: [
    {
      call: (start) => start([ENDPOINT], { ...REDIS, lockDuration: 5 }),
      key: "options.lockDuration",
      meant: "lockDurationMs",
    },
  ],
};

/** Exports that take no options object, and why. */
const NO_OPTIONS: Record<string, string> = {
  BlockedAddressError: "error thrown by the package: (address, range, host)",
  DispatcherClosedError: "error thrown by the package",
  WebhookBlockedAddressError: "error thrown by the package",
  WebhookConnectionError: "error thrown by the package",
  WebhookDeliveryError: "error thrown by the package",
  WebhookResponseError: "error thrown by the package",
  WebhookTimeoutError: "error thrown by the package",
  WebhookFormatError: "error thrown by the package",
  renderChatMessage: "(service, event)",
  SqliteStoreError: "error thrown by the package",
  SqliteStoreLockedError: "error thrown by the package",
  SqliteInspector: "(path, busyTimeoutMs); users call SqliteStore.inspect(path)",
  PostgresStoreError: "error thrown by the package",
  PostgresInspector: "(connection, schema); users call PostgresStore.inspect(connection, schema)",
  migrationSql: "(schema)",
  backoffDelay: "(attempt, base, max, random?): numbers",
  parseRetryAfter: "(header value, now?)",
  redactUrl: "(url)",
  toWebhookPayload: "(event)",
  dispatcherAdmin: "(dispatcher)",
};

async function callableExports(): Promise<[string, string, Any][]> {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    exports: unknown;
  };
  const files = new Set(
    (JSON.stringify(manifest.exports).match(/"\.\/dist\/[^"]+\.js"/g) ?? []).map(
      (f) => JSON.parse(f) as string,
    ),
  );
  const found: [string, string, Any][] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(root, file)).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (typeof value === "function") found.push([file, name, value as Any]);
    }
  }
  return found;
}

describe("strict options of every @attesta/webhooks entry point", () => {
  it("classifies every exported function and class", async () => {
    const all = await callableExports();
    expect(new Set(all.map(([file]) => file)).size).toBeGreaterThanOrEqual(3);
    const unclassified = all.filter(([, name]) => !(name in MISSPELT) && !(name in NO_OPTIONS));
    expect(unclassified.map(([file, name]) => `${file}: ${name}`)).toEqual([]);
  });

  it("refuses misspelt keys, top level and nested, naming the key meant", async () => {
    let checked = 0;
    for (const [file, name, exported] of await callableExports()) {
      for (const recipe of MISSPELT[name] ?? []) {
        let error: unknown;
        try {
          await recipe.call(exported);
        } catch (caught) {
          error = caught;
        }
        expect(error, `${file}: ${name} ${recipe.key}`).toBeInstanceOf(TypeError);
        const message = (error as Error).message;
        expect(message).toMatch(/^@attesta\/webhooks(\/bullmq)?: /);
        expect(message).toMatch(
          / is not (a known option|supported by [\w ]+; it would be ignored)\. /,
        );
        expect(message).toContain(`${recipe.key} is not `);
        expect(message).toContain(`Did you mean "${recipe.meant}"?`);
        expect(message).toMatch(/the valid keys are |use one of /);
        checked++;
      }
    }
    expect(checked).toBe(Object.values(MISSPELT).flat().length);
  });
});
