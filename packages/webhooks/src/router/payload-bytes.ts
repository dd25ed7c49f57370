/**
 * The exact body bytes of an event.
 *
 * @module
 */

import type { DispatchableEvent } from "../dispatchable-event";
import type { ResolvedFormat } from "../format/endpoint-format";
import type { FormattedBody } from "../format/formatted-body";
import { typeName } from "../options/invalid-option";
import { toWebhookPayload } from "./to-webhook-payload";

/**
 * Serialises events to their wire bytes. When one event can go to several
 * endpoints it is serialised once and the bytes are shared (a WeakMap on the
 * event object), so every endpoint signs and sends identical bytes.
 *
 * @example
 * ```ts
 * const bytes = new PayloadBytes(false).serialize({ type: "approved", timestamp: 0, data: {} });
 * ```
 */
export class PayloadBytes {
  private readonly cache: WeakMap<DispatchableEvent, FormattedBody> | undefined;

  constructor(shared: boolean) {
    this.cache = shared ? new WeakMap() : undefined;
  }

  /**
   * Throws when the data is not a JSON object (receivers answer such a body
   * with 400 `invalid_payload`) or cannot be serialised (a cycle, a BigInt).
   * `shared: false` says no other endpoint will ask for this event: its bytes
   * are then not kept, which spares a weak-map entry per delivery.
   */
  serialize(event: DispatchableEvent, shared = true): Uint8Array {
    return this.bodyFor(event, undefined, "", shared).body;
  }

  /**
   * The body of `event` for one endpoint: the shared Attesta bytes, or what
   * the endpoint's `format` renders (never shared: each format has its own
   * bytes, and a custom format's content type and headers). Throws
   * `WebhookFormatError` when the format fails.
   */
  bodyFor(
    event: DispatchableEvent,
    format: ResolvedFormat | undefined,
    endpointId: string,
    shared = true,
  ): FormattedBody {
    if (format !== undefined) return format.render(event, endpointId);
    const cache = shared ? this.cache : undefined;
    const cached = cache?.get(event);
    if (cached !== undefined) return cached;
    const body = { body: Buffer.from(this.text(event), "utf8") };
    cache?.set(event, body);
    return body;
  }

  /**
   * The Attesta body of an event as JSON text, never shared: for a store
   * that writes it straight to a file (a string is freed by any young
   * collection; a buffer waits for a full one).
   */
  text(event: DispatchableEvent): string {
    const { data } = event;
    if (typeof data !== "object" || data === null || Array.isArray(data)) {
      throw new TypeError(
        `@attesta/webhooks: the data of a "${event.type}" event must be a JSON object; got ${typeName(data)}. Fix: emit { type, data: { … } } with an object as data; receivers refuse any other payload.`,
      );
    }
    return JSON.stringify(toWebhookPayload(event));
  }
}
