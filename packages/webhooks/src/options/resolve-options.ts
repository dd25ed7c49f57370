/**
 * Construction-time validation of the dispatcher options.
 *
 * @module
 */

import type { DeliveryStore } from "../store/delivery-store";
import { MemoryStore } from "../store/memory-store";
import type { NetworkOptions } from "../transport/address-policy";
import type { SharedAgentOptions } from "../transport/shared-agent";
import type { WebhookDispatcherOptions, WebhookLogger } from "../types";
import { invalidOption, typeName } from "./invalid-option";
import { assertKnownKeys } from "./strict-options";

/** Dispatcher options after validation, defaults applied. */
export interface ResolvedOptions {
  readonly logger: WebhookLogger | null;
  readonly onAttempt: WebhookDispatcherOptions["onAttempt"];
  readonly onDeadLetter: WebhookDispatcherOptions["onDeadLetter"];
  readonly onDrop: WebhookDispatcherOptions["onDrop"];
  readonly maxResponseBytes: number;
  readonly store: DeliveryStore;
  readonly secrets: WebhookDispatcherOptions["secrets"];
  /** Shared connections and the SSRF guard; validated by `SharedAgent`. */
  readonly connections: SharedAgentOptions;
}

const KNOWN_KEYS = [
  "logger",
  "onAttempt",
  "onDeadLetter",
  "onDrop",
  "maxResponseBytes",
  "store",
  "secrets",
  "network",
  "maxSockets",
  "connectionsPerOrigin",
  "keepAliveTimeoutMs",
];

const STORE_METHODS = [
  "open",
  "enqueue",
  "lease",
  "nextDueAt",
  "recordAttempt",
  "release",
  "abandon",
  "pendingCount",
  "mark",
  "pendingBefore",
  "get",
  "list",
  "redeliver",
  "persisted",
  "close",
] as const;

function resolveStore(store: unknown): DeliveryStore {
  if (store === undefined) return new MemoryStore();
  const missing =
    typeof store === "object" && store !== null
      ? STORE_METHODS.filter(
          (name) => typeof (store as Record<string, unknown>)[name] !== "function",
        )
      : STORE_METHODS;
  if (missing.length > 0) {
    throw new TypeError(
      `@attesta/webhooks: options.store must be a DeliveryStore; got ${typeName(store)}${typeof store === "object" && store !== null ? ` without ${missing.join(", ")}` : ""}. Fix: pass new MemoryStore(), new SqliteStore({ path }) from @attesta/webhooks/sqlite, or leave it out.`,
    );
  }
  return store as DeliveryStore;
}

const consoleLogger: WebhookLogger = {
  warn: (message, fields) =>
    console.warn(`@attesta/webhooks: ${message}`, ...(fields ? [fields] : [])),
  error: (message, fields) =>
    console.error(`@attesta/webhooks: ${message}`, ...(fields ? [fields] : [])),
};

/**
 * Validates the `options` argument of `WebhookDispatcher`. Throws a
 * `TypeError` that names the field and the fix.
 *
 * @example
 * ```ts
 * const options = resolveOptions({ logger: null });
 * options.maxResponseBytes; // 65536
 * ```
 */
export function resolveOptions(options: unknown): ResolvedOptions {
  if (options === undefined) options = {};
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(
      `@attesta/webhooks: options must be an object; got ${typeName(options)}. Fix: pass { logger, onAttempt, onDeadLetter, onDrop } or leave it out.`,
    );
  }
  const input = options as Record<string, unknown>;
  assertKnownKeys(input, KNOWN_KEYS, "options");
  for (const hook of ["onAttempt", "onDeadLetter", "onDrop", "secrets"] as const) {
    if (input[hook] !== undefined && typeof input[hook] !== "function") {
      throw new TypeError(
        `@attesta/webhooks: options.${hook} must be a function; got ${typeName(input[hook])}. Fix: pass a function or leave it out.`,
      );
    }
  }
  const logger = input.logger === undefined ? consoleLogger : input.logger;
  if (
    logger !== null &&
    (typeof logger !== "object" ||
      typeof (logger as WebhookLogger).warn !== "function" ||
      typeof (logger as WebhookLogger).error !== "function")
  ) {
    throw new TypeError(
      "@attesta/webhooks: options.logger must have warn(message, fields) and error(message, fields) methods, or be null. Fix: pass console, an object wrapping your logger, or null to silence it.",
    );
  }
  const maxResponseBytes = input.maxResponseBytes ?? 65_536;
  if (
    typeof maxResponseBytes !== "number" ||
    !Number.isInteger(maxResponseBytes) ||
    maxResponseBytes < 1
  ) {
    throw invalidOption(
      "options.maxResponseBytes",
      "a positive integer",
      maxResponseBytes,
      "pass e.g. 65536, or leave it out",
    );
  }
  return {
    logger: logger as WebhookLogger | null,
    onAttempt: input.onAttempt as ResolvedOptions["onAttempt"],
    onDeadLetter: input.onDeadLetter as ResolvedOptions["onDeadLetter"],
    onDrop: input.onDrop as ResolvedOptions["onDrop"],
    secrets: input.secrets as ResolvedOptions["secrets"],
    maxResponseBytes,
    store: resolveStore(input.store),
    connections: {
      network: input.network as NetworkOptions | undefined,
      maxSockets: input.maxSockets as number | undefined,
      connectionsPerOrigin: input.connectionsPerOrigin as number | undefined,
      keepAliveTimeoutMs: input.keepAliveTimeoutMs as number | undefined,
    },
  };
}
