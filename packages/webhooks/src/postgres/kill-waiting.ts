/**
 * `abandon` and `expire` of a PostgresStore: every waiting row of the
 * endpoint in the table is settled dead in one statement (all of them, or
 * those created before a time), not only the rows this process holds in its
 * window; rows this process has leased are left to their attempts. While the
 * database cannot be reached, only the window is settled, and its rows are
 * written with the next batch.
 *
 * @module
 */
import type { DeadReason, LeasedDelivery } from "../store/delivery-store";
import type { OpenPostgresStore } from "./open-postgres-store";
import { entryFromRow, leasedView, settleEntry, type WindowEntry } from "./window-entry";

/** Settles the endpoint's waiting deliveries dead (those created before `createdBefore` when given). */
export function killWaiting(
  open: OpenPostgresStore,
  endpointId: string,
  reason: DeadReason,
  createdBefore: number | undefined,
): LeasedDelivery[] {
  const window = open.windows.get(endpointId);
  // Expiry runs in every process: the rows of an endpoint another process delivers are its to expire.
  if (reason === "expired" && window?.owned !== true) return [];
  const matches = (entry: WindowEntry) =>
    createdBefore === undefined || entry.createdAt < createdBefore;
  // Abandoning a window that holds everything owed needs no statement; expiring one neither.
  const sweep = window === undefined || window.more || window.spilled > 0 || reason !== "expired";
  let rows: unknown[][] | undefined;
  if (sweep && !open.commits.failing) {
    const leased: string[] = [];
    for (const entry of window?.entries() ?? []) if (entry.leased) leased.push(entry.id);
    try {
      open.commits.commitNow(); // the window's rows and what was emitted must be in the table
      const values = [endpointId, leased, reason, open.context.now(), createdBefore ?? null];
      [rows = []] = open.thread.runSync([{ text: open.queries.killWaiting, values }]);
    } catch {
      rows = undefined; // Unreachable: settle the window only.
    }
  }
  const killed: LeasedDelivery[] = [];
  for (const entry of window?.takeUnleased(matches) ?? []) {
    open.byId.delete(entry.id);
    if (entry.status !== "pending" || !open.materialize(entry)) continue;
    settleEntry(entry, open.context.now(), "dead", reason);
    if (rows === undefined) {
      killed.push(leasedView(entry));
      open.buffer.update(entry);
    }
  }
  for (const row of rows ?? []) killed.push(leasedView(entryFromRow(endpointId, row, 0)));
  if (rows !== undefined && window !== undefined && createdBefore === undefined) {
    window.more = false;
    window.spilled = 0;
  }
  open.commits.soon();
  return killed;
}
