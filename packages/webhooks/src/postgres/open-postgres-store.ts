/**
 * The parts of an open PostgresStore and how they are wired: the database
 * thread, the write buffer and its commit loop, the endpoint leases, the
 * windows and their refills, notifications and the poll that backs them up.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { bodyFailureReason } from "../errors";
import type { DeliveryRecord, StoreContext } from "../store/delivery-store";
import { CommitLoop } from "./commit-loop";
import { DatabaseThread } from "./database-thread";
import { DeliveryReads } from "./delivery-reads";
import { EndpointConfigs } from "./endpoint-configs";
import { EndpointLeases } from "./endpoint-leases";
import { EndpointWatch } from "./endpoint-watch";
import { EndpointWindow } from "./endpoint-window";
import { openSchema } from "./open-schema";
import type { ResolvedPostgresOptions } from "./postgres-store-options";
import { RowPruner } from "./row-pruner";
import { type StoreQueries, storeQueries } from "./store-queries";
import type { WindowEntry } from "./window-entry";
import { WindowRefill } from "./window-refill";
import { type Batch, commitStatement, WriteBuffer } from "./write-buffer";

export interface OpenPostgresStore {
  readonly context: StoreContext;
  readonly thread: DatabaseThread;
  readonly queries: StoreQueries;
  readonly buffer: WriteBuffer;
  readonly commits: CommitLoop;
  readonly leases: EndpointLeases;
  readonly refill: WindowRefill;
  readonly windows: Map<string, EndpointWindow>;
  readonly byId: Map<string, WindowEntry>;
  readonly reads: DeliveryReads;
  readonly endpoints: EndpointConfigs;
  /** The endpoint's window; its first use claims the endpoint and fills the window. */
  window(endpointId: string): EndpointWindow;
  /** How many more entries the window may hold. */
  room(window: EndpointWindow): number;
  /** Makes the entry's body; false (and the entry dead as `unserializable`) when it cannot be. */
  materialize(entry: WindowEntry): boolean;
  close(): Promise<void>;
}

export function openPostgresStore(
  options: ResolvedPostgresOptions,
  context: StoreContext,
): OpenPostgresStore {
  const queries = storeQueries(options.schema);
  const windows = new Map<string, EndpointWindow>();
  const byId = new Map<string, WindowEntry>();
  const buffer = new WriteBuffer();
  let refill: WindowRefill | undefined;
  const onNotify = (payload: string) => notified(payload);
  const thread = new DatabaseThread(options.config, queries.channel, options.syncTimeoutMs, {
    notify: onNotify,
    listening: (up) => {
      if (up) poll(); // Notifications sent while it was down are lost: look now.
    },
  });
  try {
    openSchema(thread, options.schema);
  } catch (error) {
    void thread.close();
    throw error;
  }
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  // Drops the window's unleased entries: rows not committed yet go in unheld, and the
  // committed ones stay held by this process until an owner takes the endpoint over.
  const forget = (window: EndpointWindow) => {
    for (const entry of window.takeUnleased()) byId.delete(entry.id);
    window.more = true;
  };
  const room = (window: EndpointWindow) =>
    context.limits(window.endpointId).maxPending - window.size;
  const leases = new EndpointLeases(thread, queries, owner, options.leaseMs, windows, {
    // Wake even when the refill finds nothing new: the window may hold entries the
    // scheduler stopped asking for while the endpoint was not ours.
    gained: (window) => {
      refill?.takeOver(window);
      context.wake?.();
    },
    lost: (window) => forget(window),
    delivers: (endpointId) => context.delivers?.(endpointId) ?? true,
  });
  refill = new WindowRefill({
    thread,
    queries,
    owner,
    buffer,
    byId,
    now: () => context.now(),
    room,
    filled: () => context.wake?.(),
  });
  // A new row is this process's to hold while its entry is in a window here.
  const statement = (batch: Batch) =>
    commitStatement(queries.commit, queries.channel, owner, batch, (id) => byId.has(id));
  const commits = new CommitLoop(thread, statement, buffer, {
    // Reported as SqliteStore reports a failing disk: once per stretch, and when it ends.
    failing: (error) => {
      if (context.onStoreFailing === undefined) context.onCommitError(error, 0);
      else context.onStoreFailing(error, commits.uncommitted);
    },
    recovered: (since) => {
      context.onStoreRecovered?.(since);
      context.wake?.();
    },
    committed: () => {},
  });
  const materialize = (entry: WindowEntry) => makeBody(context, buffer, entry);
  buffer.onTake = (entry) => void materialize(entry);
  const window = (endpointId: string) => {
    let found = windows.get(endpointId);
    if (found !== undefined) return found;
    found = new EndpointWindow(endpointId);
    windows.set(endpointId, found);
    leases.claimSync(found);
    try {
      refill?.takeOverSync(found);
    } catch {
      found.more = true; // The next poll fills it.
    }
    return found;
  };
  const watch = new EndpointWatch(thread, queries.loadEndpoints, (endpoints, removed) => {
    // Removed elsewhere: what it was owed may be dead now (removed without drain), so the
    // window holds only what the table still has pending, which this process then drains.
    for (const id of removed) {
      const found = windows.get(id);
      if (found === undefined || !found.owned) continue;
      forget(found);
      try {
        refill?.takeOverSync(found);
      } catch {
        // The next poll fills it.
      }
    }
    context.endpointsChanged?.(endpoints);
  });
  const poll = () => {
    for (const found of windows.values()) refill?.refill(found);
    watch.check();
  };
  const notified = (payload: string) => {
    if (payload.startsWith("e:")) return watch.check();
    const found = windows.get(payload.slice(2));
    if (found === undefined) return;
    if (payload.startsWith("i:")) refill?.refill(found);
    else if (payload.startsWith("r:") && !found.owned) void leases.renew();
  };
  leases.start();
  thread.listen();
  const poller = setInterval(poll, options.pollIntervalMs);
  poller.unref();
  const pruner = new RowPruner(thread, queries.prune, options, () => context.now());
  pruner.start();
  const reads = new DeliveryReads(thread, queries, options.schema);
  const endpoints = new EndpointConfigs(thread, queries, options.schema, options.storeSecrets, () =>
    watch.written(),
  );
  const close = async () => {
    clearInterval(poller);
    leases.stop();
    pruner.stop();
    await commits.wait().catch(() => {});
    commits.stop();
    // The database never took them: lost now, and said so.
    if (commits.failing && commits.uncommitted > 0)
      context.onCommitError(commits.failure, commits.uncommitted);
    const release = { text: queries.release, values: [owner, queries.channel, null] };
    await thread.run([release]).catch(() => {});
    await thread.close();
  };
  return {
    context,
    thread,
    queries,
    buffer,
    commits,
    leases,
    refill,
    windows,
    byId,
    reads,
    endpoints,
    window,
    room,
    materialize,
    close,
  };
}

function makeBody(context: StoreContext, buffer: WriteBuffer, entry: WindowEntry): boolean {
  if (entry.body !== undefined)
    return (
      entry.status === "pending" ||
      (entry.deadReason !== "unserializable" && entry.deadReason !== "format_failed")
    );
  const event = entry.event;
  if (event === undefined) return true;
  try {
    const formatted = context.render(event, entry.endpointId);
    entry.body = formatted.body;
    entry.contentType = formatted.contentType;
    entry.headers = formatted.headers;
    entry.event = undefined;
    return true;
  } catch (error) {
    entry.body = new Uint8Array(0);
    entry.event = undefined;
    entry.status = "dead";
    entry.deadReason = bodyFailureReason(error);
    entry.settledAt = context.now();
    buffer.update(entry);
    const record: DeliveryRecord = {
      id: entry.id,
      endpointId: entry.endpointId,
      event: entry.eventName,
      body: entry.body,
      status: "dead",
      attempts: 0,
      createdAt: entry.createdAt,
      settledAt: entry.settledAt,
      deadReason: entry.deadReason,
      attemptLog: [],
    };
    context.onUnserializable(record, error, event);
    return false;
  }
}
