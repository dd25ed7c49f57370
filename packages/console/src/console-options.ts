/**
 * What `createConsole` takes, and its checks at factory time.
 *
 * @module
 */
import type { DeliveryAdmin } from "@attesta/webhooks";
import { refuseUnknownKeys } from "./strict-keys";

/** `viewer` reads; `operator` also acts (redeliver, retry, recover, enable, disable, rotate). */
export type ConsoleRole = "viewer" | "operator";

/** Who is asking, as `authorize` or a token says. */
export interface ConsolePrincipal {
  readonly role: ConsoleRole;
  /** When set, only these endpoints and their deliveries are visible (an embedded portal). */
  readonly endpoints?: readonly string[];
}

/** Options of `createConsole`. At least one of `operatorToken`, `viewerToken` or `authorize` is required. */
export interface ConsoleOptions {
  /** Where deliveries come from: `dispatcherAdmin(dispatcher)`, `SqliteStore.inspect(path).admin()`, `queues.admin()`. */
  readonly source: DeliveryAdmin;
  /** A bearer token (at least 16 characters) that grants the operator role. */
  readonly operatorToken?: string;
  /** A bearer token (at least 16 characters) that grants the viewer role. */
  readonly viewerToken?: string;
  /**
   * Your own check (session cookie, SSO header): return the principal, or
   * `undefined` to fall through to the tokens (and to 401 without one).
   */
  readonly authorize?: (
    request: Request,
  ) => ConsolePrincipal | undefined | Promise<ConsolePrincipal | undefined>;
  /** Key (at least 32 characters) that signs embed and CSRF tokens; default: random per process. */
  readonly signingKey?: string;
  /** The path the console is mounted at, e.g. `"/console"`; default `""` (the root). */
  readonly basePath?: string;
  /** Bulk actions (retry, recover) per principal per minute; default 6. */
  readonly bulkActionsPerMinute?: number;
  /** Origins allowed to frame the UI (an embedded portal), e.g. `["https://app.example.com"]`; default: same origin only. */
  readonly frameAncestors?: readonly string[];
}

export interface ResolvedOptions {
  readonly source: DeliveryAdmin;
  readonly operatorToken?: string;
  readonly viewerToken?: string;
  readonly authorize?: ConsoleOptions["authorize"];
  readonly signingKey?: string;
  readonly basePath: string;
  readonly bulkActionsPerMinute: number;
  readonly frameAncestors: readonly string[];
}

const KEYS = [
  "source",
  "operatorToken",
  "viewerToken",
  "authorize",
  "signingKey",
  "basePath",
  "bulkActionsPerMinute",
  "frameAncestors",
];
const SOURCE_METHODS = [
  "endpoints",
  "deliveries",
  "delivery",
  "redeliver",
  "retry",
  "recover",
  "stats",
];

function fail(what: string, fix: string): never {
  throw new TypeError(`@attesta/console: createConsole(options).${what}. Fix: ${fix}.`);
}

function token(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.length < 16)
    fail(
      `${name} must be a string of at least 16 characters`,
      'generate one with crypto.randomBytes(24).toString("base64url")',
    );
  return value;
}

/** Checks every option and fills in the defaults; a TypeError names the first bad one. */
export function resolveOptions(options: ConsoleOptions): ResolvedOptions {
  if (typeof options !== "object" || options === null)
    fail("options must be an object", "pass { source, operatorToken }");
  refuseUnknownKeys(options, KEYS, "createConsole(options)");
  const source = options.source as unknown as Record<string, unknown> | undefined;
  if (
    typeof source !== "object" ||
    source === null ||
    SOURCE_METHODS.some((m) => typeof source[m] !== "function") ||
    typeof source.capabilities !== "object"
  )
    fail(
      "source must be a DeliveryAdmin",
      "pass dispatcherAdmin(dispatcher), SqliteStore.inspect(path).admin() or queues.admin()",
    );
  const operatorToken = token(options.operatorToken, "operatorToken");
  const viewerToken = token(options.viewerToken, "viewerToken");
  if (options.authorize !== undefined && typeof options.authorize !== "function")
    fail("authorize must be a function", 'pass (request) => ({ role: "viewer" }) or undefined');
  if (operatorToken === undefined && viewerToken === undefined && options.authorize === undefined)
    fail(
      "needs operatorToken, viewerToken or authorize: the console has no open default",
      "pass operatorToken: process.env.ATTESTA_CONSOLE_TOKEN",
    );
  if (operatorToken !== undefined && operatorToken === viewerToken)
    fail("viewerToken must differ from operatorToken", "use two different tokens");
  const signingKey = options.signingKey;
  if (signingKey !== undefined && (typeof signingKey !== "string" || signingKey.length < 32))
    fail(
      "signingKey must be a string of at least 32 characters",
      'generate one with crypto.randomBytes(32).toString("base64url")',
    );
  const basePath = options.basePath ?? "";
  if (
    typeof basePath !== "string" ||
    (basePath !== "" && !/^(\/[A-Za-z0-9._~-]+)+$/.test(basePath))
  )
    fail(
      `basePath must be "" or a path like "/console" without a trailing slash; got ${JSON.stringify(basePath)}`,
      'pass e.g. "/console"',
    );
  const bulk = options.bulkActionsPerMinute ?? 6;
  if (!Number.isInteger(bulk) || bulk < 1 || bulk > 1000)
    fail("bulkActionsPerMinute must be an integer from 1 to 1000", "pass e.g. 6");
  const frameAncestors = options.frameAncestors ?? [];
  if (
    !Array.isArray(frameAncestors) ||
    frameAncestors.some(
      (o) => typeof o !== "string" || !/^https?:\/\/[A-Za-z0-9.-]+(:\d+)?$/.test(o),
    )
  )
    fail("frameAncestors must be an array of origins", 'pass e.g. ["https://app.example.com"]');
  return {
    source: options.source,
    ...(operatorToken === undefined ? {} : { operatorToken }),
    ...(viewerToken === undefined ? {} : { viewerToken }),
    ...(options.authorize === undefined ? {} : { authorize: options.authorize }),
    ...(signingKey === undefined ? {} : { signingKey }),
    basePath,
    bulkActionsPerMinute: bulk,
    frameAncestors,
  };
}
