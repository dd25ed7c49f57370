/**
 * The public signing and verification functions, defined once over two
 * engines: one whose primitives are synchronous and one used by the `…Async`
 * functions. Each build (node, web) calls this with its own engines.
 *
 * @module
 */
import { assertSignableBody } from "../protocol/assert-signable-body";
import { headerValue } from "../protocol/header-value";
import {
  SIGNATURE_HEADER,
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
} from "../protocol/headers";
import { normalizeSecrets } from "../protocol/normalize-secrets";
import { messageTimestamp, signingPlan, toleranceOption } from "../protocol/signing-plan";
import { singleVerificationKey, verificationKeys } from "../protocol/standard-key";
import { DEFAULT_TOLERANCE_SEC } from "../protocol/standard-message";
import { assertKnownKeys } from "../protocol/strict-options";
import type { HeaderPair, HeaderSource, SecretOrSecrets, SignableBody } from "../protocol/types";
import { signAttesta, verifyAttestaSignature } from "./attesta-scheme";
import type { Engine } from "./engine";
import { all, andThen, type MaybePromise } from "./maybe-promise";
import type {
  SignatureHeadersOptions,
  StandardMessage,
  StandardVerifyOptions,
  VerifyApi,
} from "./public-api";
import { checkStandard, signStandard } from "./standard-scheme";

function nowSeconds(now: Date | number | undefined): number {
  if (now === undefined) return Date.now() / 1000;
  return now instanceof Date ? now.getTime() / 1000 : now;
}

const MESSAGE_KEYS = ["id", "timestamp", "secret"];
const HEADERS_KEYS = ["scheme", ...MESSAGE_KEYS];
const STANDARD_VERIFY_KEYS = ["toleranceSec", "now"];

/** Refuses an options object whose keys `name` does not know (`undefined` passes). */
function checkOptions(options: unknown, known: readonly string[], at: string): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      `@attesta/verify: ${at} must be an object; got ${options === null ? "null" : typeof options}. Fix: pass { ${known.join(", ")} }.`,
    );
  }
  assertKnownKeys(options, known, at);
}

/** Refuses arguments past the last one a function takes: an options object there would be ignored. */
function checkNoExtra(extra: readonly unknown[], name: string): void {
  for (const value of extra) checkOptions(value, [], `${name}() options`);
}

/** Runs `fn`, turning a synchronous throw into a rejection. */
async function later<T>(fn: () => MaybePromise<T>): Promise<T> {
  return fn();
}

function signStandardWith(engine: Engine, body: SignableBody, message: StandardMessage) {
  checkOptions(message, MESSAGE_KEYS, "signStandardWebhook(body, message) message");
  const timestamp = messageTimestamp(message?.id, message?.timestamp);
  assertSignableBody(body);
  const { standard } = signingPlan("standard-webhooks", message.secret);
  return signStandard(engine, body, message.id, timestamp, standard);
}

function verifyStandardWith(
  engine: Engine,
  body: SignableBody,
  headers: HeaderSource,
  secret: SecretOrSecrets,
  options: StandardVerifyOptions = {},
): MaybePromise<boolean> {
  checkOptions(options, STANDARD_VERIFY_KEYS, "verifyStandardWebhook(…, options)");
  const keys =
    typeof secret === "string"
      ? singleVerificationKey(secret)
      : verificationKeys(normalizeSecrets(secret), "secret", false);
  const tolerance = toleranceOption(
    options.toleranceSec,
    "options.toleranceSec",
    DEFAULT_TOLERANCE_SEC,
  );
  assertSignableBody(body);
  if (headers === null || (typeof headers !== "object" && typeof headers !== "function")) {
    return false;
  }
  const message = {
    id: headerValue(headers, WEBHOOK_ID_HEADER),
    timestamp: headerValue(headers, WEBHOOK_TIMESTAMP_HEADER),
    signature: headerValue(headers, WEBHOOK_SIGNATURE_HEADER),
  };
  const now = nowSeconds(options.now);
  return andThen(checkStandard(engine, body, message, keys, tolerance, now), (o) => o === "ok");
}

function signatureHeadersWith(
  engine: Engine,
  body: SignableBody,
  options: SignatureHeadersOptions,
): MaybePromise<HeaderPair[]> {
  checkOptions(options, HEADERS_KEYS, "signatureHeaders(body, options)");
  const plan = signingPlan(options?.scheme ?? "attesta", options?.secret);
  assertSignableBody(body);
  const attesta = plan.attesta === undefined ? undefined : signAttesta(engine, body, plan.attesta);
  if (plan.standard.length === 0) {
    return andThen(attesta ?? "", (value): HeaderPair[] => [[SIGNATURE_HEADER, value]]);
  }
  const timestamp = messageTimestamp(options.id, options.timestamp);
  const standard = signStandard(engine, body, options.id, timestamp, plan.standard);
  return andThen(all([attesta ?? "", standard]), ([attestaValue = "", standardValue = ""]) => {
    const pairs: HeaderPair[] = [];
    if (plan.attesta !== undefined) pairs.push([SIGNATURE_HEADER, attestaValue]);
    pairs.push(
      [WEBHOOK_ID_HEADER, options.id],
      [WEBHOOK_TIMESTAMP_HEADER, String(timestamp)],
      [WEBHOOK_SIGNATURE_HEADER, standardValue],
    );
    return pairs;
  });
}

/**
 * Builds the public functions of one build. `sync` must have synchronous
 * primitives (its results are returned as is); `async` backs the `…Async`
 * functions. Their documentation is on their types, in `public-api.ts`.
 *
 * @example
 * ```ts
 * export const { sign, verifySignature } = defineApi(nodeEngine, nodeEngine);
 * ```
 */
export function defineApi(sync: Engine, async: Engine): VerifyApi {
  return {
    sign: (body, secret, ...extra: unknown[]) => {
      checkNoExtra(extra, "sign");
      return signAttesta(sync, body, secret) as string;
    },
    signAsync: (body, secret, ...extra: unknown[]) =>
      later(() => {
        checkNoExtra(extra, "signAsync");
        return signAttesta(async, body, secret);
      }),
    verifySignature: (body, signature, secret, ...extra: unknown[]) => {
      checkNoExtra(extra, "verifySignature");
      return verifyAttestaSignature(sync, body, signature, secret) as boolean;
    },
    verifySignatureAsync: (body, signature, secret, ...extra: unknown[]) =>
      later(() => {
        checkNoExtra(extra, "verifySignatureAsync");
        return verifyAttestaSignature(async, body, signature, secret);
      }),
    signStandardWebhook: (body, message) => signStandardWith(sync, body, message) as string,
    signStandardWebhookAsync: (body, message) =>
      later(() => signStandardWith(async, body, message)),
    verifyStandardWebhook: (body, headers, secret, options) =>
      verifyStandardWith(sync, body, headers, secret, options) as boolean,
    verifyStandardWebhookAsync: (body, headers, secret, options) =>
      later(() => verifyStandardWith(async, body, headers, secret, options)),
    signatureHeaders: (body, options) => signatureHeadersWith(sync, body, options) as HeaderPair[],
    signatureHeadersAsync: (body, options) =>
      later(() => signatureHeadersWith(async, body, options)),
  };
}
