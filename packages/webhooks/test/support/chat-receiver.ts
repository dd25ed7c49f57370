/**
 * Local stand-ins for Slack, Discord and Teams Workflows webhooks: real HTTP
 * servers on 127.0.0.1 that check every body against the service's contract
 * and answer as the service does (success, its error for a bad body, or a
 * scripted error answer to test retries and disabling).
 *
 * @module
 */
import type { ServerResponse } from "node:http";
import type { Receiver } from "@attesta/test-support";
import { startTestReceiver } from "@attesta/test-support";
import { CONTRACTS } from "@attesta/test-support/chat-contracts";

export type Service = keyof typeof CONTRACTS;

/** One scripted answer: status, body and headers, as the service documents them. */
export interface ServiceAnswer {
  readonly status: number;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

export interface ChatReceiver extends Receiver {
  /** The contract problems of each request, in order (`[]` for a valid body). */
  readonly problems: string[][];
}

/** The service's documented answers. */
export const ANSWERS = {
  slack: {
    ok: { status: 200, body: "ok", headers: { "content-type": "text/html" } },
    invalidPayload: {
      status: 400,
      body: "invalid_payload",
      headers: { "content-type": "text/html" },
    },
    noText: { status: 400, body: "no_text", headers: { "content-type": "text/html" } },
    channelNotFound: {
      status: 404,
      body: "channel_not_found",
      headers: { "content-type": "text/html" },
    },
    channelIsArchived: {
      status: 410,
      body: "channel_is_archived",
      headers: { "content-type": "text/html" },
    },
    rateLimited: (seconds: number) => ({
      status: 429,
      body: "rate_limited",
      headers: { "content-type": "text/html", "retry-after": String(seconds) },
    }),
  },
  discord: {
    ok: { status: 204 },
    invalidFormBody: json(400, { message: "Invalid Form Body", code: 50035 }),
    unknownWebhook: json(404, { message: "Unknown Webhook", code: 10015 }),
    rateLimited: (seconds: number) =>
      json(429, { message: "You are being rate limited.", retry_after: seconds, global: false }),
  },
  teams: {
    ok: { status: 202 },
    badRequest: json(400, {
      error: { code: "InvalidRequestContent", message: "The request content is not valid." },
    }),
  },
} as const;

function json(status: number, body: unknown): ServiceAnswer {
  return { status, body: JSON.stringify(body), headers: { "content-type": "application/json" } };
}

function send(res: ServerResponse, answer: ServiceAnswer): void {
  res.writeHead(answer.status, answer.headers ?? {}).end(answer.body);
}

/**
 * Starts a receiver for `service` at a hook-like path (the path is the
 * credential, as in the real services). `script` answers the first
 * requests in order; after it, a valid body gets the success answer and an
 * invalid one the service's error. Closed after the current test.
 */
export async function startChatReceiver(
  service: Service,
  script: readonly ServiceAnswer[] = [],
  path = defaultPath(service),
): Promise<ChatReceiver> {
  const problems: string[][] = [];
  const receiver = await startTestReceiver((req, res, index) => {
    let body: unknown;
    try {
      body = JSON.parse(req.body.toString("utf8"));
    } catch {
      body = undefined;
    }
    const found =
      service === "teams" ? CONTRACTS.teams(body, req.body.length) : CONTRACTS[service](body);
    problems.push(found);
    const scripted = script[index];
    if (scripted !== undefined) return send(res, scripted);
    if (found.length === 0) return send(res, ANSWERS[service].ok);
    const refused: Record<Service, ServiceAnswer> = {
      slack: found[0]?.startsWith("no_text") ? ANSWERS.slack.noText : ANSWERS.slack.invalidPayload,
      discord: ANSWERS.discord.invalidFormBody,
      teams: ANSWERS.teams.badRequest,
    };
    send(res, refused[service]);
  }, path);
  return { ...receiver, problems };
}

function defaultPath(service: Service): string {
  if (service === "slack") return "/services/T2SECRET/B2SECRET/zSECRETz";
  if (service === "discord") return "/api/webhooks/123456/dSECRETd";
  return "/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=tSECRETt";
}
