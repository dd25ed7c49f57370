import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type Deadline, DeadlineList } from "./deadline-list";

function entry(timeoutMs: number, expired: string[], name: string): Deadline {
  return {
    deadline: performance.now() + timeoutMs,
    prev: undefined,
    next: undefined,
    expire: () => expired.push(name),
  };
}

describe("DeadlineList", () => {
  // Fake clocks make the deadlines exact, so a loaded machine cannot shift them.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("expires entries at their deadline, in order, and never those removed before", () => {
    const list = new DeadlineList();
    const expired: string[] = [];
    const a = entry(100, expired, "a");
    const b = entry(100, expired, "b");
    list.add(a);
    list.add(b);
    vi.advanceTimersByTime(50);
    const c = entry(100, expired, "c");
    list.add(c);
    list.remove(b);
    list.remove(b);
    vi.advanceTimersByTime(49);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(["a"]);
    vi.advanceTimersByTime(49);
    expect(expired).toEqual(["a"]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(["a", "c"]);
  });

  it("leaves no pending timer once every entry was removed", () => {
    const list = new DeadlineList();
    const expired: string[] = [];
    const a = entry(10, expired, "a");
    list.add(a);
    expect(vi.getTimerCount()).toBe(1);
    list.remove(a);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(20);
    expect(expired).toEqual([]);
  });

  it("hands back every entry on removeAll without expiring any, and disarms its timer", () => {
    const list = new DeadlineList();
    const expired: string[] = [];
    const a = entry(10, expired, "a");
    const b = entry(20, expired, "b");
    list.add(a);
    list.add(b);
    expect(list.removeAll()).toEqual([a, b]);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(30);
    expect(expired).toEqual([]);
    expect(list.removeAll()).toEqual([]);
  });
});
