/**
 * Warns once when a SqliteStore file grows past `warnFileBytes`: with the
 * disk as the queue, a long receiver outage costs disk, and the operator
 * should hear of it before the disk is full.
 *
 * @module
 */
import type { StoreContext } from "../store/delivery-store";
import type { SqliteDatabase } from "./driver/sqlite-driver";

export class FileSizeWatch {
  private warned = false;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly limit: number,
  ) {}

  /** Reads the file's size (pages in use, free ones included) and warns the first time it is past the limit. */
  check(context: StoreContext): void {
    if (this.warned || this.limit === 0) return;
    const pages = this.db.pragma("page_count", { simple: true }) as number;
    const pageSize = this.db.pragma("page_size", { simple: true }) as number;
    const bytes = pages * pageSize;
    if (bytes <= this.limit) return;
    this.warned = true;
    context.onWarning?.({ kind: "file_size", bytes, limit: this.limit });
  }
}
