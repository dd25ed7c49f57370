/**
 * Opening a SqliteStore file read-only, with the errors a user can act on.
 *
 * @module
 */
import { existsSync } from "node:fs";
import type { SqliteInspector } from "@attesta/webhooks/sqlite";
import { CliError, ioError, usageError } from "../cli-error";
import { ExitCode } from "../exit-codes";

/** The inspector of the store file `path`; the caller closes it. */
export async function openStoreFile(path: string | undefined): Promise<SqliteInspector> {
  if (path === undefined) {
    throw usageError(
      "--db is required.",
      "pass the file given to new SqliteStore({ path }), e.g. --db ./webhooks.db.",
    );
  }
  if (!existsSync(path)) {
    throw ioError(
      `--db ${path}: no such file.`,
      "pass the path of the SqliteStore file (relative to the current directory).",
    );
  }
  let sqlite: typeof import("@attesta/webhooks/sqlite");
  try {
    sqlite = await import("@attesta/webhooks/sqlite");
  } catch (error) {
    // The subpath itself needs nothing native (the SQLite library loads when a file opens),
    // so a failed import means the installation of @attesta/webhooks is broken.
    throw ioError(
      `cannot load @attesta/webhooks/sqlite (${(error as Error).message}).`,
      "reinstall @attesta/cli (npm install @attesta/cli) so that its @attesta/webhooks is complete.",
      error,
    );
  }
  try {
    return sqlite.SqliteStore.inspect(path);
  } catch (error) {
    // The store's own message names the file, the problem and one fix, worded for a reader.
    if (error instanceof sqlite.SqliteStoreError && error.code === "driver_unavailable") {
      throw new CliError(
        `--db ${path}: ${error.message.replace(/^@attesta\/webhooks: cannot open [^:]*: /, "")}`,
        ExitCode.Unreachable,
        { cause: error },
      );
    }
    if (error instanceof sqlite.SqliteStoreError) {
      const reason = error.message.replace(/^@attesta\/webhooks: /, "");
      throw new CliError(`--db: cannot read ${reason}`, ExitCode.Unreachable, { cause: error });
    }
    throw ioError(
      `--db ${path}: cannot read it as a SqliteStore file (${(error as Error).message}).`,
      "pass a file written by SqliteStore; it must be readable.",
      error,
    );
  }
}
