/**
 * What a DeliveryAdmin over stored deliveries read from another process (a SQLite
 * file, a PostgreSQL schema) can do: read, and ask for redeliveries that the
 * process delivering the endpoint carries out; never toggle endpoints or rotate
 * secrets, which live in that process.
 *
 * @module
 */
import type { AdminCapabilities } from "./delivery-admin";

/** The capabilities of such a source; `notes` say where it was read from and how redeliveries happen. */
export function detachedCapabilities(notes: readonly string[]): AdminCapabilities {
  return {
    live: false,
    redeliver: true,
    bulkRetry: true,
    toggleEndpoints: false,
    rotateSecret: false,
    deferred: true,
    notes,
  };
}

/** A refusal for the endpoint actions such a source cannot do; `source` names it ("a SQLite file"). */
export function refuseDetached(source: string): (action: string) => Promise<never> {
  return async (action) => {
    throw new TypeError(
      `@attesta/webhooks: ${action} is not possible on ${source} read from another process. Fix: call it on the running dispatcher (dispatcherAdmin(dispatcher)).`,
    );
  };
}
