/**
 * A delivery whose body could not be produced by the endpoint's format.
 *
 * @module
 */

/**
 * The endpoint's `format` threw (or returned something that is not a body)
 * for one event. That delivery is dead with reason `"format_failed"`; the
 * dispatcher and the endpoint's other deliveries carry on.
 *
 * @example
 * ```ts
 * import { WebhookFormatError } from "@attesta/webhooks";
 *
 * const onDeadLetter = ({ error }: { error?: Error }) => {
 *   if (error?.cause instanceof WebhookFormatError) console.error(error.cause.cause);
 * };
 * ```
 */
export class WebhookFormatError extends Error {
  override name = "WebhookFormatError";
  /** The endpoint whose format failed. */
  readonly endpointId: string;

  constructor(
    endpointId: string,
    what: string,
    cause?: unknown,
    fix = "make the format function return a JSON value, a string or a Uint8Array for every event, and catch its own errors",
  ) {
    const why = cause instanceof Error ? `: ${cause.message}` : "";
    super(
      `@attesta/webhooks: the format of endpoint ${endpointId} ${what}${why}. Fix: ${fix}.`,
      cause === undefined ? undefined : { cause },
    );
    this.endpointId = endpointId;
  }
}

/** The dead reason of a delivery whose body could not be made: a failed format, or data that is not JSON. */
export function bodyFailureReason(error: unknown): "format_failed" | "unserializable" {
  return error instanceof WebhookFormatError ? "format_failed" : "unserializable";
}
