/**
 * What the chat services mean by their error answers, beyond the status.
 *
 * @module
 */
import type { ReceiverError } from "./receiver-error";

/** The chat services whose answers are read here. */
export type AnsweringService = "slack" | "teams" | "discord";

/** How a service's answer changes the judgement of an attempt. */
export interface ServiceAnswer {
  /** The service's own error code (`"channel_not_found"`, Discord's `"10015"`). */
  readonly receiver: ReceiverError | undefined;
  /** A wait the service asked for in its body (Discord's `retry_after`, seconds). */
  readonly retryAfterMs: number | undefined;
}

/**
 * Receiver codes that say the destination is gone for good: the endpoint is
 * disabled (like 410 Gone) rather than retried. Slack: the channel was
 * deleted or archived, or the hook was revoked; Discord: `10015 Unknown Webhook`.
 */
const GONE_CODES: ReadonlySet<string> = new Set([
  "channel_not_found",
  "channel_is_archived",
  "no_service",
  "no_active_hooks",
  "10015",
]);

/**
 * Whether a failed attempt says its destination no longer exists: 410 Gone,
 * or a 404 whose receiver code is one of the services' "gone" codes.
 */
export function isGoneAnswer(
  status: number | undefined,
  receiverCode: string | undefined,
): boolean {
  if (status === 410) return true;
  return status === 404 && receiverCode !== undefined && GONE_CODES.has(receiverCode);
}

/**
 * Reads a chat service's error body. Slack answers with a bare code as the
 * body (`invalid_payload`, `channel_not_found`), whatever its content type;
 * Discord with `{ "message", "code", "retry_after" }`.
 */
export function readServiceAnswer(
  service: AnsweringService,
  body: string | undefined,
  generic: ReceiverError | undefined,
): ServiceAnswer {
  const text = body?.trim() ?? "";
  if (service === "slack" && /^[a-z_]{1,64}$/.test(text)) {
    return { receiver: { code: text }, retryAfterMs: undefined };
  }
  if (service === "discord" && text.startsWith("{")) {
    return { receiver: generic, retryAfterMs: discordRetryAfter(text) };
  }
  return { receiver: generic, retryAfterMs: undefined };
}

function discordRetryAfter(text: string): number | undefined {
  try {
    const value = (JSON.parse(text) as { retry_after?: unknown }).retry_after;
    return typeof value === "number" && Number.isFinite(value) && value >= 0
      ? Math.ceil(value * 1000)
      : undefined;
  } catch {
    return undefined;
  }
}
