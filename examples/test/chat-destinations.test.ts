/**
 * The chat-destinations example against local receivers: a stand-in for a
 * Slack incoming webhook that checks every body against Slack's message
 * contract (and answers as Slack does), and the Koa receiver example
 * verifying the audit endpoint's signatures.
 */
import { startReceiver } from "@attesta/test-support";
import { slackProblems } from "@attesta/test-support/chat-contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningExample, runExample, startExample } from "./run-example";

const SECRET = "whsec_audit_9b2e";

interface SlackStub {
  url: string;
  bodies: unknown[];
  problems: string[][];
  close(): Promise<void>;
}

async function startSlackStub(): Promise<SlackStub> {
  const bodies: unknown[] = [];
  const problems: string[][] = [];
  // Lives for the whole describe block: startReceiver, closed in afterAll.
  const receiver = await startReceiver((req, res) => {
    const body = JSON.parse(req.body.toString("utf8")) as unknown;
    const found = slackProblems(body);
    bodies.push(body);
    problems.push(found);
    // Slack's answers: 200 "ok", or 400 with the reason as plain text.
    const answer =
      found.length === 0 ? "ok" : found[0]?.startsWith("no_text") ? "no_text" : "invalid_payload";
    res.writeHead(found.length === 0 ? 200 : 400, { "content-type": "text/html" }).end(answer);
  }, "/services/T0EXAMPLE/B0EXAMPLE/xSECRETx");
  return { url: receiver.url, bodies, problems, close: receiver.close };
}

describe("the chat-destinations example (the Python docs' full example)", () => {
  let slack: SlackStub;
  let audit: RunningExample;

  beforeAll(async () => {
    slack = await startSlackStub();
    audit = await startExample("koa-receiver.ts", { ATTESTA_WEBHOOK_SECRET: SECRET });
  });

  afterAll(async () => {
    await audit?.stop();
    await slack?.close();
  });

  it("tells Slack about the denial only, as a valid Slack message, and signs every event to the audit endpoint", async () => {
    const sent = await runExample("chat-destinations.ts", {
      SLACK_WEBHOOK_URL: slack.url,
      AUDIT_WEBHOOK_URL: audit.url,
      AUDIT_WEBHOOK_SECRET: SECRET,
    });
    expect(sent.code, sent.output).toBe(0);
    expect(sent.output).toContain("Sent; 0 undelivered.");
    expect(sent.output).not.toContain("xSECRETx");
    expect(slack.problems).toEqual([[]]);
    const [message] = slack.bodies as { text: string }[];
    expect(message?.text).toContain("Denied: drop_table by deploy-bot");
    await audit.waitForLine(/^APPROVED deploy by deploy-bot$/);
    await audit.waitForLine(/^DENIED drop_table by deploy-bot$/);
  });
});
