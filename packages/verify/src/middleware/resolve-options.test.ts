import { describe, expect, it } from "vitest";
import { MemoryReplayStore } from "../replay/memory-replay-store";
import { DEFAULT_MAX_AGE_SEC, DEFAULT_MAX_BODY_BYTES, resolveOptions } from "./resolve-options";

const WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

describe("resolveOptions", () => {
  it("defaults to the Attesta scheme, 1 MiB, 72 h, 300 s and an in-memory replay store", () => {
    const resolved = resolveOptions({ secret: "s" });
    expect(resolved).toMatchObject({
      scheme: "attesta",
      attestaSecrets: ["s"],
      standardKeys: [],
      maxBodyBytes: 1_048_576,
      maxAgeSec: 259_200,
      toleranceSec: 300,
      replayTtlSec: 259_200,
      onError: undefined,
    });
    expect(resolved.replay).toBeInstanceOf(MemoryReplayStore);
    expect(DEFAULT_MAX_BODY_BYTES).toBe(1_048_576);
    expect(DEFAULT_MAX_AGE_SEC).toBe(72 * 3600);
    expect(resolveOptions({ secret: "s", replay: false, maxAgeSec: false }).replay).toBeUndefined();
  });

  it("copies a rotation list so later mutation by the caller has no effect", () => {
    const secrets = ["a", "b"];
    const resolved = resolveOptions({ secret: secrets });
    secrets.push("c");
    expect(resolved.attestaSecrets).toEqual(["a", "b"]);
  });

  it("splits secrets between the schemes under 'any'", () => {
    const resolved = resolveOptions({ secret: ["legacy-secret", WHSEC], scheme: "any" });
    expect(resolved.attestaSecrets).toEqual(["legacy-secret", WHSEC]);
    expect(resolved.standardKeys.map((key) => key.kind)).toEqual(["hmac"]);
  });

  it("rejects a scheme without a usable key, naming the fix but never the secret", () => {
    expect(() => resolveOptions({ secret: "not-base64!", scheme: "standard-webhooks" })).toThrow(
      /options.secret is not a Standard Webhooks verification key\. Fix: /,
    );
    try {
      resolveOptions({ secret: "super-secret-value", scheme: "standard-webhooks" });
    } catch (error) {
      expect(String(error)).not.toContain("super-secret-value");
    }
    expect(() => resolveOptions({ secret: "legacy", scheme: "any" })).toThrow(
      /needs a Standard Webhooks key/,
    );
    expect(() => resolveOptions({ secret: "s", scheme: "both" as never })).toThrow(
      /options.scheme must be/,
    );
  });

  it("rejects a missing options object, secret, bad numbers, store and onError", () => {
    expect(() => resolveOptions(undefined as never)).toThrow(
      /needs an options object; got undefined/,
    );
    expect(() => resolveOptions({} as never)).toThrow(/options.secret must be/);
    for (const maxBodyBytes of [0, -1, 1.5, Number.NaN, "1024" as unknown as number]) {
      expect(() => resolveOptions({ secret: "s", maxBodyBytes }), String(maxBodyBytes)).toThrow(
        /options.maxBodyBytes must be a positive integer/,
      );
    }
    for (const maxAgeSec of [0, -5, Number.POSITIVE_INFINITY, true as unknown as number]) {
      expect(() => resolveOptions({ secret: "s", maxAgeSec }), String(maxAgeSec)).toThrow(
        /options.maxAgeSec must be/,
      );
    }
    expect(() => resolveOptions({ secret: "s", toleranceSec: -1 })).toThrow(
      /options.toleranceSec must be/,
    );
    expect(() => resolveOptions({ secret: "s", replay: {} as never })).toThrow(
      /options.replay must be a store/,
    );
    expect(() => resolveOptions({ secret: "s", onError: "json" as never })).toThrow(
      /options.onError must be a function/,
    );
  });
});
