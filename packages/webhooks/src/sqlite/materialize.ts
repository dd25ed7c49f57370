/**
 * The commit-time half of an enqueue: buffered bus events become entries
 * (seq, id, body) in their queues and rows in the write buffer. Done once
 * per commit, off the emitter's stack.
 *
 * @module
 */
import { bodyFailureReason } from "../errors";
import { eventName } from "../router/to-webhook-payload";
import type { StoreContext } from "../store/delivery-store";
import type { DispatchableEvent } from "../types";
import type { IdEpoch } from "./delivery-ids";
import type { DeliveryReader } from "./delivery-reader";
import type { PendingEntry } from "./pending-entry";
import type { PendingQueue } from "./pending-queue";
import type { StoreWriter } from "./store-writer";

/** What the pending set needs from an open store. */
export interface MaterializeDeps {
  readonly context: StoreContext;
  readonly writer: StoreWriter;
  readonly reader: DeliveryReader;
  readonly ids: IdEpoch;
}

/** An entry whose data is not JSON (now dead), the error and its event. */
export type Unserializable = [PendingEntry, unknown, DispatchableEvent];

/** Materialises the buffered events of `dirty`, numbering rows after `lastSeq`. */
export function materialize(
  dirty: readonly PendingQueue[],
  parts: MaterializeDeps,
  lastSeq: number,
): { failed: Unserializable[]; lastSeq: number } {
  const failed: Unserializable[] = [];
  const { context, writer, ids } = parts;
  const now = context.now();
  let seq = lastSeq;
  for (const queue of dirty) {
    const { events, firstOrder } = queue.takeBuffered();
    for (let k = 0; k < events.length; k++) {
      const source = events[k] as DispatchableEvent;
      seq++;
      const entry: PendingEntry = {
        seq,
        order: firstOrder + k,
        id: ids.idOf(seq),
        endpointId: queue.endpointId,
        event: eventName(source.type),
        body: undefined,
        source,
        attempts: 0,
        seriesStart: 0,
        // Routing time: the bus stamps every event as it is emitted. Due at once,
        // whatever the timestamp says.
        createdAt: source.timestamp,
        dueAt: now,
        leased: false,
        live: true,
        state: "buffered",
      };
      writer.add(entry);
      try {
        // Shared with the event's other endpoints: the context serialises it once.
        // Past a full window the body only goes to the file: as text, when the
        // context can, so that no buffer waits for a full collection to be freed.
        const made = queue.spills()
          ? context.render(source, queue.endpointId, true)
          : context.render(source, queue.endpointId);
        if (typeof made === "string") entry.body = made;
        else {
          entry.body = made.body;
          if (made.contentType !== undefined) entry.contentType = made.contentType;
          if (made.headers !== undefined) entry.headers = made.headers;
        }
      } catch (error) {
        entry.live = false;
        entry.deadReason = bodyFailureReason(error);
        entry.source = undefined;
        failed.push([entry, error, source]);
        continue;
      }
      queue.admit(entry);
    }
  }
  return { failed, lastSeq: seq };
}
