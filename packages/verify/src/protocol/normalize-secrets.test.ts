import { describe, expect, it } from "vitest";
import { assertSigningSecret, normalizeSecrets } from "./normalize-secrets";

describe("normalizeSecrets", () => {
  it("wraps a single secret and keeps a rotation list in order", () => {
    expect(normalizeSecrets("a")).toEqual(["a"]);
    expect(normalizeSecrets(["new", "old"])).toEqual(["new", "old"]);
  });

  it("throws a TypeError that names the option and the fix", () => {
    expect(() => normalizeSecrets("", "options.secret")).toThrow(
      /^@attesta\/verify: options.secret must be a non-empty string or a non-empty array of strings; got an empty string\. Fix: /,
    );
    expect(() => normalizeSecrets(undefined as unknown as string)).toThrow(/got undefined/);
    expect(() => normalizeSecrets([])).toThrow(/got an array of length 0/);
    expect(() => normalizeSecrets(["ok", null as unknown as string])).toThrow(
      /secret\[1\] must be a non-empty string; got null/,
    );
  });
});

describe("assertSigningSecret", () => {
  it("accepts a non-empty string and rejects anything else", () => {
    expect(() => assertSigningSecret("k")).not.toThrow();
    for (const value of ["", undefined, ["k"], 1])
      expect(() => assertSigningSecret(value)).toThrow(TypeError);
  });
});
