/**
 * The Attesta scheme: `X-Attesta-Signature: sha256=<hex HMAC-SHA256 of the body>`.
 *
 * @module
 */
import { assertSignableBody } from "../protocol/assert-signable-body";
import { SIGNATURE_PREFIX } from "../protocol/headers";
import { isWellFormedSignature } from "../protocol/is-well-formed-signature";
import { assertSigningSecret, normalizeSecrets } from "../protocol/normalize-secrets";
import type { SecretOrSecrets, SignableBody } from "../protocol/types";
import { attestaKey, bodyPart, type Engine } from "./engine";
import { all, andThen, type MaybePromise } from "./maybe-promise";

/**
 * The `X-Attesta-Signature` value for `body` under `secret`.
 *
 * @example
 * ```ts
 * signAttesta(nodeEngine, '{"event":"APPROVED"}', "whsec_test"); // "sha256=…"
 * ```
 */
export function signAttesta(
  engine: Engine,
  body: SignableBody,
  secret: string,
): MaybePromise<string> {
  assertSigningSecret(secret);
  const parts = [bodyPart(body)];
  return andThen(attestaKey(engine, secret), (key) =>
    andThen(engine.primitives.hmac(key, parts, "hex"), (mac) => SIGNATURE_PREFIX + mac),
  );
}

/**
 * Whether `signature` is the Attesta signature of `body` under one of the
 * secrets. Malformed signatures are `false`; a missing secret or a body that
 * is not bytes throws `TypeError` (programmer errors).
 *
 * @example
 * ```ts
 * verifyAttestaSignature(nodeEngine, body, req.headers["x-attesta-signature"], ["new", "old"]);
 * ```
 */
export function verifyAttestaSignature(
  engine: Engine,
  body: SignableBody,
  signature: unknown,
  secret: SecretOrSecrets,
): MaybePromise<boolean> {
  // One non-empty secret is the common case: it skips the list and its checks.
  const single = typeof secret === "string" && secret.length > 0;
  const secrets = single ? [secret] : normalizeSecrets(secret);
  assertSignableBody(body);
  if (!isWellFormedSignature(signature)) return false;
  const parts = [bodyPart(body)];
  const { primitives } = engine;
  // Compared without the constant prefix: the shape check already covered it.
  const received = signature.slice(SIGNATURE_PREFIX.length);
  if (single) {
    return andThen(attestaKey(engine, secret), (key) =>
      andThen(primitives.hmac(key, parts, "hex"), (mac) => primitives.equal(mac, received)),
    );
  }
  const expected = secrets.map((candidate) =>
    andThen(attestaKey(engine, candidate), (key) => primitives.hmac(key, parts, "hex")),
  );
  return andThen(all(expected), (values) => {
    let matched = false;
    // Every secret is compared so timing does not reveal which one matched.
    for (const value of values) if (primitives.equal(value, received)) matched = true;
    return matched;
  });
}
