/**
 * Which SQLite library a store runs on: the one named in its options, else
 * `node:sqlite` where the runtime has it (nothing native to install), else
 * better-sqlite3 (Node.js 20).
 *
 * @module
 */
import { SqliteStoreError } from "../../errors";
import { invalidOption } from "../../options/invalid-option";
import { loadBetterSqlite3, openBetterSqlite3 } from "./better-sqlite3-driver";
import { loadNodeSqlite } from "./load-node-sqlite";
import { openNodeSqlite } from "./node-sqlite-driver";
import type { SqliteDatabase, SqliteDriverName, SqliteOpenOptions } from "./sqlite-driver";

export const DRIVER_NAMES: readonly SqliteDriverName[] = ["node:sqlite", "better-sqlite3"];

/** A driver that loads on this runtime. */
export interface SqliteDriver {
  readonly name: SqliteDriverName;
  open(path: string, options: SqliteOpenOptions): SqliteDatabase;
}

/** Checks a `driver` option (or the ATTESTA_SQLITE_DRIVER variable); `undefined` means automatic. */
export function checkDriverName(at: string, value: unknown): SqliteDriverName | undefined {
  if (value === undefined || value === "auto" || value === "") return undefined;
  if (!DRIVER_NAMES.includes(value as SqliteDriverName))
    throw invalidOption(
      at,
      `${DRIVER_NAMES.map((name) => `"${name}"`).join(" or ")} (or left out)`,
      value,
      'leave it out to use node:sqlite where the runtime has it, else "better-sqlite3"',
    );
  return value as SqliteDriverName;
}

/** The named driver, or the automatic choice; throws SqliteStoreError("driver_unavailable") for `path`. */
export function chooseDriver(path: string, requested: SqliteDriverName | undefined): SqliteDriver {
  const fromEnv =
    requested === undefined
      ? checkDriverName("ATTESTA_SQLITE_DRIVER", process.env.ATTESTA_SQLITE_DRIVER)
      : undefined;
  const named = requested ?? fromEnv;
  const candidates = named === undefined ? DRIVER_NAMES : [named];
  const reasons: string[] = [];
  for (const name of candidates) {
    const driver = loadDriver(name);
    if (typeof driver !== "string") return driver;
    reasons.push(`${name}: ${driver}`);
  }
  const which =
    named === undefined ? "no SQLite driver loads" : `the driver "${named}" does not load`;
  const unnamed =
    named === undefined
      ? ""
      : fromEnv === undefined
        ? ", or leave out the driver option"
        : ", or unset ATTESTA_SQLITE_DRIVER (it names the driver)";
  throw new SqliteStoreError(
    "driver_unavailable",
    path,
    `cannot open ${path}: ${which} on Node.js ${process.versions.node} (${reasons.join("; ")}). Fix: run on Node.js 22.13+ or 24 (node:sqlite, nothing to install), or install better-sqlite3 (^12) for this Node.js version${unnamed}.`,
  );
}

/** The driver, or why it does not load. */
function loadDriver(name: SqliteDriverName): SqliteDriver | string {
  if (name === "node:sqlite") {
    const { database, error } = loadNodeSqlite();
    if (!database) return error ?? "not available";
    return { name, open: (path, options) => openNodeSqlite(database, path, options) };
  }
  const { database, error } = loadBetterSqlite3();
  if (!database)
    return error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
  return { name, open: (path, options) => openBetterSqlite3(database, path, options) };
}
