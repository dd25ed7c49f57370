import { describe, expect, it } from "vitest";
import { closestName, unknownKey } from "./closest-name";
import { editDistance } from "./edit-distance";

describe("editDistance", () => {
  it("counts insertions, deletions, substitutions and adjacent swaps as one edit each", () => {
    expect(editDistance("secret", "secret")).toBe(0);
    expect(editDistance("secrt", "secret")).toBe(1);
    expect(editDistance("secrets", "secret")).toBe(1);
    expect(editDistance("secrat", "secret")).toBe(1);
    expect(editDistance("secert", "secret")).toBe(1);
    expect(editDistance("", "url")).toBe(3);
  });
});

describe("closestName", () => {
  const known = ["denyPrivate", "allow", "deadlineMs", "url", "secret"];

  it("suggests a name within a third of the typed one's length, ignoring case", () => {
    expect(closestName("denyPrivat", known)).toBe("denyPrivate");
    expect(closestName("DENYPRIVATE", known)).toBe("denyPrivate");
    expect(closestName("deadline", known)).toBe("deadlineMs");
    expect(closestName("secert", known)).toBe("secret");
  });

  it("suggests nothing when every name is further away", () => {
    expect(closestName("timeout", known)).toBeUndefined();
    expect(closestName("secr", known)).toBeUndefined();
    expect(closestName("", known)).toBeUndefined();
  });

  it("takes a prefix of exactly one name when asked to", () => {
    expect(closestName("secr", known, { prefix: true })).toBe("secret");
    expect(closestName("de", known, { prefix: true })).toBeUndefined();
  });

  it("keeps the first of equally close names", () => {
    expect(closestName("ab", ["ac", "ad"])).toBe("ac");
  });
});

describe("unknownKey", () => {
  it("names the first key that is not known, with its closest known name", () => {
    expect(unknownKey({ allow: [], denyPrivat: true }, ["denyPrivate", "allow"])).toEqual({
      key: "denyPrivat",
      meant: "denyPrivate",
    });
    expect(unknownKey({ zzz: 1 }, ["denyPrivate"])).toEqual({ key: "zzz", meant: undefined });
  });

  it("finds nothing when every key is known, or there are none", () => {
    expect(unknownKey({ allow: [] }, ["allow"])).toBeUndefined();
    expect(unknownKey({}, [])).toBeUndefined();
  });
});
