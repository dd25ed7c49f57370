/**
 * Construction-time validation of endpoint configs, with defaults applied.
 *
 * @module
 */
import { EVENT_TYPES, type EventType } from "@attesta/events";
import { invalidOption, typeName } from "../invalid-option";
import type { OverflowPolicy } from "../types";
import { defaultEndpointId, ENDPOINT_ID_PATTERN } from "./endpoint-id";

/** An endpoint config after validation, every option filled in. */
export interface ResolvedConfig {
  /** Stable endpoint id: the config's `id`, or derived from its position and URL. */
  readonly id: string;
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
  "id",
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
  const resolved = configs.map((config: unknown, index) => resolveConfig(config, index));
  const seen = new Map<string, number>();
  for (const [index, config] of resolved.entries()) {
    const first = seen.get(config.id);
    if (first !== undefined) {
      throw new TypeError(
        `@attesta/webhooks: config[${index}].id "${config.id}" is already the id of config[${first}]. Fix: give every endpoint its own id.`,
      );
    }
    seen.set(config.id, index);
  }
  return resolved;
}

function resolveConfig(config: unknown, index: number): ResolvedConfig {
  const at = `config[${index}]`;
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
  const id = resolveId(input.id, `${at}.id`) ?? defaultEndpointId(index, url);
  const events = resolveEvents(input.events, `${at}.events`);
  const secret = input.secret;
  if (secret !== undefined && (typeof secret !== "string" || secret.length === 0)) {
    // Never echo the value: it may be a real secret with a wrong type.
    throw new TypeError(
      `@attesta/webhooks: ${at}.secret must be a non-empty string; got ${typeof secret === "string" ? "an empty string" : `a value of type ${typeName(secret)}`}. Fix: pass the shared secret, or leave secret out to send unsigned requests.`,
    );
  }
  const retryBaseDelayMs = readNumberOption(input.retryBaseDelayMs, `${at}.retryBaseDelayMs`, {
    fallback: 500,
    min: 0,
  });
  const retryMaxDelayMs = readNumberOption(input.retryMaxDelayMs, `${at}.retryMaxDelayMs`, {
    fallback: 30_000,
    min: 0,
  });
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
    id,
    url,
    origin,
    path,
    label,
    events,
    secret,
    timeoutMs: readNumberOption(input.timeoutMs, `${at}.timeoutMs`, INTEGER_FROM_1(5000)),
    retryCount: readNumberOption(input.retryCount, `${at}.retryCount`, {
      fallback: 1,
      min: 0,
      integer: true,
    }),
    retryBaseDelayMs,
    retryMaxDelayMs,
    concurrency: readNumberOption(input.concurrency, `${at}.concurrency`, INTEGER_FROM_1(10)),
    maxQueueSize: readNumberOption(
      input.maxQueueSize,
      `${at}.maxQueueSize`,
      INTEGER_FROM_1(10_000),
    ),
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

function resolveId(value: unknown, at: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !ENDPOINT_ID_PATTERN.test(value)) {
    throw invalidOption(
      at,
      "1 to 64 letters, digits, '.', '_', ':' or '-', starting with a letter or digit",
      value,
      'pass e.g. "billing-hooks", or leave id out to derive one from the position and URL',
    );
  }
  return value;
}

/** The accepted range of a numeric option, and its default. */
interface NumberRule {
  readonly fallback: number;
  readonly min: number;
  readonly integer?: boolean;
}

const INTEGER_FROM_1 = (fallback: number): NumberRule => ({ fallback, min: 1, integer: true });

/** A numeric option: its default when absent, else the value if it is in range; throws otherwise. */
function readNumberOption(value: unknown, at: string, rule: NumberRule): number {
  const { fallback, min, integer = false } = rule;
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
