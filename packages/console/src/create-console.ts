/**
 * `createConsole`: the one Fetch handler that serves the UI, the JSON API and
 * the OpenAPI document, with authentication, roles, CSRF checks, rate limits
 * and security headers on every response.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { apiRoutes, findRoute } from "./api-routes";
import { authenticate, passesCsrf } from "./authenticate";
import { BulkLimiter } from "./bulk-limiter";
import { type ConsoleOptions, type ResolvedOptions, resolveOptions } from "./console-options";
import { openApiDocument } from "./openapi";
import { ProblemError, problem } from "./problem";
import { type EmbedTokenOptions, signEmbedToken } from "./signed-tokens";
import { serveAsset, uiAssets } from "./ui/assets";

/** A mounted console: serve `fetch` from Hono, Bun or Deno, or mount it with `expressConsole` / `koaConsole`. */
export interface Console {
  /** Answers one request under the console's base path. */
  fetch(request: Request): Promise<Response>;
  /**
   * A signed, short-lived token for a customer's portal: it shows only
   * `endpoints` and their deliveries. Open the UI with `#token=<token>`.
   */
  embedToken(options: EmbedTokenOptions): string;
  /** The base path it answers under. */
  readonly basePath: string;
}

function securityHeaders(options: ResolvedOptions): Record<string, string> {
  const frames = ["'self'", ...options.frameAncestors].join(" ");
  return {
    "content-security-policy": `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors ${frames}`,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
  };
}

/**
 * Creates the delivery console over one source.
 *
 * @throws TypeError for an invalid option, naming it and the fix.
 * @example
 * ```ts
 * import { createConsole, expressConsole } from "@attesta/console";
 * import { dispatcherAdmin } from "@attesta/webhooks";
 *
 * const console = createConsole({ source: dispatcherAdmin(dispatcher), operatorToken: process.env.CONSOLE_TOKEN, basePath: "/console" });
 * app.use("/console", expressConsole(console));
 * ```
 */
export function createConsole(options: ConsoleOptions): Console {
  const resolved = resolveOptions(options);
  const key = resolved.signingKey ?? randomBytes(32).toString("base64url");
  const routes = apiRoutes(new BulkLimiter(resolved.bulkActionsPerMinute));
  const assets = uiAssets(resolved.basePath);
  const headers = securityHeaders(resolved);
  const openApi = JSON.stringify(openApiDocument(resolved.basePath));

  async function answer(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const { basePath } = resolved;
    if (url.pathname === basePath && basePath !== "")
      return new Response(null, {
        status: 308,
        headers: { location: `${basePath}/${url.search}` },
      });
    if (!url.pathname.startsWith(`${basePath}/`))
      throw new ProblemError("not-found", "Outside the console.");
    const path = url.pathname.slice(basePath.length);
    const isRead = request.method === "GET" || request.method === "HEAD";
    if (path === "/" && isRead) return serveAsset(request, assets.page);
    const file = assets.files.get(path);
    if (file !== undefined && isRead) return serveAsset(request, file);
    if (path === "/openapi.json" && isRead)
      return new Response(openApi, { headers: { "content-type": "application/json" } });
    if (!path.startsWith("/api/")) throw new ProblemError("not-found", "No such page.");
    const { route, id } = findRoute(routes, request.method, path.slice(4));
    const session = await authenticate(request, resolved, key);
    if (session === undefined)
      throw new ProblemError("unauthorized", "Send Authorization: Bearer <token>.");
    if (route.method === "POST") {
      if (session.principal.role !== "operator")
        throw new ProblemError("forbidden", "Actions need the operator role.");
      if (!passesCsrf(request, session, key))
        throw new ProblemError(
          "csrf",
          "Send the csrfToken of GET /api/session in X-CSRF-Token, from the console's own origin.",
        );
    }
    return route.handler({ options: resolved, key, session, request, url }, id);
  }

  return {
    basePath: resolved.basePath,
    embedToken: (tokenOptions) => signEmbedToken(key, tokenOptions),
    async fetch(request) {
      let response: Response;
      try {
        response = await answer(request);
      } catch (error) {
        response = toProblem(error);
      }
      for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
      if (!response.headers.has("cache-control")) response.headers.set("cache-control", "no-store");
      return response;
    },
  };
}

function toProblem(error: unknown): Response {
  if (error instanceof ProblemError) return problem(error.kind, error.message, error.headers);
  // A source's TypeError is about the request (a bad cursor, a refused action); its message holds no secret.
  if (error instanceof TypeError) return problem("invalid-request", error.message);
  return problem("source-failed", "The delivery source failed to answer.");
}
