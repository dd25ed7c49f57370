/**
 * `attesta listen` receiving from `attesta send`, `attesta trigger` and the real
 * WebhookDispatcher, forwarding to a real Express app, recording JSONL.
 */
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EVENT_TYPES, EventBus } from "@attesta/events";
import { deadUrl, defer } from "@attesta/test-support";
import { verifyAttesta } from "@attesta/verify/express";
import { WebhookDispatcher } from "@attesta/webhooks";
import express from "express";
import { afterAll, describe, expect, it } from "vitest";
import { runCli, startListen } from "./support/cli";

const SECRET = "whsec_listen_test";
const dir = mkdtempSync(join(tmpdir(), "attesta-listen-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A real Express app guarded by verifyAttesta, as the app under development.
 * Its own server, not startTestReceiver: the Express app itself is under test.
 */
async function startApp() {
  const received: string[] = [];
  const app = express();
  app.post("/webhooks/attesta", verifyAttesta({ secret: SECRET }), (req, res) => {
    received.push(req.attesta!.event);
    res.status(200).json({ stored: req.attesta!.event });
  });
  const server = app.listen(0, "127.0.0.1");
  defer(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/webhooks/attesta`, received };
}

describe("attesta listen", () => {
  it("verifies what attesta send signs, and refuses a wrong secret with the reason", async () => {
    const listener = await startListen(["--secret", SECRET]);
    const good = await runCli([
      "send",
      "approved",
      "--url",
      `${listener.url}/hooks`,
      "--secret",
      SECRET,
    ]);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/^✓ APPROVED\s+→ 204 No Content/);
    expect(await listener.delivery(1)).toMatchObject({
      event: "APPROVED",
      path: "/hooks",
      verified: true,
      status: 204,
      code: "verified",
    });

    const bad = await runCli(["send", "denied", "--url", listener.url, "--secret", "whsec_wrong"]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^✗ DENIED\s+→ 401 Unauthorized/);
    expect(bad.stdout).toContain('"code":"secret_mismatch"');
    const refused = await listener.delivery(2);
    expect(refused).toMatchObject({
      event: "DENIED",
      verified: false,
      status: 401,
      code: "secret_mismatch",
    });
    expect(refused.reason).toMatch(
      /^secret mismatch: the sender signs with a different secret than the one given \(the body is intact: compact JSON, \d+ bytes\)$/,
    );
    expect(refused.size).toBe(Buffer.byteLength(String(refused.body)));
  });

  it("prints one readable line per delivery without --json, and a summary when stopped", async () => {
    const { spawn } = await import("node:child_process");
    const { BIN, cleanEnv } = await import("./support/cli");
    const child = spawn(process.execPath, [BIN, "listen", "--port", "0", "--secret", SECRET], {
      env: cleanEnv(),
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const closed = once(child, "close");
    try {
      while (!/on http:\/\/127\.0\.0\.1:\d+/.test(stdout)) await once(child.stdout, "data");
      const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)![1]!;
      expect((await runCli(["send", "escalated", "--url", url, "--secret", SECRET])).code).toBe(0);
      expect((await runCli(["send", "escalated", "--url", url, "--secret", "nope"])).code).toBe(1);
    } finally {
      child.kill("SIGTERM");
    }
    const [code] = await closed;
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^attesta listen on http:\/\/127\.0\.0\.1:\d+ \(any path\)$/);
    expect(lines).toContain("  checking X-Attesta-Signature with 1 secret");
    const deliveries = lines.filter((line) => /^\d\d:\d\d:\d\d\.\d{3} {2}/.test(line));
    expect(deliveries).toHaveLength(2);
    expect(deliveries[0]).toMatch(/ESCALATED +✓ verified +\d+ B {2}signed with secret #1/);
    expect(deliveries[1]).toMatch(/ESCALATED +✗ 401 secret_mismatch +\d+ B {2}secret mismatch: /);
    expect(lines.at(-1)).toBe("2 received: 1 verified, 1 refused");
  });

  it("forwards only verified deliveries to a real Express app, which verifies them again", async () => {
    const app = await startApp();
    const listener = await startListen(["--secret", SECRET, "--forward-to", app.url]);
    const good = await runCli([
      "send",
      "approved",
      "--url",
      listener.url,
      "--secret",
      SECRET,
      "--json",
    ]);
    expect(good.code).toBe(0);
    // The sender gets the app's answer: exact bytes and signature reached it.
    expect(JSON.parse(good.stdout)).toMatchObject({
      status: 200,
      response: '{"stored":"APPROVED"}',
    });
    expect(await listener.delivery(1)).toMatchObject({
      verified: true,
      status: 200,
      forwarded: { url: app.url, status: 200 },
    });
    const bad = await runCli(["send", "denied", "--url", listener.url, "--secret", "whsec_wrong"]);
    expect(bad.code).toBe(1);
    expect(await listener.delivery(2)).toMatchObject({ verified: false, forwarded: null });
    expect(app.received).toEqual(["APPROVED"]);
  });

  it("answers 502 and says so when the forward target is down", async () => {
    const down = `${new URL(await deadUrl()).origin}/`;
    const listener = await startListen(["--secret", SECRET, "--forward-to", down]);
    const sent = await runCli(["send", "approved", "--url", listener.url, "--secret", SECRET]);
    expect(sent.code).toBe(1);
    expect(sent.stdout).toContain("→ 502 Bad Gateway");
    expect(await listener.delivery(1)).toMatchObject({
      verified: true,
      status: 502,
      forwarded: { url: down, error: "ECONNREFUSED" },
    });
  });

  it("appends every request to --jsonl, and verify --from re-checks any of them", async () => {
    const jsonl = join(dir, "deliveries.jsonl");
    const listener = await startListen(["--secret", SECRET, "--jsonl", jsonl, "--count", "2"]);
    await runCli(["send", "approved", "--url", listener.url, "--secret", SECRET]);
    await runCli(["send", "denied", "--url", listener.url, "--secret", `${SECRET}\n`]);
    // --count 2 stops it; one refused delivery makes the exit code 1.
    expect(await listener.exited).toBe(1);
    const records = readFileSync(jsonl, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(records.map((record) => [record.event, record.code])).toEqual([
      ["APPROVED", "verified"],
      ["DENIED", "secret_variant"],
    ]);
    expect(records[1].headers["x-attesta-signature"]).toMatch(/^sha256=[0-9a-f]{64}$/);

    const first = await runCli(["verify", "--from", jsonl, "--index", "1", "--secret", SECRET]);
    expect(first.code).toBe(0);
    const last = await runCli(["verify", "--from", jsonl, "--secret", SECRET, "--json"]);
    expect(last.code).toBe(1);
    expect(JSON.parse(last.stdout).reason).toContain("the sender's secret ends with a newline");
    const byId = await runCli([
      "verify",
      "--from",
      jsonl,
      "--id",
      records[0].delivery_id,
      "--secret",
      SECRET,
    ]);
    expect(byId.code).toBe(0);
    const outOfRange = await runCli([
      "verify",
      "--from",
      jsonl,
      "--index",
      "3",
      "--secret",
      SECRET,
    ]);
    expect(outOfRange.code).toBe(2);
    expect(outOfRange.stderr).toContain(
      "--index 3 is out of range; the file holds 2 deliveries. Fix:",
    );
  });

  it("verifies what the real WebhookDispatcher sends", async () => {
    const listener = await startListen(["--secret", SECRET]);
    const bus = new EventBus();
    const dispatcher = new WebhookDispatcher(
      bus,
      [{ url: `${listener.url}/webhooks/attesta`, secret: SECRET }],
      {
        logger: null,
      },
    );
    bus.emit({
      type: "approved",
      data: { agent_id: "a-1", action_name: "deploy", risk_score: 0.1, risk_level: "low" },
    });
    bus.emit({
      type: "audit_logged",
      data: {
        agent_id: "a-1",
        action_name: "deploy",
        audit_id: "x",
        verdict: "approved",
        risk_score: 0.1,
        risk_level: "low",
      },
    });
    const report = await dispatcher.close({ deadlineMs: 10_000 });
    expect(report.undelivered).toHaveLength(0);
    const events = [await listener.delivery(1), await listener.delivery(2)].map((record) => [
      record.event,
      record.verified,
    ]);
    expect(events.sort()).toEqual([
      ["APPROVED", true],
      ["AUDIT_LOGGED", true],
    ]);
  });

  it("receives all eight fixtures from attesta trigger, in pipeline order", async () => {
    const listener = await startListen(["--secret", SECRET]);
    const result = await runCli(["trigger", "--url", listener.url, "--secret", SECRET]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split("\n").at(-1)).toBe("8 of 8 accepted");
    const records = await Promise.all(EVENT_TYPES.map((_, index) => listener.delivery(index + 1)));
    expect(records.map((record) => record.event)).toEqual(
      EVENT_TYPES.map((type) => type.toUpperCase()),
    );
    expect(records.every((record) => record.verified === true)).toBe(true);
    const data = records.map((record) => JSON.parse(String(record.body)).data);
    expect(data[0]).toMatchObject({ agent_id: "agent-billing-7", risk_level: "medium" });
    expect(data[3]).toMatchObject({ challenge_id: data[2].challenge_id, passed: true });
    expect(data[7]).toMatchObject({ verdict: "approved" });
  });

  it("exits 3 with a fix when the port is taken", async () => {
    const listener = await startListen(["--secret", SECRET]);
    const result = await runCli(["listen", "--secret", SECRET, "--port", String(listener.port)]);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      `@attesta/cli: cannot listen on 127.0.0.1:${listener.port} (EADDRINUSE). Fix: stop the other process, or pass another --port (--port 0 picks a free one).\n`,
    );
  });

  it("says so when a verified payload is not an Attesta event of its type", async () => {
    const listener = await startListen(["--secret", SECRET]);
    const sent = await runCli([
      "send",
      "approved",
      "--url",
      listener.url,
      "--secret",
      SECRET,
      "--data",
      '{"foo":1}',
      "--force",
    ]);
    expect(sent.code).toBe(0);
    expect(await listener.delivery(1)).toMatchObject({
      verified: true,
      status: 204,
      note: "data is not an APPROVED payload: it lacks agent_id, action_name, risk_score, risk_level",
    });
    const fine = await runCli(["send", "approved", "--url", listener.url, "--secret", SECRET]);
    expect(fine.code).toBe(0);
    expect(await listener.delivery(2)).not.toHaveProperty("note");
  });

  it("refuses a body that is signed but is not an Attesta payload (400)", async () => {
    const listener = await startListen(["--secret", SECRET]);
    const body = '{"hello":"world"}';
    const signature = (await runCli(["sign", "--body", body, "--secret", SECRET, "--json"])).stdout;
    const response = await fetch(listener.url, {
      method: "POST",
      headers: JSON.parse(signature).headers,
      body,
    });
    expect(response.status).toBe(400);
    expect(await listener.delivery(1)).toMatchObject({
      verified: false,
      status: 400,
      code: "invalid_payload",
    });
  });
});
