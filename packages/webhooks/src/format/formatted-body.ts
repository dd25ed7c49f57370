/**
 * The body of one delivery with what travels beside it: the content type and
 * extra headers a format function may ask for. Checked once, when the body is
 * made, so that a bad header dead-letters that delivery (`format_failed`)
 * instead of failing every attempt.
 *
 * @module
 */
import { WebhookFormatError } from "../errors";

/** The bytes a delivery sends and, when its format set them, its own content type and headers. */
export interface FormattedBody {
  readonly body: Uint8Array;
  /** The request's `Content-Type`; absent: `application/json`. */
  readonly contentType?: string;
  /** Extra request headers, names lower-case; absent: none. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * What a format function returns to set the content type or headers: the
 * body (a string, bytes or a JSON value, as a bare return) with
 * `contentType` and/or `headers`, and no other key.
 */
export interface FormatOutput {
  readonly body: unknown;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Headers the transport owns: the signature and identity headers are computed
 * over the exact body, and the framing headers come from the body itself.
 */
const RESERVED: ReadonlySet<string> = new Set([
  "content-type",
  "content-length",
  "transfer-encoding",
  "host",
  "connection",
  "user-agent",
  "x-attesta-signature",
  "x-attesta-delivery",
  "x-attesta-event",
  "webhook-id",
  "webhook-timestamp",
  "webhook-signature",
]);

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// A field value without CR, LF, NUL or other control characters (tab allowed).
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const MEDIA_TYPE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+(\s*;.*)?$/;
const MAX_HEADERS = 32;
const MAX_HEADER_BYTES = 8192;
const KEYS: ReadonlySet<string> = new Set(["body", "contentType", "headers"]);

/**
 * Whether a format function's value is a {@link FormatOutput} rather than a
 * JSON body: an object with `body` and `contentType` or `headers`, and no
 * other key. A JSON body such as `{ body: "…" }` alone stays a JSON body.
 */
export function isFormatOutput(value: unknown): value is FormatOutput {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  if (value instanceof Uint8Array || !Object.hasOwn(value, "body")) return false;
  const keys = Object.keys(value);
  return (
    keys.every((key) => KEYS.has(key)) &&
    (Object.hasOwn(value, "contentType") || Object.hasOwn(value, "headers"))
  );
}

/** Checks and normalises the content type and headers of a format's output. */
export function checkEnvelope(
  output: FormatOutput,
  body: Uint8Array,
  endpointId: string,
  type: string,
): FormattedBody {
  const contentType = checkContentType(output.contentType, endpointId, type);
  const headers = checkHeaders(output.headers, endpointId, type);
  return {
    body,
    ...(contentType === undefined ? {} : { contentType }),
    ...(headers === undefined ? {} : { headers }),
  };
}

function checkContentType(value: unknown, endpointId: string, type: string): string | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== "string" ||
    value.length > 256 ||
    !MEDIA_TYPE.test(value) ||
    !FIELD_VALUE.test(value)
  ) {
    throw refused(
      endpointId,
      type,
      `returned contentType ${JSON.stringify(value)}, which is not a media type`,
      'return contentType as "type/subtype" with optional parameters, e.g. "text/plain; charset=utf-8"',
    );
  }
  return value;
}

function checkHeaders(
  value: unknown,
  endpointId: string,
  type: string,
): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw refused(
      endpointId,
      type,
      "returned headers that are not an object",
      'return headers as { "x-name": "value" }',
    );
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_HEADERS) {
    throw refused(
      endpointId,
      type,
      `returned ${entries.length} headers`,
      `return at most ${MAX_HEADERS} headers`,
    );
  }
  const headers: Record<string, string> = {};
  let bytes = 0;
  for (const [name, text] of entries) {
    const lower = name.toLowerCase();
    checkHeader(lower, text, endpointId, type);
    headers[lower] = text as string;
    bytes += lower.length + (text as string).length;
  }
  if (bytes > MAX_HEADER_BYTES) {
    throw refused(
      endpointId,
      type,
      `returned ${bytes} bytes of headers`,
      `keep the headers under ${MAX_HEADER_BYTES} bytes`,
    );
  }
  return entries.length === 0 ? undefined : headers;
}

function checkHeader(name: string, value: unknown, endpointId: string, type: string): void {
  if (!TOKEN.test(name)) {
    throw refused(
      endpointId,
      type,
      `returned the header name ${JSON.stringify(name)}, which is not an HTTP token`,
      "use letters, digits and - in header names",
    );
  }
  if (RESERVED.has(name)) {
    throw refused(
      endpointId,
      type,
      `returned the header "${name}", which the transport sets itself (signature, identity and framing headers are computed over the exact body)`,
      `leave out ${[...RESERVED].join(", ")}; set the content type with contentType`,
    );
  }
  if (typeof value !== "string" || !FIELD_VALUE.test(value)) {
    throw refused(
      endpointId,
      type,
      `returned a value for the header "${name}" that is not a single-line string`,
      "return header values as strings without line breaks or control characters",
    );
  }
}

function refused(endpointId: string, type: string, what: string, fix: string): WebhookFormatError {
  return new WebhookFormatError(endpointId, `${what} for a "${type}" event`, undefined, fix);
}
