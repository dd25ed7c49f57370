/**
 * Which endpoints this process delivers. One process at a time holds an
 * endpoint's lease (a row in `endpoint_owners` with an expiry on the
 * database's clock), so its `concurrency`, `rateLimit` and ordered mode are
 * kept by one scheduler and hold across every process without a round trip
 * per attempt. Leases are renewed every third of `leaseMs`; a lease not
 * renewed (a killed or cut-off process) is taken by the next process that
 * asks. A process whose renewals fail stops leasing before its lease could
 * have passed to another. An endpoint the process cannot deliver (its secret
 * is missing here) is never claimed, and given up at the next renewal if held,
 * so it never sits with a process that cannot send it.
 *
 * @module
 */
import type { DatabaseThread } from "./database-thread";
import type { EndpointWindow } from "./endpoint-window";

export interface LeaseHooks {
  /** The process now delivers the endpoint (it was not before). */
  gained(window: EndpointWindow): void;
  /** The process must stop delivering the endpoint. */
  lost(window: EndpointWindow): void;
  /** Whether the process can deliver the endpoint now (it is never claimed while it cannot). */
  delivers(endpointId: string): boolean;
}

export interface LeaseQueries {
  readonly claim: string;
  readonly release: string;
  readonly channel: string;
}

export class EndpointLeases {
  /** Epoch ms (this process's clock) until which the held leases are certainly ours. */
  private safeUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private claiming = false;

  constructor(
    private readonly thread: DatabaseThread,
    private readonly queries: LeaseQueries,
    readonly owner: string,
    private readonly leaseMs: number,
    private readonly windows: Map<string, EndpointWindow>,
    private readonly hooks: LeaseHooks,
  ) {}

  /** Claims one endpoint on the caller's stack (its first use in this process). */
  claimSync(window: EndpointWindow): void {
    if (!this.hooks.delivers(window.endpointId)) return;
    const started = Date.now();
    let rows: unknown[][];
    try {
      [rows = []] = this.thread.runSync([this.statement([window.endpointId])]);
    } catch {
      return; // The heartbeat tries again.
    }
    if (rows.length > 0) {
      this.safeUntil = Math.max(this.safeUntil, started + this.leaseMs * 0.8);
      window.owned = true;
    }
  }

  start(): void {
    this.timer = setInterval(() => void this.renew(), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Renews the held leases and tries to take the others' expired ones. */
  async renew(): Promise<void> {
    if (this.claiming || this.windows.size === 0) return;
    this.claiming = true;
    const started = Date.now();
    const wanted: string[] = [];
    const leaving: string[] = [];
    for (const [id, window] of this.windows) {
      if (this.hooks.delivers(id)) wanted.push(id);
      else if (window.owned) leaving.push(id);
    }
    const { release: text, channel } = this.queries;
    const release = { text, values: [this.owner, channel, leaving] };
    try {
      const [rows = []] = await this.thread.run(
        leaving.length === 0 ? [this.statement(wanted)] : [this.statement(wanted), release],
      );
      const held = new Set(rows.map((row) => String(row[0])));
      this.safeUntil = started + this.leaseMs * 0.8;
      for (const window of this.windows.values()) {
        if (held.has(window.endpointId) && !window.owned) {
          window.owned = true;
          this.hooks.gained(window);
        } else if (!held.has(window.endpointId) && window.owned) {
          window.owned = false;
          this.hooks.lost(window);
        }
      }
    } catch {
      // Unreachable database: keep delivering only while the leases certainly hold.
      if (Date.now() >= this.safeUntil) this.dropAll();
    } finally {
      this.claiming = false;
    }
  }

  /** Whether leasing is safe now (the held leases were renewed recently enough). */
  get valid(): boolean {
    if (Date.now() < this.safeUntil) return true;
    this.dropAll();
    return false;
  }

  private dropAll(): void {
    for (const window of this.windows.values()) {
      if (!window.owned) continue;
      window.owned = false;
      this.hooks.lost(window);
    }
  }

  private statement(ids: string[]) {
    return { text: this.queries.claim, values: [this.owner, this.leaseMs, ids] };
  }
}
