/**
 * The PostgreSQL the tests use: DATABASE_URL when set, else the server on
 * 127.0.0.1:5432 (database `test`, user postgres). Each store gets a schema
 * of its own, dropped after the file's tests.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

export const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

const made: string[] = [];

/** A fresh schema name, dropped by `dropSchemas`. */
export function freshSchema(prefix = "attesta_t"): string {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;
  made.push(name);
  return name;
}

export async function query(sql: string, values: unknown[] = [], url = DATABASE_URL) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql, values);
  } finally {
    await client.end();
  }
}

export async function dropSchemas(): Promise<void> {
  for (const name of made.splice(0)) await query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
}
