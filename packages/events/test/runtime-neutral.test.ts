// The package must run unchanged in browsers and edge runtimes, so the built
// files may not reach for Node built-ins or globals.
import { readFileSync } from "node:fs";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";

const dist = (file: string) => {
  const url = new URL(`../dist/${file}`, import.meta.url);
  try {
    return readFileSync(url, "utf8");
  } catch {
    throw new Error(`dist/${file} is missing: run "pnpm --filter @attesta/events build" first`);
  }
};

describe("the built package", () => {
  it.each(["index.js", "index.cjs"])(
    "%s uses no Node built-ins, process, Buffer or require",
    (file) => {
      const code = dist(file);
      expect(code).not.toMatch(/\bnode:/);
      expect(code).not.toMatch(/\brequire\s*\(/);
      expect(code).not.toMatch(/\bprocess\b/);
      expect(code).not.toMatch(/\bBuffer\b/);
      expect(code).not.toMatch(/\bsetImmediate\b/);
    },
  );

  it("runs in a bare JavaScript context without console, process or require", async () => {
    // A fresh V8 context has only the language built-ins (plus V8's own
    // console, removed here), like the strictest edge runtime: this proves
    // nothing Node-specific is touched at run time.
    const sandbox: Record<string, unknown> = { module: { exports: {} }, results: [] };
    sandbox.exports = (sandbox.module as { exports: object }).exports;
    runInNewContext(
      `delete globalThis.console;
       ${dist("index.cjs")}
       ;(async () => {
         const { EventBus, EventType } = module.exports;
         const errors = [];
         const bus = new EventBus({ onError: (error, { event }) => errors.push(event.type + ": " + error.message) });
         bus.on(EventType.APPROVED, () => { throw new Error("sync"); });
         bus.on(EventType.APPROVED, async () => { throw new Error("async"); });
         const seen = [];
         bus.onAny((event) => seen.push(event.type + "@" + typeof event.timestamp));
         bus.emit({ type: EventType.APPROVED, data: {} });
         await bus.emitAsync({ type: EventType.DENIED, data: {} });
         const next = bus.once(EventType.ESCALATED);
         bus.emit({ type: EventType.ESCALATED, data: {}, timestamp: 5 });
         seen.push("once@" + (await next).timestamp);
         await new Promise((resolve) => Promise.resolve().then(resolve));
         const quiet = new EventBus();
         quiet.on("approved", () => { throw new Error("logged nowhere"); });
         quiet.emit({ type: "approved", data: {} });
         results.push({ errors, seen, hasConsole: typeof console !== "undefined" });
       })().catch((error) => results.push({ failed: String(error) }));`,
      sandbox,
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sandbox.results).toEqual([
      {
        errors: ["approved: sync", "approved: async"],
        seen: ["approved@number", "denied@number", "escalated@number", "once@5"],
        hasConsole: false,
      },
    ]);
  });

  it("exposes the same API from the ESM and CommonJS builds", async () => {
    const esm = await import(new URL("../dist/index.js", import.meta.url).href);
    const sandbox = { module: { exports: {} as Record<string, unknown> } };
    runInNewContext(`var exports = module.exports;\n${dist("index.cjs")}`, sandbox);
    const names = ["EVENT_TYPES", "EventBus", "EventType", "logHandlerError"];
    expect(Object.keys(esm).sort()).toEqual(names);
    expect(Object.keys(sandbox.module.exports).sort()).toEqual(names);
  });
});
