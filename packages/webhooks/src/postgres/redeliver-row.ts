/**
 * `redeliver` of a PostgresStore: the row is set pending again in one
 * statement, for any process's delivery. This process holds it at once (in
 * its window, as the row's holder) when the database agrees that it owns the
 * endpoint and the window has room; otherwise no process holds it and the
 * endpoint's owner pages it in when notified.
 *
 * @module
 */
import type { OpenPostgresStore } from "./open-postgres-store";
import { ENTRY_COLUMN_COUNT, entryFromRow } from "./window-entry";

/** False when the delivery is unknown, pending, or cannot be sent (no body). */
export function redeliverRow(open: OpenPostgresStore, id: string, now: number): boolean {
  if (open.byId.has(id)) return false;
  const holdable: string[] = [];
  for (const [endpointId, window] of open.windows)
    if (window.owned && !window.more && open.room(window) > 0) holdable.push(endpointId);
  const row = open.reads.redeliver(id, now, open.leases.owner, holdable);
  if (row === undefined) return false;
  const window = open.window(String(row[ENTRY_COLUMN_COUNT]));
  if (row[ENTRY_COLUMN_COUNT + 1] === open.leases.owner) {
    const entry = entryFromRow(window.endpointId, row, window.nextOrder());
    open.byId.set(entry.id, entry);
    window.add(entry, now);
  } else if (window.owned) window.more = true;
  return true;
}
