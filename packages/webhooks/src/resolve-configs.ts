/**
 * Construction-time validation of endpoint configs, with defaults applied.
 *
 * @module
 */
import { EVENT_TYPES, type EventType } from "@attesta/events";
import { invalidOption, typeName } from "./invalid-option";
import type { OverflowPolicy, WebhookConfig } from "./types";

/** An endpoint config after validation, every option filled in. */
export interface ResolvedConfig {
  readonly url: string;
  /** Origin for the connection pool, e.g. `https://hooks.example.com:8443`. */
  readonly origin: string;
  /** Path and query sent in the request line. */
  readonly path: string;
  /** Origin and path only, safe to log. */
  readonly label: string;
  /** Event types delivered; all eight when the config listed none. */
  readonly events: readonly EventType[];
  readonly secret: string | undefined;
  readonly timeoutMs: number;
  readonly retryCount: number;
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
  readonly concurrency: number;
  readonly maxQueueSize: number;
  readonly overflow: OverflowPolicy;
}

const KNOWN_KEYS = new Set([
  "url",
  "events",
  "secret",
  "timeoutMs",
  "retryCount",
  "retryBaseDelayMs",
  "retryMaxDelayMs",
  "concurrency",
  "maxQueueSize",
  "overflow",
]);

// setTimeout fires at once for delays above 2^31-1 ms.
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Validates the `configs` argument of `WebhookDispatcher` and fills in the
 * defaults. Throws a `TypeError` that names the field and the fix.
 *
 * @example
 * ```ts
 * const [config] = resolveConfigs([{ url: "https://hooks.example.com/attesta" }]);
 * config.retryCount; // 1
 * ```
 */
export function resolveConfigs(configs: unknown): ResolvedConfig[] {
  if (!Array.isArray(configs)) {
    throw invalidOption(
      "configs",
      "an array of endpoint configs",
      configs,
      'pass [{ url: "https://…" }]',
    );
  }
  return configs.map((config: unknown, index) => resolveConfig(config, `config[${index}]`));
}

function resolveConfig(config: unknown, at: string): ResolvedConfig {
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw invalidOption(at, "an object with a url", config, 'pass { url: "https://…" }');
  }
  const input = config as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!KNOWN_KEYS.has(key)) {
      throw new TypeError(
        `@attesta/webhooks: ${at}.${key} is not a known option. Fix: remove it, or use one of ${[...KNOWN_KEYS].join(", ")}.`,
      );
    }
  }
  const { url, origin, path, label } = resolveUrl(input.url, `${at}.url`);
  const events = resolveEvents(input.events, `${at}.events`);
  const secret = input.secret;
  if (secret !== undefined && (typeof secret !== "string" || secret.length === 0)) {
    // Never echo the value: it may be a real secret with a wrong type.
    throw new TypeError(
      `@attesta/webhooks: ${at}.secret must be a non-empty string; got ${typeof secret === "string" ? "an empty string" : `a value of type ${typeName(secret)}`}. Fix: pass the shared secret, or leave secret out to send unsigned requests.`,
    );
  }
  const retryBaseDelayMs = number(input.retryBaseDelayMs, `${at}.retryBaseDelayMs`, 500, 0, false);
  const retryMaxDelayMs = number(input.retryMaxDelayMs, `${at}.retryMaxDelayMs`, 30_000, 0, false);
  const overflow = input.overflow ?? "drop-oldest";
  if (overflow !== "drop-oldest" && overflow !== "drop-newest") {
    throw invalidOption(
      `${at}.overflow`,
      '"drop-oldest" or "drop-newest"',
      overflow,
      'use "drop-oldest" (the default) or "drop-newest"',
    );
  }
  return {
    url,
    origin,
    path,
    label,
    events,
    secret,
    timeoutMs: number(input.timeoutMs, `${at}.timeoutMs`, 5000, 1, true),
    retryCount: number(input.retryCount, `${at}.retryCount`, 1, 0, true),
    retryBaseDelayMs,
    retryMaxDelayMs,
    concurrency: number(input.concurrency, `${at}.concurrency`, 10, 1, true),
    maxQueueSize: number(input.maxQueueSize, `${at}.maxQueueSize`, 10_000, 1, true),
    overflow,
  };
}

function resolveUrl(
  value: unknown,
  at: string,
): { url: string; origin: string; path: string; label: string } {
  const example = 'e.g. "https://hooks.example.com/attesta"';
  if (typeof value !== "string")
    throw invalidOption(
      at,
      "an absolute http(s) URL string",
      value,
      `pass the endpoint URL, ${example}`,
    );
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw invalidOption(
      at,
      "an absolute http(s) URL",
      value,
      `include the scheme and host, ${example}`,
    );
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw invalidOption(at, "an http: or https: URL", value, `use http:// or https://, ${example}`);
  }
  if (parsed.username !== "" || parsed.password !== "") {
    throw new TypeError(
      `@attesta/webhooks: ${at} must not contain credentials (user:password@). Fix: remove them and authenticate the endpoint with secret (the request is signed).`,
    );
  }
  return {
    url: value,
    origin: parsed.origin,
    path: `${parsed.pathname}${parsed.search}`,
    label: `${parsed.origin}${parsed.pathname}`,
  };
}

function resolveEvents(value: unknown, at: string): readonly EventType[] {
  if (value === undefined) return EVENT_TYPES;
  if (!Array.isArray(value))
    throw invalidOption(
      at,
      "an array of event types",
      value,
      'pass e.g. ["approved", "denied"], or [] for all events',
    );
  for (const [index, name] of value.entries()) {
    if (typeof name === "string" && (EVENT_TYPES as readonly string[]).includes(name)) continue;
    const lower = typeof name === "string" ? name.toLowerCase() : undefined;
    const fix =
      lower !== undefined && (EVENT_TYPES as readonly string[]).includes(lower)
        ? `use the lower-case name "${lower}" (EventType.${lower.toUpperCase()})`
        : `use one of ${EVENT_TYPES.map((type) => `"${type}"`).join(", ")}`;
    throw invalidOption(`${at}[${index}]`, "a known event type", name, fix);
  }
  return value.length === 0 ? EVENT_TYPES : [...new Set(value as EventType[])];
}

function number(
  value: unknown,
  at: string,
  fallback: number,
  min: number,
  integer: boolean,
): number {
  if (value === undefined) return fallback;
  const kind = integer ? "an integer" : "a number";
  const bound = min === 0 ? "≥ 0" : `≥ ${min}`;
  if (
    typeof value !== "number" ||
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value)) ||
    value < min ||
    value > MAX_TIMER_MS
  ) {
    throw invalidOption(
      at,
      `${kind} ${bound} and ≤ ${MAX_TIMER_MS}`,
      value,
      `pass e.g. ${fallback}, or leave it out for the default ${fallback}`,
    );
  }
  return value;
}
