/**
 * A fresh directory per test for SQLite files, removed afterwards.
 *
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";

const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A path in a new temporary directory; the file does not exist yet. */
export function tempDbPath(name = "deliveries.db"): string {
  const dir = mkdtempSync(join(tmpdir(), "attesta-sqlite-"));
  dirs.push(dir);
  return join(dir, name);
}
