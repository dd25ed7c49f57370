/**
 * Who a request is: the `authorize` hook, an embed token, or one of the two
 * bearer tokens. No match is a 401; there is no open default.
 *
 * @module
 */
import type { ConsolePrincipal, ResolvedOptions } from "./console-options";
import { csrfTokenFor, readEmbedToken, sameSecret } from "./signed-tokens";

/** A principal and the credential its CSRF token is bound to. */
export interface Session {
  readonly principal: ConsolePrincipal;
  readonly credential: string;
}

function bearer(request: Request): string | undefined {
  const header = request.headers.get("authorization");
  const match = header === null ? null : /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

/** The session of a request, or undefined when it proves nothing. */
export async function authenticate(
  request: Request,
  options: ResolvedOptions,
  key: string,
): Promise<Session | undefined> {
  const token = bearer(request);
  if (token !== undefined) {
    const credential = `bearer:${token}`;
    const embedded = readEmbedToken(key, token);
    if (embedded !== undefined) return { principal: embedded, credential };
    if (options.operatorToken !== undefined && sameSecret(token, options.operatorToken))
      return { principal: { role: "operator" }, credential };
    if (options.viewerToken !== undefined && sameSecret(token, options.viewerToken))
      return { principal: { role: "viewer" }, credential };
  }
  if (options.authorize === undefined) return undefined;
  const principal = await options.authorize(request);
  if (principal === undefined) return undefined;
  if (principal.role !== "viewer" && principal.role !== "operator")
    throw new TypeError(
      `@attesta/console: authorize(request) returned role ${JSON.stringify(principal.role)}. Fix: return { role: "viewer" } or { role: "operator" }, or undefined.`,
    );
  return {
    principal,
    credential: `hook:${request.headers.get("authorization") ?? ""}|${request.headers.get("cookie") ?? ""}`,
  };
}

/**
 * Whether an action may run: the CSRF token of the session in
 * `X-CSRF-Token`, and, when the browser names an origin, the console's own.
 */
export function passesCsrf(request: Request, session: Session, key: string): boolean {
  const origin = request.headers.get("origin");
  const host = request.headers.get("host") ?? new URL(request.url).host;
  if (origin !== null && URL.canParse(origin) && new URL(origin).host !== host) return false;
  if (origin === "null") return false;
  const given = request.headers.get("x-csrf-token");
  return given !== null && sameSecret(given, csrfTokenFor(key, session.credential));
}
