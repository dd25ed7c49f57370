/**
 * The reason a receiver gave for refusing a delivery, read from its response
 * body, so "HTTP 401" can say whether the signature was wrong or missing.
 *
 * @module
 */

/** What the receiver said, when it said anything readable. */
export interface ReceiverError {
  /** A machine-readable code (`"invalid_signature"`), when the body has one. */
  readonly code?: string;
  /** A human-readable message, at most 200 characters. */
  readonly message?: string;
}

const MAX_MESSAGE = 200;
const decoder = new TextDecoder();

/**
 * Reads `{ "error": { "code", "message" } }`, `{ "error": "…", "code": "…" }`,
 * `{ "code", "message" }`, `{ "message" }`, `{ "detail" }`,
 * `{ "error_description" }` and `{ "errors": [{ … }] }` bodies, and plain
 * text. Returns `undefined` for anything else (HTML error pages, binary).
 *
 * @param body - the first bytes of the response body (it may be cut).
 * @example
 * ```ts
 * readReceiverError('{"error":{"code":"invalid_signature","message":"Invalid signature."}}', "application/json");
 * // { code: "invalid_signature", message: "Invalid signature." }
 * ```
 */
export function readReceiverError(
  body: string | Uint8Array | undefined,
  contentType = "",
): ReceiverError | undefined {
  if (body === undefined || body.length === 0) return undefined;
  const text = (typeof body === "string" ? body : decoder.decode(body)).trim();
  const type = contentType.toLowerCase();
  if (type.includes("json") || text.startsWith("{")) {
    try {
      return fromJson(JSON.parse(text));
    } catch {
      return undefined;
    }
  }
  if (type.startsWith("text/plain")) return pick(undefined, text);
  return undefined;
}

/**
 * ` (receiver: invalid_signature, "Invalid signature.")`, or `""` when there
 * is nothing to add; for the end of an error message.
 *
 * @example
 * ```ts
 * `answered HTTP 401${describeReceiverError({ code: "missing_signature" })}`;
 * ```
 */
export function describeReceiverError(error: ReceiverError | undefined): string {
  if (error === undefined) return "";
  const parts = [
    error.code,
    error.message === undefined ? undefined : JSON.stringify(error.message),
  ];
  return ` (receiver: ${parts.filter((part) => part !== undefined).join(", ")})`;
}

function fromJson(value: unknown): ReceiverError | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const body = value as Record<string, unknown>;
  const { error } = body;
  if (typeof error === "object" && error !== null && !Array.isArray(error)) {
    const inner = error as Record<string, unknown>;
    return pick(inner.code ?? inner.type, inner.message ?? inner.detail);
  }
  if (Array.isArray(body.errors) && typeof body.errors[0] === "object" && body.errors[0] !== null) {
    const first = body.errors[0] as Record<string, unknown>;
    return pick(first.code, first.message ?? first.detail ?? first.title);
  }
  const message = typeof error === "string" ? error : undefined;
  return pick(
    body.code ?? body.error_code,
    message ?? body.message ?? body.detail ?? body.error_description,
  );
}

function pick(code: unknown, message: unknown): ReceiverError | undefined {
  const codeText = typeof code === "string" || typeof code === "number" ? clean(String(code)) : "";
  const messageText = typeof message === "string" ? clean(message) : "";
  if (codeText === "" && messageText === "") return undefined;
  return {
    ...(codeText === "" ? {} : { code: codeText.slice(0, 64) }),
    ...(messageText === "" ? {} : { message: messageText }),
  };
}

/** One line of printable text, cut: it ends up in log lines. */
function clean(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed.
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE - 3)}...` : line;
}
