/**
 * Loads `node:sqlite` without printing its ExperimentalWarning.
 *
 * On Node.js 22 the module prints "SQLite is an experimental feature" the
 * first time anything loads it. A library must not print warnings its user did
 * not ask for, so that one warning is dropped while the module loads
 * (synchronously, through `process.getBuiltinModule`); every other warning,
 * even one emitted during the load, goes through unchanged.
 *
 * @module
 */
import type { DatabaseSyncConstructor } from "./node-sqlite-driver";

/** The first versions whose `node:sqlite` loads without a flag and has `readOnly`. */
const MINIMUM = { 22: 13, 23: 4 } as const;

let loaded: { readonly database?: DatabaseSyncConstructor; readonly error?: string } | undefined;

/** `DatabaseSync`, or why this runtime has no usable `node:sqlite`. */
export function loadNodeSqlite(): {
  readonly database?: DatabaseSyncConstructor;
  readonly error?: string;
} {
  loaded ??= load();
  return loaded;
}

function load(): { readonly database?: DatabaseSyncConstructor; readonly error?: string } {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  const needed = MINIMUM[major as keyof typeof MINIMUM];
  const tooOld = major < 22 || (needed !== undefined && minor < needed);
  if (tooOld || typeof process.getBuiltinModule !== "function")
    return { error: `Node.js ${process.versions.node} has none (it needs 22.13+ or 24+)` };
  const module = withoutSqliteWarning(() => process.getBuiltinModule("node:sqlite")) as
    | { readonly DatabaseSync?: DatabaseSyncConstructor }
    | undefined;
  if (typeof module?.DatabaseSync !== "function")
    return { error: `Node.js ${process.versions.node} does not provide it` };
  return { database: module.DatabaseSync };
}

function withoutSqliteWarning<T>(load: () => T): T {
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: unknown, ...args: Parameters<typeof emitWarning>) {
    if (isSqliteExperimentalWarning(args)) return;
    return Reflect.apply(emitWarning, this, args);
  } as typeof emitWarning;
  try {
    return load();
  } finally {
    process.emitWarning = emitWarning;
  }
}

function isSqliteExperimentalWarning(args: readonly unknown[]): boolean {
  const [warning, typeOrOptions] = args;
  const message = warning instanceof Error ? warning.message : warning;
  const type =
    typeof typeOrOptions === "string"
      ? typeOrOptions
      : (typeOrOptions as { type?: unknown } | undefined)?.type;
  return (
    type === "ExperimentalWarning" &&
    typeof message === "string" &&
    message.startsWith("SQLite is an experimental feature")
  );
}
