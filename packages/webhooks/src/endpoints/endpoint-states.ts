/**
 * Whether each endpoint is enabled, across restarts: a disable (410 Gone,
 * failing for `disableAfterMs`, `disableEndpoint`) is written to a durable
 * store at once, and a restarted dispatcher gives it back before anything is
 * leased, so a disabled endpoint keeps its deliveries until `enableEndpoint`.
 *
 * @module
 */

import type { DispatcherEvents, OperatorEvent } from "../reporting/operator-events";
import type { SchedulerRegistry } from "../scheduler/scheduler-registry";
import type { DisableReason, EndpointDisabledState } from "../store/delivery-store";
import type { EndpointRecords } from "./endpoint-records";

/** What the dispatcher lends the endpoint states. */
export interface EndpointStatesDeps {
  readonly scheduler: SchedulerRegistry;
  emit(event: OperatorEvent): void;
  /** Something changed that flush(), close() or a draining removeEndpoint() waits on. */
  settled(): void;
  log(level: "warn" | "error", message: string, fields: Record<string, unknown>): void;
}

/** An endpoint found in the store at start, and what keeps it disabled. */
export interface RestoredState {
  readonly id: string;
  readonly disabled?: EndpointDisabledState;
  /** It was signed and its secret could not be found. */
  readonly secretMissing: boolean;
}

/** Persists disables and enables, and disables restored endpoints at start. */
export class EndpointStates {
  constructor(
    private readonly host: EndpointStatesDeps,
    private readonly records: EndpointRecords,
  ) {}

  /**
   * An endpoint was disabled (`endpoint.disabled`): keep that in the store,
   * and wake whoever waits on its deliveries, which are no longer owed now.
   */
  disabled(data: DispatcherEvents["endpoint.disabled"]): void {
    const { endpointId, reason, since, receiverCode } = data;
    if (data.restored !== true && reason !== "secret_missing") {
      this.persist(endpointId, {
        reason,
        since,
        ...(receiverCode === undefined ? {} : { receiverCode }),
      });
    }
    this.host.settled();
  }

  /** An endpoint was enabled: keep that in the store. */
  enabled(id: string): void {
    this.persist(id, undefined);
  }

  /**
   * Disables the restored endpoints before anything is leased: those stored
   * as disabled, with their reason and time, and those without their secret
   * (`secret_missing`). One warning per kind names them.
   */
  restore(states: readonly RestoredState[]): void {
    const disabled: { id: string; reason: string; since: string }[] = [];
    const missing: string[] = [];
    for (const { id, disabled: state, secretMissing } of states) {
      if (this.host.scheduler.loop(id) === undefined) continue;
      if (state !== undefined) {
        this.hold(id, state.reason, state);
        const reason =
          state.receiverCode === undefined
            ? state.reason
            : `${state.reason}: ${state.receiverCode}`;
        disabled.push({ id, reason, since: new Date(state.since).toISOString() });
      }
      if (secretMissing) {
        // Disabled before the restart: it keeps that reason, and still needs its secret.
        if (state === undefined) this.hold(id, "secret_missing", undefined);
        missing.push(id);
      }
    }
    if (disabled.length > 0) {
      const list = disabled.map((e) => `${e.id} (${e.reason} since ${e.since})`).join(", ");
      this.host.log(
        "warn",
        `${disabled.length} endpoint(s) were disabled before the restart and stay disabled, keeping their deliveries: ${list}. Fix: call enableEndpoint(id) once the receiver is fixed.`,
        { endpoints: disabled },
      );
    }
    if (missing.length > 0) {
      this.host.log(
        "warn",
        `${missing.length} restored endpoint(s) had a secret that was not stored and options.secrets did not give it back, so they stay disabled (reason "secret_missing") and keep their deliveries. Fix: pass options.secrets, or call updateEndpoint(id, { secret }).`,
        { endpoints: missing },
      );
    }
  }

  /**
   * Disabled at once; reported again on the next microtask, because during
   * the constructor nobody can listen on `events` yet.
   */
  private hold(
    id: string,
    reason: DisableReason,
    restored: EndpointDisabledState | undefined,
  ): void {
    const loop = this.host.scheduler.loop(id);
    const receiverCode = restored?.receiverCode;
    loop?.health.disable(reason, { restored, receiverCode });
    queueMicrotask(() => {
      if (loop === undefined || loop.health.disabled !== reason) return;
      const since = loop.health.disabledSince ?? Date.now();
      const { endpoint } = loop;
      this.host.emit({
        name: "endpoint.disabled",
        data: {
          endpointId: endpoint.id,
          url: endpoint.config.label,
          reason,
          ...(receiverCode === undefined ? {} : { receiverCode }),
          since,
          ...(restored === undefined ? {} : { restored: true }),
        },
      });
    });
  }

  /** A store that fails here must not stop the disable or enable itself. */
  private persist(id: string, state: EndpointDisabledState | undefined): void {
    try {
      this.records.saveState(id, state);
    } catch (error) {
      this.host.log(
        "error",
        `storing that endpoint "${id}" is ${state === undefined ? "enabled" : `disabled (${state.reason})`} failed; after a restart it comes back as it was stored`,
        { endpointId: id, error },
      );
    }
  }
}
