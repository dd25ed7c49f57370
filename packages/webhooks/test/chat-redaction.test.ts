/**
 * Hook URLs whose path is the credential never reach a log line, an error,
 * a dead letter, an operator event, a span or metric attribute, the delivery
 * records or the admin views: every output is collected and searched for
 * the path secrets.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventBus } from "@attesta/events";
import { defer, startTestReceiver, until } from "@attesta/test-support";
import { describe, expect, it } from "vitest";
import { dispatcherAdmin, redactUrl, WebhookDispatcher } from "../src/index";
import { SqliteStore } from "../src/sqlite/index";
import { ANSWERS, startChatReceiver } from "./support/chat-receiver";
import { sampleData } from "./support/events";
import { installInMemoryOtel } from "./support/in-memory-otel";

const { spans, collect } = installInMemoryOtel();

/** Every string reachable in a value, errors with their message, stack and cause. */
function text(value: unknown, seen = new Set<unknown>()): string {
  if (value === null || value === undefined) return "";
  if (typeof value !== "object") return String(value);
  if (seen.has(value)) return "";
  seen.add(value);
  if (value instanceof Error) {
    return `${value.name} ${value.message} ${value.stack ?? ""} ${text(value.cause, seen)} ${text({ ...value }, seen)}`;
  }
  if (value instanceof Uint8Array) return "";
  return Object.entries(value)
    .map(([key, inner]) => `${key}=${text(inner, seen)}`)
    .join(" ");
}

describe("chat hook URLs are redacted everywhere", () => {
  it("keeps the path secrets out of logs, errors, letters, events, spans, metrics, records and admin views", async () => {
    const dir = mkdtempSync(join(tmpdir(), "attesta-redact-"));
    defer(async () => rmSync(dir, { recursive: true, force: true }));
    const gone = await startChatReceiver(
      "slack",
      [ANSWERS.slack.channelNotFound],
      "/services/T3SECRET/B3SECRET/gSECRETg",
    );
    const failing = await startTestReceiver(
      (_req, res) => void res.writeHead(500).end(),
      "/private/hSECRETh",
    );
    const outputs: unknown[] = [];
    const log = (level: string) => (message: string, fields?: Record<string, unknown>) =>
      outputs.push(level, message, fields);
    const bus = new EventBus();
    const dispatcher = new WebhookDispatcher(
      bus,
      [
        {
          id: "refused",
          url: "http://127.0.0.1:9/services/T2SECRET/B2SECRET/zSECRETz",
          format: "slack",
          retryCount: 1,
          retryBaseDelayMs: 1,
          retryMinDelayMs: 1,
        },
        { id: "gone", url: gone.url, format: "slack", retryCount: 0 },
        { id: "generic", url: failing.url, secretUrl: true, retryCount: 0 },
      ],
      {
        store: new SqliteStore({ path: join(dir, "webhooks.db") }),
        logger: { debug: log("debug"), warn: log("warn"), error: log("error") },
        onAttempt: (attempt) => outputs.push(attempt, attempt.error),
        onDeadLetter: (letter) => outputs.push(letter),
      },
    );
    dispatcher.events.onAny((event) => outputs.push(event));
    for (const type of ["denied", "approved"] as const) bus.emit({ type, data: sampleData(type) });
    await until(() => dispatcher.deliveries.list({ status: "pending" }).length === 0, 15_000);
    const admin = dispatcherAdmin(dispatcher);
    outputs.push(dispatcher.deliveries.list({}), dispatcher.endpoints(), dispatcher.stats());
    outputs.push(await admin.endpoints(), await admin.deliveries({}));
    outputs.push(await dispatcher.close({ deadlineMs: 2000 }));
    outputs.push(await collect());
    outputs.push(
      spans
        .getFinishedSpans()
        .map((span) => [span.name, span.attributes, span.events, span.status]),
    );
    const everything = text(outputs);

    // The scenario happened: a refused connection, a gone channel, a failing generic endpoint.
    expect(everything).toContain("could not be reached");
    expect(everything).toContain("channel_not_found");
    expect(everything).toContain("answered HTTP 500");
    expect(spans.getFinishedSpans().length).toBeGreaterThan(0);
    for (const secret of ["T2SECRET", "B2SECRET", "zSECRETz", "T3SECRET", "gSECRETg", "hSECRETh"]) {
      expect(everything).not.toContain(secret);
    }
    // Endpoints stay distinguishable: origin and a stable fingerprint.
    expect(everything).toContain(
      redactUrl("http://127.0.0.1:9/services/T2SECRET/B2SECRET/zSECRETz", { secret: true }),
    );
    expect(everything).toMatch(/http:\/\/127\.0\.0\.1:9\/…#[0-9a-f]{8}/);
  });
});
