/**
 * Bounded body reading through Hono's request wrapper.
 *
 * @module
 */
import type { HonoRequest } from "hono";
import { payloadTooLarge } from "../../protocol/payload-too-large";
import { AttestaVerificationError } from "../../protocol/verification-error";

/**
 * Reads the body of `req` up to `limit` bytes, leaving it readable for later
 * handlers (`c.req.json()`, `c.req.text()`, …). A declared Content-Length
 * over the limit fails without reading; a body of unknown length is streamed
 * and reading stops as soon as it crosses the limit.
 *
 * @throws AttestaVerificationError `payload_too_large` (413) or `body_read_failed` (400).
 * @example
 * ```ts
 * const bytes = await readHonoBody(c.req, 1024 * 1024);
 * ```
 */
export async function readHonoBody(req: HonoRequest, limit: number): Promise<Uint8Array> {
  const declared = req.header("content-length");
  if (declared !== undefined && Number(declared) > limit) throw payloadTooLarge(limit);
  try {
    if (declared !== undefined || req.raw.bodyUsed || req.raw.body === null) {
      // Length known, or a body an earlier handler already read through c.req (cached).
      const bytes = new Uint8Array(await req.arrayBuffer());
      if (bytes.byteLength > limit) throw payloadTooLarge(limit);
      return bytes;
    }
    // Unknown length: measure a clone while streaming, so reading stops at the
    // limit and the original stays unread for Hono's cached c.req.arrayBuffer().
    const probe = req.raw.clone().body;
    if (probe === null) return new Uint8Array(await req.arrayBuffer());
    const reader = probe.getReader();
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        // Cancel both tee branches so the runtime stops receiving the body.
        reader.cancel().catch(() => undefined);
        req.raw.body?.cancel().catch(() => undefined);
        throw payloadTooLarge(limit);
      }
    }
    return new Uint8Array(await req.arrayBuffer());
  } catch (error) {
    if (error instanceof AttestaVerificationError) throw error;
    throw new AttestaVerificationError("body_read_failed", "Could not read the request body.", {
      cause: error,
    });
  }
}
