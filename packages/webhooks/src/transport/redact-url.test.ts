import { describe, expect, it } from "vitest";
import { redactUrl } from "./redact-url";

describe("redactUrl", () => {
  it.each([
    ["https://user:PW@host:99999/", "https://REDACTED@host:99999/"],
    ["https://user:P@W@host/hook", "https://REDACTED@host/hook"],
    ["https://hooks.example.com/a/b?token=abc#x", "https://hooks.example.com/a/b?REDACTED"],
    ["https://hooks.example.com/a#secret", "https://hooks.example.com/a?REDACTED"],
    ["user:PW@host/hook", "REDACTED@host/hook"],
    ["ftp://u:p@x", "ftp://REDACTED@x"],
    ["https://hooks.example.com/attesta", "https://hooks.example.com/attesta"],
    ["not a url", "not a url"],
  ])("%s -> %s", (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });

  it("never keeps the password of a URL that does not parse", () => {
    const shown = redactUrl("https://user:PW@host:99999/");
    expect(() => new URL("https://user:PW@host:99999/")).toThrow();
    expect(shown).not.toContain("PW");
    expect(shown).not.toContain("user");
  });

  it("cuts long values", () => {
    expect(redactUrl(`https://h/${"a".repeat(500)}`)).toHaveLength(120);
  });
});
