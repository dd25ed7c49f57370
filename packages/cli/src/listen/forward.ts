/**
 * Passing a verified delivery on to the app under development.
 *
 * @module
 */
import type { IncomingHttpHeaders } from "node:http";

/** The forward target's answer, or why there was none. */
export type Forwarded =
  | { ok: true; status: number; contentType: string | null; body: Uint8Array }
  | { ok: false; error: string };

// Connection-level headers describe the hop from the sender, not the one to the app.
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "host",
  "upgrade",
  "te",
  "trailer",
  "proxy-connection",
  "expect",
]);

function forwardHeaders(headers: IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    for (const item of Array.isArray(value) ? value : [value]) out.append(name, item);
  }
  return out;
}

/**
 * POSTs the exact body with the sender's headers (signature included, so the
 * app verifies it too) and returns the app's answer.
 */
export async function forward(
  url: URL,
  body: Uint8Array,
  headers: IncomingHttpHeaders,
  timeoutMs: number,
): Promise<Forwarded> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: forwardHeaders(headers),
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    const answer = new Uint8Array(await response.arrayBuffer());
    return {
      ok: true,
      status: response.status,
      contentType: response.headers.get("content-type"),
      body: answer,
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const name = (error as Error).name;
    return {
      ok: false,
      error:
        name === "TimeoutError"
          ? `no answer within ${timeoutMs} ms`
          : (cause?.code ?? cause?.message ?? (error as Error).message),
    };
  }
}
