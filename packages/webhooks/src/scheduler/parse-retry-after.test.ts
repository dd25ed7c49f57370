import { describe, expect, it } from "vitest";
import { parseRetryAfter } from "./parse-retry-after";

describe("parseRetryAfter", () => {
  it("reads delay-seconds", () => {
    expect(parseRetryAfter("0")).toBe(0);
    expect(parseRetryAfter(" 3 ")).toBe(3000);
    expect(parseRetryAfter(["7", "9"])).toBe(7000);
  });

  it("reads an HTTP date relative to now", () => {
    const now = Date.UTC(2015, 9, 21, 7, 27, 30);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now)).toBe(30_000);
  });

  it("treats a date in the past as no wait", () => {
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.UTC(2020, 0, 1))).toBe(0);
  });

  it("ignores missing and malformed values", () => {
    for (const value of [undefined, null, "", "soon", "-5", "1.5", "Thu, 99 Foo"]) {
      expect(parseRetryAfter(value)).toBeUndefined();
    }
  });
});
