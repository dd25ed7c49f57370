/**
 * Keeps a process's endpoints in step with the ones every process shares:
 * on a notification that another process changed one (`e:<id>`) and on
 * every poll (notifications can be lost), the stored configs are read off
 * the caller's stack and, when they differ from the last list seen, handed
 * to the dispatcher, which adds, changes, removes, disables or enables what
 * differs.
 *
 * @module
 */
import type { StoredEndpoint } from "../store/delivery-store";
import type { DatabaseThread } from "./database-thread";
import { storedEndpoint } from "./endpoint-configs";

export class EndpointWatch {
  /** Bumped by every endpoint write of this process. */
  private generation = 0;
  private loading = false;
  private again = false;
  private last: string | undefined;
  private ids = new Set<string>();

  constructor(
    private readonly thread: DatabaseThread,
    private readonly sql: string,
    /** `removed`: ids of the last list that are not in this one. */
    private readonly changed: (endpoints: StoredEndpoint[], removed: string[]) => void,
  ) {}

  /** This process wrote an endpoint: a list read before that must not undo it. */
  written(): void {
    this.generation++;
  }

  /** Reads the stored configs (one read at a time; a check asked for meanwhile runs after it). */
  check(): void {
    if (this.loading) {
      this.again = true;
      return;
    }
    this.loading = true;
    const generation = this.generation;
    this.thread.run([{ text: this.sql }]).then(
      ([rows = []]) => {
        this.loading = false;
        // Read before one of this process's own writes: read again.
        if (this.again || generation !== this.generation) {
          this.again = false;
          this.check();
          return;
        }
        const key = JSON.stringify(rows);
        if (key === this.last) return;
        this.last = key;
        const endpoints = rows.map(storedEndpoint);
        const ids = new Set(endpoints.map((endpoint) => endpoint.id));
        const removed = [...this.ids].filter((id) => !ids.has(id));
        this.ids = ids;
        this.changed(endpoints, removed);
      },
      () => {
        this.loading = false; // The next poll reads again.
      },
    );
  }
}
