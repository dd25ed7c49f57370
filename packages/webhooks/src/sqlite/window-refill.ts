/**
 * Pages an endpoint's window in from the file. After a refill the window
 * holds exactly the first `cap` waiting rows of the endpoint's due order
 * (leased rows aside), read through the due index: memory stays bounded
 * however much the file owes, and deliveries go out oldest due first.
 * A refill reads `cap` index keys and loads only the rows not already in
 * memory, so its cost is O(window), never O(pending).
 *
 * @module
 */
import type { DeliveryReader, DueKey } from "./delivery-reader";
import { entryFromRow, type PendingEntry } from "./pending-entry";
import type { PendingQueue } from "./pending-queue";

/**
 * The size a window that was empty or nearly so grows to first: the first
 * delivery after opening a file with a large backlog waits for this many
 * rows to be read, not for `maxQueueSize` of them (10,000 rows: ~0.1 s).
 */
const FIRST_PAGE = 256;

/**
 * Refills `queue` from the file, which must hold every change made so far
 * (commit first), to twice its waiting entries (at least FIRST_PAGE), at
 * most `bound`. Returns the entries that left memory because rows due
 * earlier took their place (they stay in the file).
 */
export function refillWindow(
  queue: PendingQueue,
  reader: DeliveryReader,
  bound: number,
): PendingEntry[] {
  const cap = Math.min(bound, Math.max(FIRST_PAGE, 2 * queue.waitingCount));
  const leased = queue.leasedSeqs();
  const resident = new Map<number, PendingEntry>();
  for (const entry of queue.waiting()) resident.set(entry.seq, entry);
  const limit = cap + leased.size + 1;
  const keys = reader.dueKeys(queue.endpointId, limit);
  const ids = reader.epochs();
  const window: PendingEntry[] = [];
  let added = 0;
  let beyond: DueKey | undefined;
  for (const key of keys) {
    if (leased.has(key.seq)) continue;
    if (window.length === cap) {
      beyond = key;
      break;
    }
    const entry = resident.get(key.seq);
    if (entry !== undefined) {
      resident.delete(key.seq);
      window.push(entry);
      continue;
    }
    const row = reader.rowAt(key.seq, ids);
    if (row === undefined) continue;
    window.push(entryFromRow(row, queue.backlog.orderFloor, key.next_attempt_at, row.series_start));
    added++;
  }
  // Left over: entries due after the window. A row in the file leaves memory;
  // one whose commit failed (not in the file) stays.
  const evicted: PendingEntry[] = [];
  for (const entry of resident.values()) {
    if (entry.state !== "stored") window.push(entry);
    else evicted.push(entry);
  }
  for (const entry of evicted) queue.remove(entry);
  queue.replaceWaiting(window, added);
  const { backlog } = queue;
  if (keys.length < limit) {
    // The index ran out: every pending row of the endpoint is in memory now.
    backlog.clear();
    return evicted;
  }
  backlog.count = Math.max(0, backlog.count - added);
  for (const entry of evicted) backlog.add(entry.dueAt, entry.order);
  const last = keys[keys.length - 1] as DueKey;
  backlog.dueHint = (beyond ?? last).next_attempt_at;
  return evicted;
}
