/**
 * `attesta send` and `attesta trigger` against real receivers, and their failures.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deadUrl, startTestReceiver } from "@attesta/test-support";
import { verifySignature } from "@attesta/verify";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./support/cli";

const SECRET = "whsec_send_test";
const dir = mkdtempSync(join(tmpdir(), "attesta-send-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A receiver that records requests and answers `status` with `answer`; closed after the test. */
async function receiver(status: number, answer = "") {
  const started = await startTestReceiver(
    (_req, res) => res.writeHead(status, { "content-type": "application/json" }).end(answer),
    "/in",
  );
  return { url: started.url, received: started.requests };
}

describe("attesta send", () => {
  it("sends the wire format: compact body, signature, delivery id, event header", async () => {
    const target = await receiver(204);
    const data = join(dir, "data.json");
    writeFileSync(
      data,
      JSON.stringify({
        agent_id: "agent-7",
        action_name: "deploy",
        risk_score: 0.2,
        risk_level: "low",
      }),
    );
    const result = await runCli([
      "send",
      "APPROVED",
      "--url",
      target.url,
      "--secret",
      SECRET,
      "--data",
      `@${data}`,
      "--timestamp",
      "2025-06-15T14:32:18.123Z",
      "--header",
      "X-Trace: t-1",
    ]);
    expect(result.code).toBe(0);
    const [request] = target.received;
    expect(request?.body.toString()).toBe(
      '{"event":"APPROVED","timestamp":"2025-06-15T14:32:18.123+00:00","data":{"agent_id":"agent-7","action_name":"deploy","risk_score":0.2,"risk_level":"low"}}',
    );
    expect(
      verifySignature(request!.body, request!.headers["x-attesta-signature"] as string, SECRET),
    ).toBe(true);
    expect(request?.headers).toMatchObject({
      "content-type": "application/json",
      "x-attesta-event": "approved",
      "x-trace": "t-1",
    });
    expect(request?.headers["x-attesta-delivery"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(request?.headers["user-agent"]).toMatch(/^attesta-cli\/\d+\.\d+\.\d+/);
  });

  it("exits 1 on a non-2xx answer and shows the answer", async () => {
    const target = await receiver(422, '{"error":"nope"}');
    const result = await runCli([
      "send",
      "denied",
      "--url",
      target.url,
      "--secret",
      SECRET,
      "--json",
    ]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({
      event: "DENIED",
      status: 422,
      ok: false,
      response: '{"error":"nope"}',
    });
  });

  it("exits 3 with a fix when nothing listens at the URL", async () => {
    const url = await deadUrl();
    const result = await runCli(["send", "approved", "--url", url, "--secret", SECRET]);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      `@attesta/cli: could not deliver to ${url}: ECONNREFUSED. Fix: check that the receiver is running and the URL's host and port are right (e.g. start one with attesta listen).\n`,
    );
  });

  it("refuses --data that is not the event's payload, and --force sends it with a warning", async () => {
    const target = await receiver(204);
    const file = join(dir, "foo.json");
    writeFileSync(file, '{"foo":1}');
    const args = [
      "send",
      "approved",
      "--url",
      target.url,
      "--secret",
      SECRET,
      "--data",
      `@${file}`,
    ];
    const refused = await runCli(args);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      "--data data is not an APPROVED payload: it lacks agent_id, action_name, risk_score, risk_level",
    );
    expect(refused.stderr).toContain("pass --force to send it anyway");
    expect(target.received).toHaveLength(0);
    const forced = await runCli([...args, "--force"]);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain("warning: --data data is not an APPROVED payload");
    expect(target.received.map((request) => JSON.parse(request.body.toString()).data)).toEqual([
      { foo: 1 },
    ]);
  });

  it.each([
    { data: "[1]", message: "--data must be a JSON object (the event's data). Fix:" },
    { data: "{", message: "--data is not valid JSON" },
  ])("refuses --data $data before sending (exit 2)", async ({ data, message }) => {
    const result = await runCli([
      "send",
      "approved",
      "--url",
      "http://127.0.0.1:9/",
      "--secret",
      "s",
      "--data",
      data,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

const triggerCases = [
  {
    name: "sends only the named events, and exits 1 when one is refused",
    events: ["approved", "denied"],
    status: 500,
    code: 1,
    sent: ["approved", "denied"],
    summary: "0 of 2 accepted",
  },
  {
    name: "refuses an unknown event before sending anything (exit 2)",
    events: ["approved", "rejected"],
    status: 204,
    code: 2,
    sent: [],
    summary: "",
  },
];

describe("attesta trigger", () => {
  for (const { name, events, status, code, sent, summary } of triggerCases) {
    it(name, async () => {
      const target = await receiver(status);
      const result = await runCli(["trigger", ...events, "--url", target.url, "--secret", SECRET]);
      expect(result.code).toBe(code);
      expect(target.received.map((request) => request.headers["x-attesta-event"])).toEqual(sent);
      expect(result.stdout.trim().split("\n").at(-1)).toBe(summary);
    });
  }
});
