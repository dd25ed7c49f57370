/**
 * Construction-time validation of endpoint configs, with defaults applied.
 *
 * @module
 */
import type { SenderScheme } from "@attesta/verify";
import { type ResolvedFormat, resolveFormat } from "../format/endpoint-format";
import { invalidOption } from "../options/invalid-option";
import { assertKnownKeys } from "../options/strict-options";
import { endpointUrlIsSecret, isSecretUrl, redactUrl } from "../transport/redact-url";
import type { OverflowPolicy } from "../types";
import { defaultEndpointId, ENDPOINT_ID_PATTERN } from "./endpoint-id";
import {
  DELIVERY_OPTION_KEYS,
  type DeliveryOptions,
  resolveDeliveryOptions,
} from "./resolve-delivery-options";
import { resolveSigning } from "./resolve-signing";
import { type EventSelection, resolveEventSelection } from "./route-table";

/** An endpoint config after validation, every option filled in. */
export interface ResolvedConfig {
  /** Stable endpoint id: the config's `id`, or derived from its position and URL. */
  readonly id: string;
  readonly url: string;
  /** Origin for the connection pool, e.g. `https://hooks.example.com:8443`. */
  readonly origin: string;
  /** Path and query sent in the request line. */
  readonly path: string;
  /**
   * Safe to log: origin and path, or origin and a fingerprint when the path
   * or query is the credential (chat hook URLs, `secretUrl: true`).
   */
  readonly label: string;
  /** The URL as operator events, dead letters and `listEndpoints()` show it: `url`, or `label` for a secret URL. */
  readonly shownUrl: string;
  /** The body's format; `undefined` for the Attesta payload. */
  readonly format: ResolvedFormat | undefined;
  /** Event names delivered, or `"all"`: every event the bus emits (no `events`, or `[]`). */
  readonly events: EventSelection;
  /** One secret, or several for key rotation (each signs); undefined when unsigned. */
  readonly secret: string | readonly string[] | undefined;
  /** Which signature headers go out: `X-Attesta-Signature`, Standard Webhooks, or both. */
  readonly scheme: SenderScheme;
  readonly timeoutMs: number;
  readonly retryCount: number;
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
  readonly concurrency: number;
  readonly maxQueueSize: number;
  readonly overflow: OverflowPolicy;
  /** Retry schedule, health, rate limit and ordering. */
  readonly delivery: DeliveryOptions;
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
  "scheme",
  "id",
  "format",
  "secretUrl",
  ...DELIVERY_OPTION_KEYS,
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
  const resolved = configs.map((config: unknown, index) =>
    resolveConfig(config, `config[${index}]`, (url) => defaultEndpointId(index, url)),
  );
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

/**
 * Validates one endpoint config. `id` defaults to `fallbackId(url)`: derived
 * from the position for constructor configs, random for `addEndpoint`.
 */
export function resolveConfig(
  config: unknown,
  at: string,
  fallbackId: (url: string) => string,
): ResolvedConfig {
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw invalidOption(at, "an object with a url", config, 'pass { url: "https://…" }');
  }
  const input = config as Record<string, unknown>;
  assertKnownKeys(input, KNOWN_KEYS, at);
  const secretUrl = input.secretUrl;
  if (secretUrl !== undefined && typeof secretUrl !== "boolean") {
    throw invalidOption(
      `${at}.secretUrl`,
      "a boolean",
      secretUrl,
      "pass true when the URL's path or query is its credential",
    );
  }
  const format = resolveFormat(input.format, `${at}.format`);
  const { url, origin, path, label, shownUrl } = resolveUrl(
    input.url,
    `${at}.url`,
    endpointUrlIsSecret(input),
  );
  const id = resolveId(input.id, `${at}.id`) ?? fallbackId(url);
  const events = resolveEventSelection(input.events, `${at}.events`);
  const { secret, scheme } = resolveSigning(input.secret, input.scheme, at);
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
  const timeoutMs = readNumberOption(input.timeoutMs, `${at}.timeoutMs`, INTEGER_FROM_1(5000));
  const retryCount = readNumberOption(input.retryCount, `${at}.retryCount`, {
    fallback: 1,
    min: 0,
    integer: true,
  });
  const concurrency = readNumberOption(input.concurrency, `${at}.concurrency`, INTEGER_FROM_1(10));
  // After the basic options, so their errors come first.
  const delivery = resolveDeliveryOptions(input, at);
  return {
    id,
    url,
    origin,
    path,
    label,
    shownUrl,
    format,
    events,
    secret,
    scheme,
    timeoutMs,
    retryCount,
    retryBaseDelayMs,
    retryMaxDelayMs,
    concurrency: delivery.ordered ? 1 : concurrency,
    maxQueueSize: readNumberOption(
      input.maxQueueSize,
      `${at}.maxQueueSize`,
      INTEGER_FROM_1(10_000),
    ),
    overflow,
    delivery,
  };
}

function resolveUrl(
  value: unknown,
  at: string,
  secret: boolean | undefined,
): { url: string; origin: string; path: string; label: string; shownUrl: string } {
  const example = 'e.g. "https://hooks.example.com/attesta"';
  if (typeof value !== "string")
    throw invalidOption(
      at,
      "an absolute http(s) URL string",
      value,
      `pass the endpoint URL, ${example}`,
    );
  let parsed: URL;
  // Credentials and query strings never reach an error message.
  const shown = redactUrl(value, { secret });
  try {
    parsed = new URL(value);
  } catch {
    throw invalidOption(
      at,
      "an absolute http(s) URL",
      shown,
      `include the scheme and host, and a port up to 65535, ${example}`,
    );
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw invalidOption(at, "an http: or https: URL", shown, `use http:// or https://, ${example}`);
  }
  if (parsed.username !== "" || parsed.password !== "") {
    throw new TypeError(
      `@attesta/webhooks: ${at} must not contain credentials (user:password@). Fix: remove them and authenticate the endpoint with secret (the request is signed).`,
    );
  }
  const hidden = isSecretUrl(parsed.host, `${parsed.pathname}${parsed.search}`, secret);
  return {
    url: value,
    origin: parsed.origin,
    path: `${parsed.pathname}${parsed.search}`,
    label: hidden ? shown : `${parsed.origin}${parsed.pathname}`,
    shownUrl: hidden ? shown : value,
  };
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
