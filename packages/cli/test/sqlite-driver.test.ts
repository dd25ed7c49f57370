/**
 * `attesta deliveries` and `attesta console` when no SQLite driver loads: the message names
 * the runtime, what is missing and the fixes, and the file is not touched.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cleanEnv, runCli } from "./support/cli";

const dir = mkdtempSync(join(tmpdir(), "attesta-cli-driver-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Whether `require(name)` works here (better-sqlite3 is built per Node.js ABI; node:sqlite is 22.13+). */
function loads(name: string): boolean {
  try {
    const required = createRequire(import.meta.url)(name);
    if (name === "better-sqlite3") new required(":memory:").close();
    return true;
  } catch {
    return false;
  }
}
const missing = ["node:sqlite", "better-sqlite3"].find((name) => !loads(name));

describe.runIf(missing !== undefined)(`no ${missing} on Node.js ${process.versions.node}`, () => {
  for (const command of [["deliveries", "list"], ["console"]]) {
    it(`attesta ${command.join(" ")} says which driver did not load and how to fix it (3)`, async () => {
      const db = join(dir, "store.db");
      writeFileSync(db, "");
      const result = await runCli([...command, "--db", db], {
        env: cleanEnv({ ATTESTA_SQLITE_DRIVER: missing }),
      });
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(
        new RegExp(
          `^@attesta/cli: --db .*store\\.db: the driver "${missing}" does not load on Node\\.js`,
        ),
      );
      expect(result.stderr).toMatch(/Fix: run on Node\.js 22\.13\+ or 24 .*install better-sqlite3/);
      expect(result.stderr).toContain("or unset ATTESTA_SQLITE_DRIVER");
      expect(result.stderr).not.toMatch(/cannot read cannot open/);
      expect(readFileSync(db, "utf8")).toBe("");
    });
  }
});
