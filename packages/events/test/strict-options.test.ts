/**
 * Every public function, constructor and method of every entry point (read
 * from the exports map and the built module, not from a hand-kept list)
 * refuses a misspelt option key. Those that take no options object are
 * classified explicitly; a new export or method in neither table fails.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
type Any = (...args: unknown[]) => unknown;
type Bus = Record<string, Any>;

/** How each option-taking entry point is called with a misspelt key, and the key it must suggest. */
const MISSPELT: Record<string, { call: (exported: Any) => unknown; key: string; meant: string }> = {
  "new EventBus": {
    call: (EventBus) => new (EventBus as unknown as new (o: object) => Bus)({ onErorr: () => {} }),
    key: "onErorr",
    meant: "onError",
  },
  "EventBus#once": {
    call: (EventBus) =>
      new (EventBus as unknown as new () => Bus)().once?.("approved", { fliter: () => true }),
    key: "fliter",
    meant: "filter",
  },
};

/** Exports and methods that take no options object, and why. */
const NO_OPTIONS: Record<string, string> = {
  logHandlerError: "the default onError: (error, context)",
  "EventBus#on": "(type, handler)",
  "EventBus#off": "(type, handler)",
  "EventBus#onAny": "(handler)",
  "EventBus#offAny": "(handler)",
  "EventBus#emit": "(event)",
  "EventBus#emitAsync": "(event)",
  "EventBus#clear": "(type?)",
  "EventBus#listenerCount": "(type?)",
};

/** Members the published declarations mark `private`: not part of the API. */
function privateMembers(): Set<string> {
  const declarations = readFileSync(join(root, "dist/index.d.ts"), "utf8");
  return new Set([...declarations.matchAll(/private (?:readonly )?(\w+)/g)].map((m) => m[1] ?? ""));
}

async function entryPoints(): Promise<string[]> {
  const hidden = privateMembers();
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    exports: unknown;
  };
  const names = new Set<string>();
  for (const file of JSON.stringify(manifest.exports).match(/"\.\/dist\/[^"]+\.js"/g) ?? []) {
    const module = (await import(pathToFileURL(join(root, JSON.parse(file))).href)) as Record<
      string,
      unknown
    >;
    for (const [name, value] of Object.entries(module)) {
      if (typeof value !== "function") continue;
      const methods = Object.getOwnPropertyNames(value.prototype ?? {}).filter(
        (method) => method !== "constructor" && !hidden.has(method),
      );
      if (methods.length === 0) names.add(name);
      else {
        names.add(`new ${name}`);
        for (const method of methods) names.add(`${name}#${method}`);
      }
    }
  }
  return [...names];
}

describe("strict options of @attesta/events", () => {
  it("classifies every exported function, constructor and method", async () => {
    const names = await entryPoints();
    expect(names).toContain("EventBus#once");
    expect(names.filter((name) => !(name in MISSPELT) && !(name in NO_OPTIONS))).toEqual([]);
  });

  it("refuses a misspelt key, names it, suggests the key meant and lists the valid ones", async () => {
    const { EventBus } = await import(pathToFileURL(join(root, "dist/index.js")).href);
    for (const [name, recipe] of Object.entries(MISSPELT)) {
      let error: unknown;
      try {
        await recipe.call(EventBus);
      } catch (caught) {
        error = caught;
      }
      expect(error, name).toBeInstanceOf(TypeError);
      expect((error as Error).message, name).toMatch(
        new RegExp(
          `^@attesta/events: .*unknown option "${recipe.key}"\\. Did you mean "${recipe.meant}"\\? Fix: .*the valid keys are `,
        ),
      );
    }
  });
});
