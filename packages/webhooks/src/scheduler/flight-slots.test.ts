import { describe, expect, it } from "vitest";
import { FlightSlots } from "./flight-slots";

const tick = () => new Promise<void>((resolve) => queueMicrotask(resolve));

describe("FlightSlots", () => {
  it("bounds each origin and the total", () => {
    const slots = new FlightSlots(3, 5);
    expect(slots.take("a", 10)).toBe(3);
    expect(slots.take("b", 10)).toBe(2);
    expect(slots.take("c", 1)).toBe(0);
    expect(slots.inFlight).toBe(5);
    expect(slots.inFlightTo("a")).toBe(3);
    slots.release("a");
    expect(slots.take("a", 10)).toBe(1);
  });

  it("wakes waiting loops in asking order, only those that can start", async () => {
    const slots = new FlightSlots(2, 3);
    const woken: string[] = [];
    const wake = (name: string) => () => woken.push(name);
    const first = wake("a1");
    const second = wake("a2");
    const other = wake("b1");
    expect(slots.take("a", 2)).toBe(2);
    expect(slots.take("b", 1)).toBe(1);
    expect(slots.take("a", 1, first)).toBe(0);
    expect(slots.take("b", 1, other)).toBe(0);
    expect(slots.take("a", 1, second)).toBe(0);
    expect(slots.take("a", 1, first)).toBe(0);
    slots.release("b");
    await tick();
    // One slot free overall; "a" is still full, so b1 is the one that can use it.
    expect(woken).toEqual(["b1"]);
    slots.release("a");
    await tick();
    expect(woken).toEqual(["b1", "a1"]);
  });

  it("does not wake a loop that got all it asked for or was forgotten", async () => {
    const slots = new FlightSlots(1, 1);
    const woken: string[] = [];
    const wake = () => woken.push("x");
    expect(slots.take("a", 1)).toBe(1);
    expect(slots.take("a", 1, wake)).toBe(0);
    slots.forget(wake);
    slots.release("a");
    await tick();
    expect(woken).toEqual([]);
    expect(slots.take("a", 1, wake)).toBe(1);
    slots.release("a");
    await tick();
    expect(woken).toEqual([]);
    expect(slots.inFlight).toBe(0);
  });
});
