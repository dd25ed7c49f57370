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

  it.each([
    "https://hooks.slack.com/services/T00/B00/xxxSECRET",
    "https://discord.com/api/webhooks/123/xxxSECRET",
    "https://discordapp.com/api/webhooks/123/xxxSECRET",
    "https://contoso.webhook.office.com/webhookb2/xxxSECRET/IncomingWebhook/a/b",
    "https://prod-1.westus.logic.azure.com:443/workflows/a/triggers/manual/paths/invoke?sig=xxxSECRET",
    "https://default1.environment.api.powerplatform.com/powerautomate/automations/direct/workflows/a/triggers/manual/paths/invoke?sig=xxxSECRET",
    "https://example.com/any/path?sig=xxxSECRET",
  ])("shows only origin and fingerprint for the credential URL %s", (url) => {
    const shown = redactUrl(url);
    expect(shown).not.toContain("xxxSECRET");
    expect(shown).toMatch(/^https:\/\/[^/]+\/…#[0-9a-f]{8}$/);
    expect(redactUrl(url)).toBe(shown);
  });

  it("tells two hooks on one host apart, and follows the secret option either way", () => {
    const a = redactUrl("https://hooks.slack.com/services/T0/B0/one");
    const b = redactUrl("https://hooks.slack.com/services/T0/B0/two");
    expect(a).not.toBe(b);
    expect(redactUrl("http://127.0.0.1:9/services/T/B/x", { secret: true })).toMatch(
      /^http:\/\/127\.0\.0\.1:9\/…#/,
    );
    expect(redactUrl("https://hooks.slack.com/services/T/B/x", { secret: false })).toBe(
      "https://hooks.slack.com/services/T/B/x",
    );
  });
});
