/**
 * One-line mounts for Express and Koa. Hono, Bun and Deno serve
 * `console.fetch` directly.
 *
 * @module
 */
import type { ServerResponse } from "node:http";
import type { Console } from "./create-console";
import { type NodeRequest, nodeListener } from "./node-listener";

const under = (console: Console, url: string | undefined) => {
  const path = (url ?? "/").split("?")[0] ?? "/";
  return (
    console.basePath === "" || path === console.basePath || path.startsWith(`${console.basePath}/`)
  );
};

/**
 * Express middleware (4 or 5): `app.use("/console", expressConsole(console))`
 * with `basePath: "/console"`, or `app.use(expressConsole(console))`.
 *
 * @example
 * ```ts
 * app.use("/console", expressConsole(createConsole({ source, operatorToken, basePath: "/console" })));
 * ```
 */
export function expressConsole(
  console: Console,
): (req: NodeRequest, res: ServerResponse, next: (error?: unknown) => void) => void {
  const listener = nodeListener(console);
  return (req, res, next) => {
    if (!under(console, req.originalUrl ?? req.url)) return next();
    listener(req, res).catch(next);
  };
}

/** The part of a Koa context the adapter uses. */
export interface KoaContextLike {
  req: NodeRequest;
  res: ServerResponse;
  originalUrl: string;
  respond?: boolean;
}

/**
 * Koa middleware (2 or 3): `app.use(koaConsole(console))`; requests outside
 * `basePath` go on to the next middleware.
 *
 * @example
 * ```ts
 * app.use(koaConsole(createConsole({ source, operatorToken, basePath: "/console" })));
 * ```
 */
export function koaConsole(
  console: Console,
): (ctx: KoaContextLike, next: () => Promise<unknown>) => Promise<unknown> {
  const listener = nodeListener(console);
  return async (ctx, next) => {
    if (!under(console, ctx.originalUrl)) return next();
    ctx.respond = false;
    ctx.req.originalUrl = ctx.originalUrl;
    await listener(ctx.req, ctx.res);
  };
}
