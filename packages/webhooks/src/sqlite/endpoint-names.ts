/**
 * The endpoint ids a file's deliveries name, kept in `delivery_endpoints` as
 * they first appear, so a reader lists a file's endpoints without scanning
 * millions of rows. The writer remembers what it wrote: after the first
 * commit of an endpoint, its rows cost nothing here.
 *
 * @module
 */
import type { SqliteDatabase, SqliteStatement } from "./driver/sqlite-driver";

export class EndpointNames {
  /** Ids this process has written (or found written) in a committed transaction. */
  private readonly named = new Set<string>();
  /** Ids written by the transaction under way; kept only once it commits. */
  private naming: string[] = [];
  private readonly insert: SqliteStatement;

  constructor(db: SqliteDatabase) {
    this.insert = db.prepare("INSERT OR IGNORE INTO delivery_endpoints (endpoint_id) VALUES (?)");
  }

  /** Inside the commit's transaction: names `id` unless it was named before. */
  name(id: string): void {
    if (this.named.has(id) || this.naming.includes(id)) return;
    this.insert.run(id);
    this.naming.push(id);
  }

  /** After the transaction: committed, or rolled back (then named again next time). */
  settle(committed: boolean): void {
    if (committed) for (const id of this.naming) this.named.add(id);
    this.naming = [];
  }
}
