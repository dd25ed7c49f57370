import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_BODY_BYTES, resolveOptions } from "./resolve-options";

describe("resolveOptions", () => {
  it("defaults maxBodyBytes to 1 MiB and keeps a single secret as a string", () => {
    expect(resolveOptions({ secret: "s" })).toEqual({
      secret: "s",
      maxBodyBytes: 1_048_576,
      onError: undefined,
    });
    expect(DEFAULT_MAX_BODY_BYTES).toBe(1_048_576);
  });

  it("copies a rotation list so later mutation by the caller has no effect", () => {
    const secrets = ["a", "b"];
    const resolved = resolveOptions({ secret: secrets });
    secrets.push("c");
    expect(resolved.secret).toEqual(["a", "b"]);
  });

  it("rejects a missing options object, secret, bad maxBodyBytes and non-function onError", () => {
    expect(() => resolveOptions(undefined as never)).toThrow(
      /needs an options object; got undefined/,
    );
    expect(() => resolveOptions({} as never)).toThrow(/options.secret must be/);
    for (const maxBodyBytes of [0, -1, 1.5, Number.NaN, "1024" as unknown as number]) {
      expect(() => resolveOptions({ secret: "s", maxBodyBytes }), String(maxBodyBytes)).toThrow(
        /options.maxBodyBytes must be a positive integer/,
      );
    }
    expect(() => resolveOptions({ secret: "s", onError: "json" as never })).toThrow(
      /options.onError must be a function/,
    );
  });
});
