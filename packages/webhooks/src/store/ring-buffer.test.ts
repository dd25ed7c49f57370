import { describe, expect, it } from "vitest";
import { RingBuffer } from "./ring-buffer";

describe("RingBuffer", () => {
  it("returns items in insertion order across wrap-around", () => {
    const queue = new RingBuffer<number>(3);
    const out: number[] = [];
    for (let i = 0; i < 10; i++) {
      expect(queue.push(i)).toBe(true);
      if (queue.length === 2) out.push(queue.shift() as number);
    }
    out.push(...queue.drain());
    expect(out).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(queue.removed).toBe(10);
  });

  it("refuses a push when full and keeps the existing items", () => {
    const queue = new RingBuffer<string>(2);
    queue.push("a");
    queue.push("b");
    expect(queue.push("c")).toBe(false);
    expect(queue.length).toBe(2);
    expect(queue.drain()).toEqual(["a", "b"]);
  });

  it("returns undefined when shifting an empty buffer without counting a removal", () => {
    const queue = new RingBuffer<string>(1);
    expect(queue.shift()).toBeUndefined();
    expect(queue.removed).toBe(0);
  });

  it("rejects a capacity that is not a positive integer", () => {
    expect(() => new RingBuffer(0)).toThrow(TypeError);
    expect(() => new RingBuffer(1.5)).toThrow(/positive integer/);
  });
});

describe("RingBuffer growth", () => {
  it("keeps order while growing from a small array to a large capacity", () => {
    const queue = new RingBuffer<number>(1000);
    for (let i = 0; i < 10; i++) queue.push(i);
    for (let i = 0; i < 5; i++) queue.shift();
    for (let i = 10; i < 1000 + 5; i++) queue.push(i);
    expect(queue.length).toBe(1000);
    expect(queue.push(-1)).toBe(false);
    const out = queue.drain();
    expect(out[0]).toBe(5);
    expect(out.at(-1)).toBe(1004);
    expect(out.every((value, index) => value === index + 5)).toBe(true);
  });
});

describe("RingBuffer at and replace", () => {
  it("reads and replaces items by their distance from the front, across the wrap", () => {
    const queue = new RingBuffer<string>(4);
    for (const item of ["a", "b", "c", "d"]) queue.push(item);
    queue.shift();
    queue.shift();
    queue.push("e");
    expect([0, 1, 2].map((index) => queue.at(index))).toEqual(["c", "d", "e"]);
    expect(queue.at(3)).toBeUndefined();
    expect(queue.at(-1)).toBeUndefined();
    queue.replace(2, "E");
    queue.replace(5, "ignored");
    expect(queue.drain()).toEqual(["c", "d", "E"]);
  });
});

describe("RingBuffer pushEvicting", () => {
  it("appends while there is room, then evicts the oldest item for each new one", () => {
    const queue = new RingBuffer<number>(3);
    expect([1, 2, 3].map((item) => queue.pushEvicting(item))).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(queue.pushEvicting(4)).toBe(1);
    expect(queue.pushEvicting(5)).toBe(2);
    expect(queue.removed).toBe(2);
    expect(queue.length).toBe(3);
    expect(queue.drain()).toEqual([3, 4, 5]);
  });

  it("evicts in order after the buffer grew and wrapped", () => {
    const queue = new RingBuffer<number>(40);
    for (let i = 0; i < 30; i++) queue.push(i);
    for (let i = 0; i < 25; i++) queue.shift();
    for (let i = 30; i < 65; i++) queue.push(i);
    expect(queue.length).toBe(40);
    expect(queue.pushEvicting(65)).toBe(25);
    expect(queue.drain()).toEqual(Array.from({ length: 40 }, (_, n) => n + 26));
  });
});
