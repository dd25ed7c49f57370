/**
 * `@attesta/console`: a delivery console for Attesta webhooks — a JSON
 * management API and a web UI in one Fetch handler that mounts into your own
 * Express, Koa or Hono server.
 *
 * @module
 */
export { expressConsole, type KoaContextLike, koaConsole } from "./adapters";
export type { ConsoleOptions, ConsolePrincipal, ConsoleRole } from "./console-options";
export { type Console, createConsole } from "./create-console";
export { type NodeRequest, nodeListener } from "./node-listener";
export type { EmbedTokenOptions } from "./signed-tokens";
export { VERSION } from "./version";
