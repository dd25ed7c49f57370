import { describe, expect, it } from "vitest";
import { MemoryReplayStore } from "./memory-replay-store";

describe("MemoryReplayStore", () => {
  it("remembers a key until its TTL passes", async () => {
    let now = 1_000_000;
    const store = new MemoryReplayStore({ now: () => now });
    expect(await store.has("k")).toBe(false);
    await store.add("k", 10);
    expect(await store.has("k")).toBe(true);
    now += 9_999;
    expect(await store.has("k")).toBe(true);
    now += 1;
    expect(await store.has("k")).toBe(false);
    expect(store.size).toBe(0);
  });

  it("stays within maxEntries by forgetting the oldest key first", async () => {
    const store = new MemoryReplayStore({ maxEntries: 3 });
    for (const key of ["a", "b", "c"]) await store.add(key, 60);
    await store.add("a", 60); // re-adding makes "a" the newest
    await store.add("d", 60);
    expect(store.size).toBe(3);
    expect(await store.has("b")).toBe(false);
    for (const key of ["a", "c", "d"]) expect(await store.has(key), key).toBe(true);
  });

  it("refuses a maxEntries that is not a positive integer", () => {
    for (const maxEntries of [0, -1, 1.5, Number.NaN]) {
      expect(() => new MemoryReplayStore({ maxEntries }), String(maxEntries)).toThrow(
        /maxEntries must be a positive integer/,
      );
    }
  });
});
