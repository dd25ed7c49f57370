/**
 * A plain connection to a store file for tests that read or tamper with it
 * behind the store's back, on the driver the store under test uses (the
 * ATTESTA_SQLITE_DRIVER of the test project, else the automatic choice).
 *
 * @module
 */
import { chooseDriver } from "../../src/sqlite/driver/choose-driver";
import type { SqliteDatabase } from "../../src/sqlite/driver/sqlite-driver";

export type { SqliteDatabase };

export function openRaw(
  path: string,
  options: { readonly readonly?: boolean } = {},
): SqliteDatabase {
  const readonly = options.readonly === true;
  return chooseDriver(path, undefined).open(path, {
    readonly,
    fileMustExist: readonly,
    busyTimeoutMs: 5000,
  });
}
