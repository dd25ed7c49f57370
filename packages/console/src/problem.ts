/**
 * Errors as RFC 9457 problem details (`application/problem+json`).
 *
 * @module
 */

/** The problem kinds the API answers with; each is documented in the OpenAPI document. */
export type ProblemKind =
  | "unauthorized"
  | "forbidden"
  | "csrf"
  | "not-found"
  | "invalid-request"
  | "not-supported"
  | "rate-limited"
  | "source-failed";

const STATUS: Record<ProblemKind, [number, string]> = {
  unauthorized: [401, "Authentication required"],
  forbidden: [403, "Not allowed"],
  csrf: [403, "CSRF check failed"],
  "not-found": [404, "Not found"],
  "invalid-request": [400, "Invalid request"],
  "not-supported": [409, "Not supported by this source"],
  "rate-limited": [429, "Too many bulk actions"],
  "source-failed": [502, "The delivery source failed"],
};

/** A problem+json response; `detail` must not hold a secret. */
export function problem(
  kind: ProblemKind,
  detail: string,
  headers: Record<string, string> = {},
): Response {
  const [status, title] = STATUS[kind];
  return new Response(
    JSON.stringify({ type: `urn:attesta:console:problem:${kind}`, title, status, detail }),
    {
      status,
      headers: {
        "content-type": "application/problem+json",
        ...(kind === "unauthorized"
          ? { "www-authenticate": 'Bearer realm="attesta-console"' }
          : {}),
        ...headers,
      },
    },
  );
}

/** A thrown problem, turned into its response by the router. */
export class ProblemError extends Error {
  constructor(
    readonly kind: ProblemKind,
    detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = "ProblemError";
  }
}

/** A JSON response. */
export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}
