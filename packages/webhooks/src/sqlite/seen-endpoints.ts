/**
 * The endpoint ids a SqliteStore file mentions, found incrementally: the
 * first call scans the deliveries once, later calls only the rows added since
 * (by primary key), so listing endpoints stays cheap on a file of millions.
 *
 * @module
 */
import type { SqliteDatabase } from "./driver/sqlite-driver";

export class SeenEndpoints {
  private readonly ids = new Set<string>();
  private scannedUpTo = 0;

  /** Every endpoint id in deliveries or kept configs, sorted. */
  read(db: SqliteDatabase): string[] {
    const rows = db
      .prepare(
        "SELECT endpoint_id, max(seq) AS top FROM deliveries WHERE seq > ? GROUP BY endpoint_id",
      )
      .all(this.scannedUpTo) as { endpoint_id: string; top: number }[];
    for (const row of rows) {
      this.ids.add(row.endpoint_id);
      this.scannedUpTo = Math.max(this.scannedUpTo, row.top);
    }
    for (const id of db.prepare("SELECT id FROM endpoints").pluck().all() as string[])
      this.ids.add(id);
    return [...this.ids].sort();
  }
}
