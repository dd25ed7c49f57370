/**
 * The options only the local dispatcher implements, refused up front: a
 * distributed endpoint that silently dropped disabling after `disableAfterMs` or ordering would
 * behave differently from what its config says.
 *
 * @module
 */

import { unknownKey } from "@attesta/closest-name";
import { showValue } from "../options/invalid-option";

interface Unsupported {
  /** True when the value asks for something the workers cannot do. */
  readonly refuses: (value: unknown) => boolean;
  readonly why: string;
  readonly fix: string;
}

const ENDPOINT_OPTIONS: Readonly<Record<string, Unsupported>> = {
  disableAfterMs: {
    refuses: (value) => value !== undefined,
    why: "auto-disable needs one failure history per endpoint shared by every worker process, and each process's breaker sees only its own attempts",
    fix: "remove disableAfterMs and alert on workers.events endpoint.failing, or use the local WebhookDispatcher",
  },
  ordered: {
    refuses: (value) => value === true,
    why: "a delivery waiting for its retry is a delayed BullMQ job and does not hold back the next one, so emit order is not kept",
    fix: "remove ordered; concurrency: 1 gives one delivery in flight at a time over the whole cluster (in order except around retries), or use the local WebhookDispatcher",
  },
};

/** Throws for the first endpoint option BullMQ workers cannot honour. */
export function refuseUnsupportedEndpointOptions(configs: readonly unknown[]): void {
  for (const [index, config] of configs.entries()) {
    if (typeof config !== "object" || config === null) continue;
    for (const [key, rule] of Object.entries(ENDPOINT_OPTIONS)) {
      const value = (config as Record<string, unknown>)[key];
      if (!rule.refuses(value)) continue;
      throw new TypeError(
        `@attesta/webhooks/bullmq: config[${index}].${key} (${showValue(value)}) is not supported by BullMQ workers yet; ${rule.why}. Fix: ${rule.fix}.`,
      );
    }
  }
}

/**
 * Throws for an option key that `role` does not use (e.g. `store` or
 * `onAttempt` on a producer), instead of ignoring it.
 */
export function refuseForeignOptions(
  options: unknown,
  role: string,
  known: readonly string[],
): void {
  if (typeof options !== "object" || options === null) return;
  const unknown = unknownKey(options, known);
  if (unknown === undefined) return;
  const { key, meant } = unknown;
  throw new TypeError(
    `@attesta/webhooks/bullmq: options.${key} is not supported by ${role}; it would be ignored.${meant === undefined ? "" : ` Did you mean "${meant}"?`} Fix: remove it, or use one of ${known.join(", ")}.`,
  );
}
