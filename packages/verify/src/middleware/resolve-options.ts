/**
 * Option validation shared by the Express, Koa and Hono middleware.
 *
 * @module
 */
import { normalizeSecrets } from "../protocol/normalize-secrets";
import { toleranceOption } from "../protocol/signing-plan";
import { type StandardKey, verificationKeys } from "../protocol/standard-key";
import { DEFAULT_TOLERANCE_SEC } from "../protocol/standard-message";
import { assertKnownKeys } from "../protocol/strict-options";
import type { ReceiverScheme, SecretOrSecrets } from "../protocol/types";
import { MemoryReplayStore } from "../replay/memory-replay-store";
import type { ReplayStore } from "../replay/replay-store";

/** Default `maxBodyBytes`: 1 MiB, far above any Attesta payload. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Default `maxAgeSec`: 72 hours, longer than any retry schedule of the sender. */
export const DEFAULT_MAX_AGE_SEC = 72 * 60 * 60;

const SCHEMES: readonly ReceiverScheme[] = ["attesta", "standard-webhooks", "any"];

/** Every key of the middleware options, `onError` included (each adapter has one). */
const OPTION_KEYS = [
  "secret",
  "scheme",
  "toleranceSec",
  "maxAgeSec",
  "replay",
  "maxBodyBytes",
  "onError",
];

/** Options every middleware accepts; each adapter adds its own `onError`. */
export interface BaseVerifyOptions {
  /**
   * The secret, or several during a rotation (any one may match). Attesta
   * secrets are any string; Standard Webhooks keys are `whsec_…` (HMAC) or
   * `whpk_…` (ed25519 public key). With `scheme: "any"` list both. Required.
   */
  secret: SecretOrSecrets;
  /** Which signatures are accepted. Default `"attesta"`. */
  scheme?: ReceiverScheme;
  /** Standard Webhooks: largest distance of `webhook-timestamp` from now, in seconds. Default 300. */
  toleranceSec?: number | false;
  /** Attesta scheme: oldest accepted body `timestamp`, in seconds; `false` turns the check off. Default 259200 (72 h). */
  maxAgeSec?: number | false;
  /** Where accepted deliveries are remembered; `false` turns replay protection off. Default: a `MemoryReplayStore`. */
  replay?: ReplayStore | false;
  /** Largest body read, in bytes; larger requests get 413. Default 1 MiB (1048576). */
  maxBodyBytes?: number;
}

/** Validated options with defaults applied. */
export interface ResolvedOptions<OnError> {
  scheme: ReceiverScheme;
  /** Secrets for `X-Attesta-Signature` (empty under `"standard-webhooks"`). */
  attestaSecrets: readonly string[];
  /** Keys for `webhook-signature` (empty under `"attesta"`). */
  standardKeys: readonly StandardKey[];
  toleranceSec: number | false;
  maxAgeSec: number | false;
  replay: ReplayStore | undefined;
  /** How long a replay key is kept: as long as a replay could otherwise pass the time checks. */
  replayTtlSec: number;
  maxBodyBytes: number;
  onError: OnError | undefined;
}

function optionError(name: string, expected: string, got: unknown, fix: string): TypeError {
  const shown = typeof got === "object" && got !== null ? typeof got : String(got);
  return new TypeError(
    `@attesta/verify: options.${name} must be ${expected}; got ${shown}. Fix: ${fix}`,
  );
}

function attestaSecretsOf(scheme: ReceiverScheme, secrets: readonly string[]): string[] {
  if (scheme === "standard-webhooks") return [];
  const list = secrets.filter((entry) => !entry.startsWith("whpk_") && !entry.startsWith("whsk_"));
  if (list.length === 0) {
    throw new TypeError(
      `@attesta/verify: scheme "${scheme}" needs the shared secret of X-Attesta-Signature, but options.secret holds only ed25519 keys. ` +
        "Fix: add the webhook secret configured on the sender.",
    );
  }
  return list;
}

function standardKeysOf(scheme: ReceiverScheme, secrets: readonly string[]): StandardKey[] {
  if (scheme === "attesta") return [];
  const keys = verificationKeys(secrets, "options.secret", scheme === "any");
  if (keys.length === 0) {
    throw new TypeError(
      `@attesta/verify: scheme "${scheme}" needs a Standard Webhooks key (whsec_<base64> or whpk_<base64>) in options.secret. ` +
        "Fix: add the endpoint's whsec_ secret as the sender shows it.",
    );
  }
  return keys;
}

function replayOption(value: unknown): ReplayStore | undefined {
  if (value === undefined) return new MemoryReplayStore();
  if (value === false) return undefined;
  const store = value as Partial<ReplayStore> | null;
  if (typeof store?.has === "function" && typeof store.add === "function")
    return store as ReplayStore;
  throw optionError(
    "replay",
    "a store with async has(key) and add(key, ttlSec), or false",
    value,
    "omit it for an in-memory store, or pass a shared one (see the README's Redis store).",
  );
}

/**
 * Validates middleware options at construction time and applies defaults.
 *
 * @throws TypeError naming the bad option and how to fix it (never a secret).
 * @example
 * ```ts
 * const resolved = resolveOptions({ secret: "whsec_test" });
 * ```
 */
export function resolveOptions<OnError>(
  options: BaseVerifyOptions & { onError?: OnError },
): ResolvedOptions<OnError> {
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      `@attesta/verify: verifyAttesta(options) needs an options object; got ${options === null ? "null" : typeof options}. ` +
        "Fix: verifyAttesta({ secret: process.env.ATTESTA_WEBHOOK_SECRET }).",
    );
  }
  assertKnownKeys(options, OPTION_KEYS, "verifyAttesta(options)");
  const scheme = options.scheme ?? "attesta";
  if (!SCHEMES.includes(scheme)) {
    throw optionError(
      "scheme",
      '"attesta", "standard-webhooks" or "any"',
      JSON.stringify(scheme),
      'omit it for "attesta".',
    );
  }
  const secrets = normalizeSecrets(options.secret, "options.secret");
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes <= 0) {
    throw optionError(
      "maxBodyBytes",
      "a positive integer",
      maxBodyBytes,
      `omit it for the default (${DEFAULT_MAX_BODY_BYTES}) or pass a byte count such as 65536.`,
    );
  }
  const maxAgeSec = options.maxAgeSec ?? DEFAULT_MAX_AGE_SEC;
  if (
    maxAgeSec !== false &&
    !(typeof maxAgeSec === "number" && maxAgeSec > 0 && Number.isFinite(maxAgeSec))
  ) {
    throw optionError(
      "maxAgeSec",
      "a positive number of seconds or false",
      maxAgeSec,
      `omit it for the default (${DEFAULT_MAX_AGE_SEC}).`,
    );
  }
  if (options.onError !== undefined && typeof options.onError !== "function") {
    throw optionError(
      "onError",
      "a function",
      typeof options.onError,
      "pass (error, …) => { … } or omit it for the default JSON response.",
    );
  }
  const toleranceSec = toleranceOption(
    options.toleranceSec,
    "options.toleranceSec",
    DEFAULT_TOLERANCE_SEC,
  );
  const window = Math.max(
    maxAgeSec === false ? DEFAULT_MAX_AGE_SEC : maxAgeSec,
    2 * (toleranceSec || 0),
  );
  return {
    scheme,
    attestaSecrets: attestaSecretsOf(scheme, secrets),
    standardKeys: standardKeysOf(scheme, secrets),
    toleranceSec,
    maxAgeSec,
    replay: replayOption(options.replay),
    replayTtlSec: Math.max(1, Math.ceil(window)),
    maxBodyBytes,
    onError: options.onError,
  };
}
