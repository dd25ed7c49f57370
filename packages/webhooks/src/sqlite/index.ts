/**
 * `@attesta/webhooks/sqlite`: a durable delivery store on an embedded SQLite
 * file. Runs on `node:sqlite` (Node.js 22.13+ and 24, nothing to install) or
 * on the optional peer dependency `better-sqlite3` (^12, for Node.js 20).
 *
 * @module
 */

export {
  SqliteStoreError,
  type SqliteStoreErrorCode,
  SqliteStoreLockedError,
  type StoreOwner,
} from "../errors";
export type { SqliteDriverName } from "./driver/sqlite-driver";
export { SqliteInspector } from "./sqlite-inspector";
export { SqliteStore } from "./sqlite-store";
export type { SqliteInspectOptions, SqliteStoreOptions } from "./sqlite-store-options";
