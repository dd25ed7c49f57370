/**
 * `@attesta/webhooks/postgres`: a delivery store that every instance of an
 * app shares through one PostgreSQL database. Needs the optional peer
 * dependency `pg` (^8).
 *
 * @module
 */

export { PostgresStoreError, type PostgresStoreErrorCode } from "../errors";
export { migrationSql } from "./migrations";
export { PostgresInspector } from "./postgres-inspector";
export { PostgresStore } from "./postgres-store";
export type { PoolLike, PostgresStoreOptions } from "./postgres-store-options";
