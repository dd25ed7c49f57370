/**
 * A min-heap of pending entries by due time, the older (lower seq) first on
 * equal times: the order in which a window hands deliveries out.
 *
 * @module
 */
import type { PendingEntry } from "./pending-entry";

/** Whether `a` is due before `b`. */
export const before = (a: PendingEntry, b: PendingEntry): boolean =>
  a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.seq < b.seq);

export function heapPush(heap: PendingEntry[], entry: PendingEntry): void {
  heap.push(entry);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(heap[i] as PendingEntry, heap[parent] as PendingEntry)) break;
    [heap[i], heap[parent]] = [heap[parent] as PendingEntry, heap[i] as PendingEntry];
    i = parent;
  }
}

export function heapPop(heap: PendingEntry[]): PendingEntry | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length === 0 || last === undefined) return top;
  heap[0] = last;
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    const right = left + 1;
    let smallest = i;
    if (left < heap.length && before(heap[left] as PendingEntry, heap[smallest] as PendingEntry))
      smallest = left;
    if (right < heap.length && before(heap[right] as PendingEntry, heap[smallest] as PendingEntry))
      smallest = right;
    if (smallest === i) return top;
    [heap[i], heap[smallest]] = [heap[smallest] as PendingEntry, heap[i] as PendingEntry];
    i = smallest;
  }
}
