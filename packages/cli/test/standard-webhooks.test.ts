/**
 * `--scheme standard-webhooks|both|any` on `verify` and `listen`: requests
 * signed here with node:crypto, following the Standard Webhooks spec.
 */
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { runCli, startListen } from "./support/cli";

const BODY =
  '{"event":"DENIED","timestamp":"2025-06-15T14:32:18.123+00:00","data":{"agent_id":"a","action_name":"b"}}';
// whsec_ + base64 of 24 bytes.
const SECRET = `whsec_${Buffer.from("attesta-cli-test-key-24b").toString("base64")}`;
const ATTESTA_SECRET = "whsec_attesta_side";

function standardHeaders(
  body: string,
  options: { secret?: string; key?: Buffer; id?: string; timestamp?: number } = {},
) {
  const id = options.id ?? "msg_2gQ1cQ5Yz";
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const key = options.key ?? Buffer.from((options.secret ?? SECRET).slice(6), "base64");
  const signature = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  return {
    "webhook-id": id,
    "webhook-timestamp": timestamp,
    "webhook-signature": `v1,${signature}`,
  };
}

const headerArgs = (headers: Record<string, string>) =>
  Object.entries(headers).flatMap(([name, value]) => ["--header", `${name}: ${value}`]);

async function verify(headers: Record<string, string>, args: string[], body = BODY) {
  const result = await runCli([
    "verify",
    "--json",
    "--body",
    body,
    ...headerArgs(headers),
    ...args,
  ]);
  return { code: result.code, verdict: JSON.parse(result.stdout || "{}"), stderr: result.stderr };
}

describe("Standard Webhooks", () => {
  it("verifies webhook-signature and states the signed layout id.timestamp.body", async () => {
    const headers = standardHeaders(BODY);
    const { code, verdict } = await verify(headers, [
      "--scheme",
      "standard-webhooks",
      "--secret",
      SECRET,
    ]);
    expect(code).toBe(0);
    expect(verdict).toMatchObject({ ok: true, code: "verified", secret: 1 });
    const prefix = `${headers["webhook-id"]}.${headers["webhook-timestamp"]}.`.length;
    expect(verdict.details[0]).toContain(
      `then the body at offsets ${prefix}–${prefix + BODY.length - 1} (${BODY.length} bytes), ${prefix + BODY.length} bytes in all`,
    );
  });

  it("refuses a timestamp outside the tolerance even with a valid signature", async () => {
    const headers = standardHeaders(BODY, { timestamp: Math.floor(Date.now() / 1000) - 3 * 3600 });
    const { code, verdict } = await verify(headers, [
      "--scheme",
      "standard-webhooks",
      "--secret",
      SECRET,
    ]);
    expect(code).toBe(1);
    expect(verdict.code).toBe("timestamp_out_of_tolerance");
    expect(verdict.reason).toMatch(
      /^the signature is valid, but webhook-timestamp is 3 h in the past; the tolerance is 300 s/,
    );
    const wide = await verify(headers, [
      "--scheme",
      "standard-webhooks",
      "--secret",
      SECRET,
      "--tolerance",
      "20000",
    ]);
    expect(wide.code).toBe(0);
  });

  it("recognises a sender that keys the HMAC with the secret's text instead of its base64 bytes", async () => {
    const headers = standardHeaders(BODY, { key: Buffer.from(SECRET) });
    const { verdict } = await verify(headers, [
      "--scheme",
      "standard-webhooks",
      "--secret",
      SECRET,
    ]);
    expect(verdict.code).toBe("secret_variant");
    expect(verdict.reason).toContain("keys the HMAC with the secret's text");
  });

  it("finds a body changed after signing", async () => {
    const headers = standardHeaders(BODY);
    const { verdict } = await verify(
      headers,
      ["--scheme", "standard-webhooks", "--secret", SECRET],
      `${BODY}\r\n`,
    );
    expect(verdict).toMatchObject({
      code: "body_changed",
      signed_bytes: BODY.length,
      first_difference: BODY.length,
    });
  });

  it("with any, accepts either scheme; with both, needs both", async () => {
    const standard = standardHeaders(BODY);
    const attesta = {
      "x-attesta-signature": `sha256=${createHmac("sha256", ATTESTA_SECRET).update(BODY).digest("hex")}`,
    };
    const secrets = ["--secret", ATTESTA_SECRET, "--secret", SECRET];
    expect((await verify(standard, ["--scheme", "any", ...secrets])).code).toBe(0);
    expect((await verify(attesta, ["--scheme", "any", ...secrets])).code).toBe(0);
    const onlyOne = await verify(attesta, ["--scheme", "both", ...secrets]);
    expect(onlyOne.code).toBe(1);
    expect(onlyOne.verdict.reason).toMatch(
      /^webhook-signature: no webhook-id, webhook-timestamp, webhook-signature headers/,
    );
    expect((await verify({ ...attesta, ...standard }, ["--scheme", "both", ...secrets])).code).toBe(
      0,
    );
    const neither = await verify({}, ["--scheme", "attesta", ...secrets]);
    expect(neither.verdict.code).toBe("missing_signature");
  });

  it("listen --scheme standard-webhooks verifies a real request and refuses a stale one", async () => {
    const listener = await startListen(["--scheme", "standard-webhooks", "--secret", SECRET]);
    const post = (headers: Record<string, string>) =>
      fetch(listener.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: BODY,
      });
    expect((await post(standardHeaders(BODY))).status).toBe(204);
    const stale = await post(standardHeaders(BODY, { timestamp: 1_600_000_000 }));
    expect(stale.status).toBe(401);
    expect(await stale.json()).toMatchObject({ code: "timestamp_out_of_tolerance" });
    expect(await listener.delivery(1)).toMatchObject({ event: "DENIED", verified: true });
    expect(await listener.delivery(2)).toMatchObject({
      verified: false,
      code: "timestamp_out_of_tolerance",
    });
  });
});

describe("sending with --scheme", () => {
  it("send --scheme both reaches listen --scheme both verified; sign gives the same headers verify accepts", async () => {
    const listener = await startListen(["--scheme", "both", "--secret", SECRET]);
    const sent = await runCli([
      "send",
      "escalated",
      "--url",
      listener.url,
      "--scheme",
      "both",
      "--secret",
      SECRET,
      "--json",
    ]);
    expect(sent.code, sent.stderr).toBe(0);
    expect(Object.keys(JSON.parse(sent.stdout).signatures).sort()).toEqual([
      "webhook-id",
      "webhook-signature",
      "webhook-timestamp",
      "x-attesta-signature",
    ]);
    expect(await listener.delivery(1)).toMatchObject({ event: "ESCALATED", verified: true });

    const signed = await runCli([
      "sign",
      "--body",
      BODY,
      "--scheme",
      "standard-webhooks",
      "--secret",
      SECRET,
      "--json",
    ]);
    const { headers } = JSON.parse(signed.stdout);
    const checked = await verify(headers, ["--scheme", "standard-webhooks", "--secret", SECRET]);
    expect(checked.verdict).toMatchObject({ ok: true, code: "verified", secret: 1 });
  });

  it("refuses a secret Standard Webhooks cannot use (exit 2)", async () => {
    const result = await runCli([
      "send",
      "approved",
      "--url",
      "http://127.0.0.1:9/",
      "--scheme",
      "standard-webhooks",
      "--secret",
      "not base64!",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Fix: Standard Webhooks needs whsec_ secrets");
  });
});
