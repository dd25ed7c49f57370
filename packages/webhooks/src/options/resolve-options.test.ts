import { describe, expect, it } from "vitest";
import { MemoryStore } from "../store/memory-store";
import { resolveOptions } from "./resolve-options";

describe("resolveOptions", () => {
  it("defaults to a console logger and a 64 KiB response cap", () => {
    const options = resolveOptions(undefined);
    expect(options.maxResponseBytes).toBe(65_536);
    expect(typeof options.logger?.warn).toBe("function");
    expect(options.onAttempt).toBeUndefined();
    expect(options.store).toBeInstanceOf(MemoryStore);
    expect(resolveOptions(undefined).store).not.toBe(options.store);
  });

  it("accepts null to silence logging", () => {
    expect(resolveOptions({ logger: null }).logger).toBeNull();
  });

  it.each([
    [
      { logger: {} },
      /options\.logger must have warn\(message, fields\) and error\(message, fields\) methods/,
    ],
    [{ onAttempt: "yes" }, /options\.onAttempt must be a function; got string/],
    [{ maxResponseBytes: 0 }, /options\.maxResponseBytes must be a positive integer; got 0/],
    [{ onError: () => {} }, /options\.onError is not a known option/],
    ["fast", /options must be an object; got string/],
    [
      { store: { open() {} } },
      /options\.store must be a DeliveryStore; got an object without enqueue,/,
    ],
    [
      { store: "sqlite" },
      /options\.store must be a DeliveryStore; got string\. Fix: pass new MemoryStore/,
    ],
  ])("rejects %j with a TypeError", (options, message) => {
    expect(() => resolveOptions(options)).toThrow(TypeError);
    expect(() => resolveOptions(options)).toThrow(message);
  });
});
