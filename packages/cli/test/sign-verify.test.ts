/**
 * `attesta sign` and `attesta verify`: the signed byte range and why a check fails.
 */
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./support/cli";

// The example of the root README's "Wire format" section, with its known signature.
const BODY =
  '{"event":"APPROVED","timestamp":"2025-06-15T14:32:18.123+00:00","data":{"agent_id":"agent-billing-7","action_name":"issue_refund","risk_score":0.34,"risk_level":"medium"}}';
const SIGNATURE = "sha256=158882b962de45c4f9d2606fa9b6a4dce19cc11f006f3ef6a2a0d7f2dad8d445";
const SECRET = "whsec_test";
const hmac = (body: string, key: string) =>
  `sha256=${createHmac("sha256", key).update(body).digest("hex")}`;

const dir = mkdtempSync(join(tmpdir(), "attesta-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function verifyJson(args: string[], input?: string) {
  const result = await runCli(["verify", "--json", ...args], input === undefined ? {} : { input });
  return { code: result.code, stderr: result.stderr, verdict: JSON.parse(result.stdout || "{}") };
}

describe("attesta sign", () => {
  it("prints the known signature and says it covers every byte of the body", async () => {
    const result = await runCli(["sign", "--body", BODY, "--secret", SECRET]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines[0]).toBe(`X-Attesta-Signature: ${SIGNATURE}`);
    expect(lines[1]).toBe(
      `signed: X-Attesta-Signature covers bytes 0–${BODY.length - 1} (all ${BODY.length} bytes) of the body, exactly as given; HMAC-SHA256 keyed with the secret's 10 UTF-8 bytes`,
    );
    expect(lines[2]).toMatch(/^body sha256: [0-9a-f]{64}$/);
    expect(lines).toHaveLength(3);
  });

  it("signs a file byte for byte and warns about its trailing newline", async () => {
    const path = file("body-newline.json", `${BODY}\n`);
    const result = await runCli(["sign", "--body", `@${path}`, "--secret", SECRET, "--json"]);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out.headers["x-attesta-signature"]).toBe(hmac(`${BODY}\n`, SECRET));
    expect(out.signed_range).toEqual({ start: 0, end: BODY.length, length: BODY.length + 1 });
    expect(out.notes[0]).toMatch(/^the body ends with 0x0a \("\\n"\), which is signed too/);
  });

  it("reads the body from stdin", async () => {
    const result = await runCli(["sign", "--secret", SECRET, "--json"], { input: BODY });
    expect(JSON.parse(result.stdout).headers["x-attesta-signature"]).toBe(SIGNATURE);
  });

  it("refuses two secrets: a sender signs with one", async () => {
    const result = await runCli(["sign", "--body", BODY, "--secret", "a", "--secret", "b"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "attesta sign signs X-Attesta-Signature with one secret; got 2. Fix:",
    );
  });

  it("exits 3 with the path when the body file cannot be read", async () => {
    const result = await runCli([
      "sign",
      "--body",
      `@${join(dir, "missing.json")}`,
      "--secret",
      "s",
    ]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/cannot read ".*missing\.json" \(ENOENT\)\. Fix: check the path/);
  });
});

describe("attesta verify", () => {
  it("verifies a correct signature (exit 0) and states the signed range", async () => {
    const result = await runCli([
      "verify",
      "--body",
      BODY,
      "--signature",
      SIGNATURE,
      "--secret",
      SECRET,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "✓ verified\n  signed with secret #1 over the body as received\n",
    );
    expect(result.stdout).toContain(`bytes 0–${BODY.length - 1} (all ${BODY.length} bytes)`);
  });

  it("names the matching secret during a rotation", async () => {
    const { code, verdict } = await verifyJson([
      "--body",
      BODY,
      "--signature",
      SIGNATURE,
      "--secret",
      "whsec_new",
      "--secret",
      SECRET,
    ]);
    expect(code).toBe(0);
    expect(verdict).toMatchObject({ ok: true, code: "verified", secret: 2 });
  });

  it("calls a different secret a secret mismatch (exit 1), with what each secret would sign", async () => {
    const result = await runCli([
      "verify",
      "--body",
      BODY,
      "--signature",
      SIGNATURE,
      "--secret",
      "whsec_other",
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      "✗ secret_mismatch\n  secret mismatch: the sender signs with a different secret than the one given (the body is intact: compact JSON, ",
    );
    expect(result.stdout).toContain(
      `with secret #1 the header would be ${hmac(BODY, "whsec_other").slice(0, 23)}…`,
    );
    expect(result.stdout).toContain(`the request has ${SIGNATURE.slice(0, 23)}…`);
  });

  it("finds a trailing newline added after signing and the first differing byte", async () => {
    const path = file("received.json", `${BODY}\n`);
    const { code, verdict } = await verifyJson([
      "--body",
      `@${path}`,
      "--signature",
      SIGNATURE,
      "--secret",
      SECRET,
    ]);
    expect(code).toBe(1);
    expect(verdict).toMatchObject({
      code: "body_changed",
      body_bytes: BODY.length + 1,
      signed_bytes: BODY.length,
      first_difference: BODY.length,
      secret: 1,
    });
    expect(verdict.reason).toContain(
      `the signature was computed over ${BODY.length} bytes; the body you gave is ${BODY.length + 1} bytes; ` +
        `first differing byte at offset ${BODY.length}: body has 0x0a ("\\n"), signed bytes have end of body`,
    );
  });

  it("recognises JSON that was re-serialised (pretty-printed) after signing", async () => {
    const pretty = JSON.stringify(JSON.parse(BODY), null, 2);
    const { code, verdict } = await verifyJson(
      ["--signature", SIGNATURE, "--secret", SECRET],
      pretty,
    );
    expect(code).toBe(1);
    expect(verdict).toMatchObject({
      code: "body_changed",
      signed_bytes: BODY.length,
      first_difference: 1,
    });
    expect(verdict.reason).toContain("the JSON was re-serialised after signing");
    expect(verdict.reason).toContain('body has 0x0a ("\\n"), signed bytes have 0x22 ("\\"")');
  });

  it.each([
    [
      "a secret with a trailing newline",
      `${SECRET}\n`,
      SECRET,
      "the sender's secret ends with a newline",
    ],
    ["a secret used without its whsec_ prefix", "test", SECRET, 'without its "whsec_" prefix'],
    [
      "surrounding whitespace in the secret given",
      SECRET,
      ` ${SECRET} `,
      "has surrounding whitespace",
    ],
  ])("explains %s", async (_name, senderSecret, receiverSecret, why) => {
    const { code, verdict } = await verifyJson([
      "--body",
      BODY,
      "--signature",
      hmac(BODY, senderSecret),
      "--secret",
      receiverSecret,
    ]);
    expect(code).toBe(1);
    expect(verdict.code).toBe("secret_variant");
    expect(verdict.reason).toContain(why);
  });

  it("reports a missing header and a malformed one, and whether only the formatting is wrong", async () => {
    const missing = await verifyJson([
      "--body",
      BODY,
      "--header",
      "Content-Type: application/json",
      "--secret",
      SECRET,
    ]);
    expect(missing.code).toBe(1);
    expect(missing.verdict.code).toBe("missing_signature");
    const upper = await verifyJson([
      "--body",
      BODY,
      "--signature",
      SIGNATURE.toUpperCase(),
      "--secret",
      SECRET,
    ]);
    expect(upper.verdict.code).toBe("malformed_signature");
    expect(upper.verdict.reason).toBe(
      'malformed X-Attesta-Signature: the prefix is "SHA256="; it must be lower-case; the digest uses upper-case hex; it must be lower-case; the digest itself matches secret #1, only its formatting is wrong',
    );
    const sha1 = await verifyJson([
      "--body",
      BODY,
      "--signature",
      `sha1=${"a".repeat(40)}`,
      "--secret",
      SECRET,
    ]);
    expect(sha1.verdict.reason).toContain('starts with "sha1=" instead of "sha256="');
    expect(sha1.verdict.reason).toContain("40 is the length of a SHA-1 digest");
  });

  it("reads headers from a raw HTTP request dump", async () => {
    const dump = file(
      "request.http",
      `POST /webhooks/attesta HTTP/1.1\r\nContent-Type: application/json\r\nX-Attesta-Signature:  ${SIGNATURE} \r\n\r\n${BODY}`,
    );
    const result = await runCli([
      "verify",
      "--headers",
      `@${dump}`,
      "--body",
      BODY,
      "--secret",
      SECRET,
    ]);
    expect(result.code).toBe(0);
  });

  it("refuses a header line without a colon (exit 2)", async () => {
    const result = await runCli([
      "verify",
      "--header",
      "X-Attesta-Signature sha256=00",
      "--body",
      "{}",
      "--secret",
      "s",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not a "Name: value" header line. Fix:');
  });
});
