/**
 * `--format` of `send` and `trigger`: the body a dispatcher endpoint with
 * that `format` would send.
 *
 * @module
 */
import { usageError } from "./cli-error";

/** The formats the dispatcher has built in. */
export type BodyFormat = "attesta" | "slack" | "teams" | "discord";

const FORMATS: readonly BodyFormat[] = ["attesta", "slack", "teams", "discord"];

/** Reads `--format`; `attesta` (the signed Attesta payload) when absent. */
export function parseBodyFormat(value: string | undefined): BodyFormat {
  if (value === undefined) return "attesta";
  const format = value.toLowerCase() as BodyFormat;
  if (FORMATS.includes(format)) return format;
  throw usageError(
    `--format must be one of ${FORMATS.join(", ")}; got ${JSON.stringify(value)}.`,
    "pass e.g. --format slack for a Slack incoming webhook, or leave it out for the Attesta payload.",
  );
}

/** The exact body bytes of one event in `format`, as the dispatcher renders them. */
export async function renderBody(
  format: BodyFormat,
  event: { type: string; timestamp: number; data: unknown },
): Promise<{ body: Buffer; name: string }> {
  // Imported on first use: the dispatcher package loads its HTTP client with it.
  const { renderChatMessage, toWebhookPayload } = await import("@attesta/webhooks");
  const payload = toWebhookPayload(event as never);
  const message = format === "attesta" ? payload : renderChatMessage(format, event);
  return { body: Buffer.from(JSON.stringify(message)), name: payload.event };
}

/** `url` as the CLI prints it: a hook URL whose path is its credential shows only origin and fingerprint. */
export async function shownUrl(url: URL, format: BodyFormat): Promise<string> {
  const { redactUrl } = await import("@attesta/webhooks");
  return redactUrl(url.href, { secret: format === "attesta" ? undefined : true });
}
