import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { BODY, malformedSignatures, SECRET } from "../../test/support/deliveries";
import { sign, signAsync, verifySignature, verifySignatureAsync } from "./index";

const reference = (body: string, secret: string) =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
const malformed = {
  ...malformedSignatures(BODY, SECRET),
  "leading space": ` ${reference(BODY, SECRET)}`,
  "Arabic-Indic digit": `${reference(BODY, SECRET).slice(0, -1)}\u0660`,
};

describe("sign and verifySignature (portable build)", () => {
  it("produces the same header value as node:crypto", () => {
    for (const body of ["", BODY, "\u00e9\u{1f600}", "x".repeat(10_000)]) {
      expect(sign(body, SECRET)).toBe(reference(body, SECRET));
    }
  });

  it("verifies synchronously and rejects tampering", () => {
    expect(verifySignature(BODY, reference(BODY, SECRET), SECRET)).toBe(true);
    expect(
      verifySignature(new TextEncoder().encode(BODY).buffer, reference(BODY, SECRET), SECRET),
    ).toBe(true);
    expect(verifySignature(`${BODY} `, reference(BODY, SECRET), SECRET)).toBe(false);
  });

  it("returns false for missing and malformed signatures", () => {
    expect(verifySignature(BODY, null, SECRET)).toBe(false);
    for (const [label, value] of Object.entries(malformed)) {
      expect(verifySignature(BODY, value, SECRET), label).toBe(false);
    }
  });

  it("accepts any secret of a rotation list", () => {
    expect(verifySignature(BODY, reference(BODY, "old"), ["new", "old"])).toBe(true);
    expect(verifySignature(BODY, reference(BODY, "gone"), ["new", "old"])).toBe(false);
  });

  it("throws a TypeError for a missing secret and for a parsed-object body", () => {
    expect(() => verifySignature(BODY, undefined, "")).toThrow(TypeError);
    expect(() => sign(BODY, "")).toThrow(TypeError);
    expect(() => verifySignature({} as unknown as string, reference(BODY, SECRET), SECRET)).toThrow(
      /raw request body/,
    );
  });
});

describe("signAsync and verifySignatureAsync (Web Crypto)", () => {
  it("signs exactly like node:crypto", async () => {
    await expect(signAsync(BODY, SECRET)).resolves.toBe(reference(BODY, SECRET));
  });

  it("verifies, rejects tampering and handles rotation", async () => {
    await expect(verifySignatureAsync(BODY, reference(BODY, SECRET), SECRET)).resolves.toBe(true);
    await expect(verifySignatureAsync(`${BODY}!`, reference(BODY, SECRET), SECRET)).resolves.toBe(
      false,
    );
    await expect(verifySignatureAsync(BODY, reference(BODY, "old"), ["new", "old"])).resolves.toBe(
      true,
    );
  });

  it("resolves false for missing and malformed signatures", async () => {
    await expect(verifySignatureAsync(BODY, undefined, SECRET)).resolves.toBe(false);
    for (const [label, value] of Object.entries(malformed)) {
      await expect(verifySignatureAsync(BODY, value, SECRET), label).resolves.toBe(false);
    }
  });

  it("rejects with a TypeError for a missing secret", async () => {
    await expect(verifySignatureAsync(BODY, reference(BODY, SECRET), [])).rejects.toThrow(
      TypeError,
    );
    await expect(signAsync(BODY, "")).rejects.toThrow(TypeError);
  });
});

describe("ed25519 on a runtime whose Web Crypto lacks it", () => {
  it("rejects with an error that says so and how to proceed, then works once it is there", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const { signStandardWebhookAsync } = await import("./index");
    const { privateKey } = generateKeyPairSync("ed25519");
    const seed = privateKey.export({ format: "der", type: "pkcs8" }).subarray(-32);
    const message = { id: "msg_1", timestamp: 1, secret: `whsk_${seed.toString("base64")}` };
    const subtle = globalThis.crypto.subtle;
    const importKey = subtle.importKey;
    // Stands in for a runtime without Ed25519: the algorithm is refused at import.
    subtle.importKey = (async () => {
      throw new DOMException("Unrecognized algorithm name", "NotSupportedError");
    }) as typeof importKey;
    try {
      await expect(signStandardWebhookAsync(BODY, message)).rejects.toThrow(
        /Web Crypto does not support Ed25519.*Fix: use whsec_ \(v1, HMAC\) secrets/,
      );
    } finally {
      subtle.importKey = importKey;
    }
    await expect(signStandardWebhookAsync(BODY, message)).resolves.toMatch(/^v1a,/);
  });
});
