/**
 * Option validation shared by the Express, Koa and Hono middleware.
 *
 * @module
 */
import { normalizeSecrets } from "./normalize-secrets";
import type { SecretOrSecrets } from "./types";

/** Default `maxBodyBytes`: 1 MiB, far above any Attesta payload. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Options every middleware accepts; each adapter adds its own `onError`. */
export interface BaseVerifyOptions {
  /** The webhook secret, or several during a rotation (any one may match). Required. */
  secret: SecretOrSecrets;
  /** Largest body read, in bytes; larger requests get 413. Default 1 MiB (1048576). */
  maxBodyBytes?: number;
}

/** Validated options with defaults applied. */
export interface ResolvedOptions<OnError> {
  /** A single string keeps verification on its fastest path. */
  secret: string | readonly string[];
  maxBodyBytes: number;
  onError: OnError | undefined;
}

/**
 * Validates middleware options at construction time and applies defaults.
 *
 * @throws TypeError naming the bad option and how to fix it.
 * @example
 * ```ts
 * const { secret, maxBodyBytes } = resolveOptions({ secret: "whsec_test" });
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
  const secrets = normalizeSecrets(options.secret, "options.secret");
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes <= 0) {
    throw new TypeError(
      `@attesta/verify: options.maxBodyBytes must be a positive integer; got ${String(maxBodyBytes)}. ` +
        `Fix: omit it for the default (${DEFAULT_MAX_BODY_BYTES}) or pass a byte count such as 65536.`,
    );
  }
  if (options.onError !== undefined && typeof options.onError !== "function") {
    throw new TypeError(
      `@attesta/verify: options.onError must be a function; got ${typeof options.onError}. ` +
        "Fix: pass (error, …) => { … } or omit it for the default JSON response.",
    );
  }
  return {
    secret: secrets.length === 1 ? secrets[0]! : [...secrets],
    maxBodyBytes,
    onError: options.onError,
  };
}
