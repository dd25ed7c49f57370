/**
 * The per-endpoint `format` option: what body an endpoint receives.
 *
 * @module
 */
import type { PipelineEvents } from "@attesta/events";
import type { DispatchableEvent } from "../dispatchable-event";
import { WebhookFormatError } from "../errors";
import { invalidOption } from "../options/invalid-option";
import { toWebhookPayload } from "../router/to-webhook-payload";
import { checkEnvelope, type FormattedBody, isFormatOutput } from "./formatted-body";
import { type ChatService, renderChatMessage } from "./render-chat-message";

export type { FormatOutput, FormattedBody } from "./formatted-body";
export type { ChatService } from "./render-chat-message";

/** The built-in formats: the Attesta wire payload (default) or a chat service's message. */
export type BuiltinFormat = "attesta" | ChatService;

/** The Attesta wire payload of one event of a bus with event map `Events`. */
export type FormatPayload<Events extends object = PipelineEvents> = {
  [K in keyof Events & string]: { event: Uppercase<K>; timestamp: string; data: Events[K] };
}[keyof Events & string];

/** What a format function gets besides the payload. */
export interface FormatContext {
  /** The endpoint the body is for. */
  readonly endpointId: string;
  /** The bus event type, as emitted (`"denied"`). */
  readonly type: string;
  /** Epoch ms of the event. */
  readonly time: number;
  /** The built-in chat messages of this event, to adjust rather than rebuild. */
  readonly builtin: Readonly<Record<ChatService, () => Record<string, unknown>>>;
}

/**
 * A custom format: returns the body for one event. A string or `Uint8Array`
 * is sent as it is; any other value is sent as its JSON, with `Content-Type:
 * application/json`. To send another content type or extra headers, return
 * `{ body, contentType, headers }` (`body` as above, `contentType` and/or
 * `headers`, no other key): they are stored with the delivery and sent with
 * every attempt. The signature is always over the exact body bytes, and the
 * headers may not set `content-type`, `content-length`, `host`, the
 * signature or the identity headers. Throwing, or a refused header,
 * dead-letters that one delivery (`"format_failed"`).
 *
 * @example
 * ```ts
 * import type { FormatFunction } from "@attesta/webhooks";
 *
 * const format: FormatFunction = (payload) => ({
 *   body: `${payload.event}: ${payload.data.agent_id}`,
 *   contentType: "text/plain; charset=utf-8",
 *   headers: { "x-team": "payments" },
 * });
 * ```
 */
export type FormatFunction<Events extends object = PipelineEvents> = (
  payload: FormatPayload<Events>,
  context: FormatContext,
) => unknown;

/** The `format` of an endpoint: a built-in name or a function. */
export type EndpointFormat<Events extends object = PipelineEvents> =
  | BuiltinFormat
  | FormatFunction<Events>;

/** A resolved non-default format: renders one event's body for one endpoint. */
export interface ResolvedFormat {
  readonly name: ChatService | "custom";
  /** Set for the built-in chat formats: whose answers the transport reads. */
  readonly service: ChatService | undefined;
  /** The body bytes, with a custom format's content type and headers; throws `WebhookFormatError`. */
  render(event: DispatchableEvent, endpointId: string): FormattedBody;
}

/**
 * Validates `format`: `undefined` for the default Attesta payload (bodies
 * stay byte-identical to the Python library), else the renderer.
 */
export function resolveFormat(value: unknown, at: string): ResolvedFormat | undefined {
  if (value === undefined || value === "attesta") return undefined;
  if (value === "slack" || value === "teams" || value === "discord") {
    const service = value;
    return {
      name: service,
      service,
      render: (event) => ({ body: json(renderChatMessage(service, event)) }),
    };
  }
  if (typeof value === "function") {
    const transform = value as FormatFunction<Record<string, unknown>>;
    return {
      name: "custom",
      service: undefined,
      render: (event, id) => custom(transform, event, id),
    };
  }
  throw invalidOption(
    at,
    '"attesta", "slack", "teams", "discord" or a function (payload, context) => body',
    value,
    'pass e.g. format: "slack" for a Slack incoming webhook, or leave it out for the Attesta payload',
  );
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), "utf8");
}

function custom(
  transform: FormatFunction<Record<string, unknown>>,
  event: DispatchableEvent,
  endpointId: string,
): FormattedBody {
  let value: unknown;
  try {
    const builtin = {
      slack: () => renderChatMessage("slack", event),
      teams: () => renderChatMessage("teams", event),
      discord: () => renderChatMessage("discord", event),
    };
    const context = { endpointId, type: event.type, time: event.timestamp, builtin };
    value = transform(toWebhookPayload(event) as never, context);
  } catch (error) {
    throw new WebhookFormatError(endpointId, `threw for a "${event.type}" event`, error);
  }
  if (!isFormatOutput(value)) return { body: bodyBytes(value, event.type, endpointId) };
  const body = bodyBytes(value.body, event.type, endpointId);
  return checkEnvelope(value, body, endpointId, event.type);
}

function bodyBytes(body: unknown, type: string, endpointId: string): Buffer {
  if (typeof body === "string") return Buffer.from(body, "utf8");
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  let text: string | undefined;
  try {
    text = JSON.stringify(body);
  } catch (error) {
    throw new WebhookFormatError(
      endpointId,
      `returned a value that is not JSON for a "${type}" event`,
      error,
    );
  }
  if (text === undefined) {
    throw new WebhookFormatError(endpointId, `returned ${typeof body} for a "${type}" event`);
  }
  return Buffer.from(text, "utf8");
}
