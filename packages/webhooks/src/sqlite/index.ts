/**
 * `@attesta/webhooks/sqlite`: a durable delivery store on an embedded SQLite
 * file. Needs the optional peer dependency `better-sqlite3` (^12).
 *
 * @module
 */

export {
  SqliteStoreError,
  type SqliteStoreErrorCode,
  SqliteStoreLockedError,
  type StoreOwner,
} from "../errors";
export { SqliteInspector } from "./sqlite-inspector";
export { SqliteStore } from "./sqlite-store";
export type { SqliteStoreOptions } from "./sqlite-store-options";
