import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sign as signNode, verifySignature as verifyNode } from "../src/index";
import type { SignableBody } from "../src/protocol/types";
import { verifySignature as verifyWeb } from "../src/web/index";

const NUM_RUNS = 10_000;
const HEX = "0123456789abcdef";

type Mutation =
  | { kind: "flip-bit"; index: number; bit: number }
  | { kind: "insert-byte"; index: number; byte: number }
  | { kind: "delete-byte"; index: number }
  | { kind: "replace-hex"; index: number; shift: number }
  | { kind: "upper-case-hex"; index: number }
  | { kind: "truncate-signature"; keep: number }
  | { kind: "extend-signature"; extra: string }
  | { kind: "change-prefix"; prefix: string }
  | { kind: "replace-signature"; value: string }
  | { kind: "wrong-secret"; suffix: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant("flip-bit" as const),
    index: fc.nat(),
    bit: fc.integer({ min: 0, max: 7 }),
  }),
  fc.record({
    kind: fc.constant("insert-byte" as const),
    index: fc.nat(),
    byte: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({ kind: fc.constant("delete-byte" as const), index: fc.nat() }),
  fc.record({
    kind: fc.constant("replace-hex" as const),
    index: fc.integer({ min: 0, max: 63 }),
    shift: fc.integer({ min: 1, max: 15 }),
  }),
  fc.record({
    kind: fc.constant("upper-case-hex" as const),
    index: fc.integer({ min: 0, max: 63 }),
  }),
  fc.record({
    kind: fc.constant("truncate-signature" as const),
    keep: fc.integer({ min: 0, max: 70 }),
  }),
  fc.record({
    kind: fc.constant("extend-signature" as const),
    extra: fc.string({ minLength: 1, maxLength: 8, unit: "binary" }),
  }),
  fc.record({
    kind: fc.constant("change-prefix" as const),
    prefix: fc.string({ maxLength: 9, unit: "binary" }).filter((prefix) => prefix !== "sha256="),
  }),
  fc.record({
    kind: fc.constant("replace-signature" as const),
    value: fc.string({ maxLength: 90, unit: "binary" }),
  }),
  fc.record({
    kind: fc.constant("wrong-secret" as const),
    suffix: fc.string({ minLength: 1, maxLength: 4 }),
  }),
);

/** Applies `m` to a correctly signed delivery; every result differs from the original. */
function mutate(body: Uint8Array, signature: string, secret: string, m: Mutation) {
  const hex = signature.slice(7);
  switch (m.kind) {
    case "flip-bit": {
      if (body.length === 0) return { body: Uint8Array.of(1 << m.bit), signature, secret };
      const copy = Uint8Array.from(body);
      copy[m.index % body.length]! ^= 1 << m.bit;
      return { body: copy, signature, secret };
    }
    case "insert-byte": {
      const at = m.index % (body.length + 1);
      const copy = new Uint8Array(body.length + 1);
      copy.set(body.subarray(0, at));
      copy[at] = m.byte;
      copy.set(body.subarray(at), at + 1);
      return { body: copy, signature, secret };
    }
    case "delete-byte": {
      if (body.length === 0) return { body: Uint8Array.of(0), signature, secret };
      const at = m.index % body.length;
      const copy = new Uint8Array(body.length - 1);
      copy.set(body.subarray(0, at));
      copy.set(body.subarray(at + 1), at);
      return { body: copy, signature, secret };
    }
    case "replace-hex": {
      const digit = HEX[(HEX.indexOf(hex[m.index]!) + m.shift) % 16]!;
      return {
        body,
        signature: `sha256=${hex.slice(0, m.index)}${digit}${hex.slice(m.index + 1)}`,
        secret,
      };
    }
    case "upper-case-hex": {
      // Force a letter at this position so upper-casing always changes the value.
      const letter = "abcdef"[m.index % 6]!;
      const lowered = `${hex.slice(0, m.index)}${letter}${hex.slice(m.index + 1)}`;
      const upper = `${hex.slice(0, m.index)}${letter.toUpperCase()}${hex.slice(m.index + 1)}`;
      return { body, signature: `sha256=${hex[m.index] === letter ? upper : lowered}`, secret };
    }
    case "truncate-signature":
      return { body, signature: signature.slice(0, m.keep), secret };
    case "extend-signature":
      return { body, signature: signature + m.extra, secret };
    case "change-prefix":
      return { body, signature: m.prefix + hex, secret };
    case "replace-signature":
      return { body, signature: m.value === signature ? `${m.value}0` : m.value, secret };
    case "wrong-secret":
      return { body, signature, secret: secret + m.suffix };
  }
}

const bodies: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.string({ maxLength: 200, unit: "grapheme" }).map((text) => new TextEncoder().encode(text)),
  fc
    .record({
      event: fc.constantFrom("APPROVED", "DENIED"),
      data: fc.dictionary(fc.string(), fc.jsonValue()),
    })
    .map((payload) => new TextEncoder().encode(JSON.stringify(payload))),
);
const secrets = fc.string({ minLength: 1, maxLength: 80 });

for (const [build, verify] of [
  ["node:crypto", verifyNode],
  ["portable", verifyWeb],
] as const) {
  describe(`verifySignature under random mutation (${build} build)`, () => {
    it(`rejects every one of ${NUM_RUNS} mutated bodies, signatures and secrets without throwing`, () => {
      let checked = 0;
      fc.assert(
        fc.property(bodies, secrets, mutation, (body, secret, m) => {
          const signature = signNode(body, secret);
          const mutated = mutate(body, signature, secret, m);
          let result: boolean | "threw";
          try {
            result = verify(mutated.body as SignableBody, mutated.signature, mutated.secret);
          } catch {
            result = "threw";
          }
          checked += 1;
          return result === false;
        }),
        { numRuns: NUM_RUNS },
      );
      expect(checked).toBeGreaterThanOrEqual(NUM_RUNS);
    });

    it("accepts every unmutated delivery", () => {
      fc.assert(
        fc.property(bodies, secrets, (body, secret) =>
          verify(body, signNode(body, secret), secret),
        ),
        { numRuns: 1_000 },
      );
    });
  });
}
