/**
 * Every public function and constructor of every entry point (read from the
 * exports map and the built modules, not from a list kept by hand) refuses a
 * misspelt option key with a TypeError that names it and suggests the key
 * that was meant. Functions that take no options are classified explicitly:
 * a new export that is in neither table fails the first test.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const BODY = '{"event":"APPROVED","timestamp":"2025-06-15T14:32:18+00:00","data":{}}';
const MESSAGE = { id: "msg_1", timestamp: 1_750_000_000, secret: SECRET };

type Fn = (...args: unknown[]) => unknown;
type Ctor = new (...args: unknown[]) => unknown;

/** How each option-taking export is called with one misspelt key, and the key it should suggest. */
const MISSPELT: Record<string, { call: (fn: Fn) => unknown; key: string; meant?: string }> = {
  verifyAttesta: {
    call: (fn) => fn({ secret: SECRET, maxBodyByte: 10 }),
    key: "maxBodyByte",
    meant: "maxBodyBytes",
  },
  MemoryReplayStore: {
    call: (fn) => new (fn as unknown as Ctor)({ maxEntrys: 5 }),
    key: "maxEntrys",
    meant: "maxEntries",
  },
  AttestaVerificationError: {
    call: (fn) => new (fn as unknown as Ctor)("expired", "old", { cuase: 1 }),
    key: "cuase",
    meant: "cause",
  },
  sign: { call: (fn) => fn(BODY, SECRET, { secrets: 1 }), key: "secrets" },
  signAsync: { call: (fn) => fn(BODY, SECRET, { secrets: 1 }), key: "secrets" },
  verifySignature: {
    call: (fn) => fn(BODY, "sha256=00", SECRET, { maxAgeSec: 1 }),
    key: "maxAgeSec",
  },
  verifySignatureAsync: {
    call: (fn) => fn(BODY, "sha256=00", SECRET, { maxAgeSec: 1 }),
    key: "maxAgeSec",
  },
  signStandardWebhook: {
    call: (fn) => fn(BODY, { ...MESSAGE, secrets: SECRET }),
    key: "secrets",
    meant: "secret",
  },
  signStandardWebhookAsync: {
    call: (fn) => fn(BODY, { ...MESSAGE, secrets: SECRET }),
    key: "secrets",
    meant: "secret",
  },
  verifyStandardWebhook: {
    call: (fn) => fn(BODY, {}, SECRET, { tolerance: 1 }),
    key: "tolerance",
    meant: "toleranceSec",
  },
  verifyStandardWebhookAsync: {
    call: (fn) => fn(BODY, {}, SECRET, { tolerance: 1 }),
    key: "tolerance",
    meant: "toleranceSec",
  },
  signatureHeaders: {
    call: (fn) => fn(BODY, { ...MESSAGE, schema: "standard-webhooks" }),
    key: "schema",
    meant: "scheme",
  },
  signatureHeadersAsync: {
    call: (fn) => fn(BODY, { ...MESSAGE, schema: "standard-webhooks" }),
    key: "schema",
    meant: "scheme",
  },
};

/** Exports that take no options object, and why. */
const NO_OPTIONS: Record<string, string> = {
  createAttestaSigner: "takes only the secret",
  createStandardSigner: "takes only the secret",
  decodeStandardSecret: "takes only the secret",
  isValidMessageId: "a predicate over one value",
  isWebhookPayload: "a predicate over one value",
  isWellFormedSignature: "a predicate over one value",
  parseWebhookPayload: "takes only the body bytes",
  toWebhookPayload: "takes only the event",
};

/** Every built ESM file the exports map points at (all conditions). */
function entryFiles(): string[] {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    exports: unknown;
  };
  const files = new Set<string>();
  const walk = (node: unknown): void => {
    if (typeof node === "string") {
      if (node.endsWith(".js")) files.add(join(root, node));
    } else if (node && typeof node === "object") Object.values(node).forEach(walk);
  };
  walk(manifest.exports);
  return [...files];
}

async function callableExports(): Promise<[string, string, Fn][]> {
  const found: [string, string, Fn][] = [];
  for (const file of entryFiles()) {
    const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (typeof value === "function") found.push([file.slice(root.length + 1), name, value as Fn]);
    }
  }
  return found;
}

describe("strict options of every entry point", () => {
  it("classifies every exported function and class", async () => {
    const all = await callableExports();
    expect(new Set(all.map(([file]) => file)).size).toBeGreaterThanOrEqual(6);
    const unclassified = all.filter(([, name]) => !(name in MISSPELT) && !(name in NO_OPTIONS));
    expect(unclassified.map(([file, name]) => `${file}: ${name}`)).toEqual([]);
  });

  it("refuses a misspelt key everywhere, naming it and the key that was meant", async () => {
    const checked: string[] = [];
    for (const [file, name, fn] of await callableExports()) {
      const recipe = MISSPELT[name];
      if (recipe === undefined) continue;
      let error: unknown;
      try {
        await recipe.call(fn);
      } catch (caught) {
        error = caught;
      }
      expect(error, `${file}: ${name}`).toBeInstanceOf(TypeError);
      const message = (error as TypeError).message;
      expect(message, `${file}: ${name}`).toMatch(/^@attesta\/verify: /);
      expect(message, `${file}: ${name}`).toContain(`unknown option "${recipe.key}"`);
      if (recipe.meant)
        expect(message, `${file}: ${name}`).toContain(`Did you mean "${recipe.meant}"?`);
      expect(message).not.toContain(SECRET);
      checked.push(`${file}: ${name}`);
    }
    // verifyAttesta of express, koa, hono (node and web), both main builds' functions.
    expect(checked.filter((entry) => entry.endsWith("verifyAttesta"))).toHaveLength(4);
    expect(checked.length).toBeGreaterThanOrEqual(4 + 2 * 12);
  });

  it("lists the valid keys, and gives no suggestion when nothing is close", async () => {
    const { MemoryReplayStore } = await import(pathToFileURL(join(root, "dist/index.js")).href);
    expect(() => new MemoryReplayStore({ capacity: 5 })).toThrow(
      /unknown option "capacity"\. Fix: remove it or correct its name; the valid keys are maxEntries, now\./,
    );
  });
});
