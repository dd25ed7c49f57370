import { describe, expect, it } from "vitest";
import { type Deadline, DeadlineList } from "./deadline-list";

function entry(timeoutMs: number, expired: string[], name: string): Deadline {
  return { deadline: performance.now() + timeoutMs, prev: undefined, next: undefined, expire: () => expired.push(name) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("DeadlineList", () => {
  it("expires entries at their deadline, in order, and never those removed before", async () => {
    const list = new DeadlineList();
    const expired: string[] = [];
    const a = entry(100, expired, "a");
    const b = entry(100, expired, "b");
    list.add(a);
    list.add(b);
    await sleep(50);
    const c = entry(100, expired, "c");
    list.add(c);
    list.remove(b);
    list.remove(b);
    await sleep(60);
    expect(expired).toEqual(["a"]);
    await sleep(60);
    expect(expired).toEqual(["a", "c"]);
  });

  it("leaves no timer behind once empty", async () => {
    const list = new DeadlineList();
    const expired: string[] = [];
    const a = entry(10, expired, "a");
    list.add(a);
    list.remove(a);
    expect((list as unknown as { timer: unknown }).timer).toBeUndefined();
    await sleep(20);
    expect(expired).toEqual([]);
  });
});
