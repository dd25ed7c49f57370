/**
 * The endpoint configs a PostgresStore keeps, shared by every process on the
 * schema; each change is notified (`e:<id>`) to the others.
 *
 * @module
 */

import { PostgresStoreError, queryFailed } from "../errors";
import type { EndpointDisabledState, StoredEndpoint } from "../store/delivery-store";
import type { DatabaseThread } from "./database-thread";
import type { StoreQueries } from "./store-queries";

export class EndpointConfigs {
  constructor(
    private readonly thread: DatabaseThread,
    private readonly queries: StoreQueries,
    private readonly schema: string,
    private readonly keepsSecrets: boolean,
    /** After each write of this process: a list loaded before it is stale. */
    private readonly written: () => void,
  ) {}

  save(endpoint: StoredEndpoint, now: number): void {
    if (!this.keepsSecrets && endpoint.config.secret !== undefined)
      throw new PostgresStoreError(
        "query",
        `saveEndpoint("${endpoint.id}") was given a secret while storeSecrets is off; nothing was written. Fix: strip secret from the config, or pass storeSecrets: true to write secrets on purpose.`,
      );
    const { disabled } = endpoint;
    this.run("save an endpoint", this.queries.saveEndpoint, [
      endpoint.id,
      JSON.stringify(endpoint.config),
      endpoint.signed,
      disabled?.reason ?? null,
      disabled?.since ?? null,
      now,
      this.queries.channel,
      disabled?.receiverCode ?? null,
    ]);
  }

  /** Marks it as being removed with drain: every process stops routing events to it. */
  retire(id: string, now: number): void {
    this.run("retire an endpoint", this.queries.retireEndpoint, [id, now, this.queries.channel]);
  }

  remove(id: string): void {
    this.run("remove an endpoint", this.queries.removeEndpoint, [id, this.queries.channel]);
  }

  saveState(id: string, disabled: EndpointDisabledState | undefined, now: number): void {
    this.run("save an endpoint's state", this.queries.saveEndpointState, [
      id,
      disabled?.reason ?? null,
      disabled?.since ?? null,
      now,
      this.queries.channel,
      disabled?.receiverCode ?? null,
    ]);
  }

  load(): StoredEndpoint[] {
    return this.run("load the endpoints", this.queries.loadEndpoints, []).map(storedEndpoint);
  }

  private run(what: string, text: string, values: unknown[]): unknown[][] {
    if (text !== this.queries.loadEndpoints) this.written();
    try {
      const [rows = []] = this.thread.runSync([{ text, values }]);
      return rows;
    } catch (error) {
      throw queryFailed(this.schema, what, error);
    }
  }
}

/** One row of `loadEndpoints` as a StoredEndpoint. */
export function storedEndpoint(row: readonly unknown[]): StoredEndpoint {
  const [id, config, signed, reason, since, code, retiring] = row;
  const endpoint: StoredEndpoint = {
    id: String(id),
    config: config as Record<string, unknown>,
    signed: signed === true,
    ...(retiring === true ? { retiring: true } : {}),
  };
  if (reason === null) return endpoint;
  return {
    ...endpoint,
    disabled: {
      reason: reason as EndpointDisabledState["reason"],
      since: Number(since),
      ...(code === null || code === undefined ? {} : { receiverCode: String(code) }),
    },
  };
}
