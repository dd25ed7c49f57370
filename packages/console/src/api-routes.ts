/**
 * Which handler answers which `/api/…` request, and who may call it.
 *
 * @module
 */
import { recover, redeliver, retry, rotateSecret, toggleEndpoint } from "./api-actions";
import {
  type ApiContext,
  listDeliveries,
  listEndpoints,
  readSession,
  readStats,
  showDelivery,
} from "./api-reads";
import type { BulkLimiter } from "./bulk-limiter";
import { liveEvents } from "./live-events";
import { ProblemError } from "./problem";

type Handler = (context: ApiContext, id: string) => Response | Promise<Response>;

interface Route {
  readonly method: "GET" | "POST";
  readonly pattern: RegExp;
  readonly handler: Handler;
}

/** The routes, with the limiter the bulk actions share. */
export function apiRoutes(limiter: BulkLimiter): readonly Route[] {
  const get = (pattern: RegExp, handler: Handler): Route => ({ method: "GET", pattern, handler });
  const post = (pattern: RegExp, handler: Handler): Route => ({ method: "POST", pattern, handler });
  return [
    get(/^\/session$/, readSession),
    get(/^\/endpoints$/, listEndpoints),
    get(/^\/deliveries$/, listDeliveries),
    get(/^\/deliveries\/([^/]+)$/, showDelivery),
    get(/^\/stats$/, readStats),
    get(/^\/events$/, liveEvents),
    post(/^\/deliveries\/retry$/, (context) => retry(context, limiter)),
    post(/^\/deliveries\/([^/]+)\/redeliver$/, redeliver),
    post(/^\/recover$/, (context) => recover(context, limiter)),
    post(/^\/endpoints\/([^/]+)\/enable$/, (context, id) => toggleEndpoint(context, id, true)),
    post(/^\/endpoints\/([^/]+)\/disable$/, (context, id) => toggleEndpoint(context, id, false)),
    post(/^\/endpoints\/([^/]+)\/rotate-secret$/, rotateSecret),
  ];
}

/** The route for a method and a path under `/api`; a 404 problem when none. */
export function findRoute(
  routes: readonly Route[],
  method: string,
  path: string,
): { route: Route; id: string } {
  const wanted = method === "HEAD" ? "GET" : method;
  let allowed: string | undefined;
  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (match === null) continue;
    if (route.method !== wanted) {
      allowed = route.method;
      continue;
    }
    let id = "";
    try {
      id = decodeURIComponent(match[1] ?? "");
    } catch {
      throw new ProblemError("invalid-request", "The id in the path is not valid URL encoding.");
    }
    return { route, id };
  }
  throw new ProblemError(
    "not-found",
    allowed === undefined ? "No such API path." : `${method} is not allowed here; use ${allowed}.`,
  );
}
