import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { BODY, malformedSignatures, SECRET } from "../../test/support/deliveries";
import { sign, verifySignature, verifySignatureAsync } from "../index";

const reference = (body: string | Buffer, secret: string) =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

describe("verifySignature (node:crypto)", () => {
  it("returns true synchronously for a matching signature", () => {
    const result = verifySignature(BODY, reference(BODY, SECRET), SECRET);
    expect(result).toBe(true);
  });

  it("accepts the body as string, Buffer, Uint8Array, ArrayBuffer and DataView", () => {
    const signature = reference(BODY, SECRET);
    const buffer = Buffer.from(BODY);
    const arrayBuffer = buffer.buffer.slice(
      buffer.byteOffset,
      buffer.byteOffset + buffer.byteLength,
    );
    for (const body of [
      BODY,
      buffer,
      new Uint8Array(buffer),
      arrayBuffer,
      new DataView(arrayBuffer),
    ]) {
      expect(verifySignature(body, signature, SECRET)).toBe(true);
    }
  });

  it("reads only the viewed bytes of a Uint8Array inside a larger buffer", () => {
    const padded = Buffer.from(`xx${BODY}yy`);
    expect(
      verifySignature(padded.subarray(2, padded.length - 2), reference(BODY, SECRET), SECRET),
    ).toBe(true);
  });

  it("returns false for a tampered body", () => {
    expect(verifySignature(`${BODY} `, reference(BODY, SECRET), SECRET)).toBe(false);
  });

  it("returns false, without throwing, for missing and malformed signatures", () => {
    expect(verifySignature(BODY, undefined, SECRET)).toBe(false);
    expect(verifySignature(BODY, null, SECRET)).toBe(false);
    for (const [label, value] of Object.entries({
      ...malformedSignatures(BODY, SECRET),
      "leading space": ` ${reference(BODY, SECRET)}`,
      "trailing newline": `${reference(BODY, SECRET)}\n`,
      "Arabic-Indic digit": `${reference(BODY, SECRET).slice(0, -1)}\u0660`,
      "fullwidth digit": `${reference(BODY, SECRET).slice(0, -1)}\uff10`,
      "lone surrogate": `${reference(BODY, SECRET).slice(0, -1)}\ud800`,
    })) {
      expect(verifySignature(BODY, value, SECRET), label).toBe(false);
    }
  });

  it("returns false for a non-string signature from untyped callers", () => {
    for (const value of [42, ["sha256=00"], {}, Buffer.from(reference(BODY, SECRET))]) {
      expect(verifySignature(BODY, value as unknown as string, SECRET)).toBe(false);
    }
  });

  it("accepts any secret of a rotation list and rejects a secret outside it", () => {
    const signature = reference(BODY, "old");
    expect(verifySignature(BODY, signature, ["new", "old"])).toBe(true);
    expect(verifySignature(BODY, signature, ["new", "newer"])).toBe(false);
  });

  it("throws a TypeError for a missing or empty secret, even when the signature is missing", () => {
    for (const secret of [undefined, null, "", [], [""], ["ok", 3], 42]) {
      expect(
        () => verifySignature(BODY, undefined, secret as unknown as string),
        String(secret),
      ).toThrow(TypeError);
    }
    expect(() => verifySignature(BODY, reference(BODY, SECRET), "")).toThrow(
      /@attesta\/verify: secret must be/,
    );
  });

  it("throws a TypeError that explains raw bytes when given a parsed object", () => {
    expect(() => verifySignature(JSON.parse(BODY), reference(BODY, SECRET), SECRET)).toThrow(
      /not a parsed JSON object/,
    );
    expect(() => verifySignature(JSON.parse(BODY), undefined, SECRET)).toThrow(TypeError);
  });

  it("agrees with its async variant", async () => {
    await expect(verifySignatureAsync(BODY, sign(BODY, SECRET), SECRET)).resolves.toBe(true);
    await expect(verifySignatureAsync(BODY, "sha256=00", SECRET)).resolves.toBe(false);
    await expect(verifySignatureAsync(BODY, undefined, "")).rejects.toThrow(TypeError);
  });
});
