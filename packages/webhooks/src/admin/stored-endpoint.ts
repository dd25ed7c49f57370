/**
 * An endpoint as a durable store keeps it (its saved config, never a secret
 * in what is shown) turned into what an operator sees, for the admins of
 * store files and schemas read from another process.
 *
 * @module
 */
import { endpointUrlIsSecret, redactUrl } from "../transport/redact-url";
import type { AdminEndpoint } from "./delivery-admin";

/** What a store row says of one endpoint; `config` is its saved JSON, if any. */
export interface StoredEndpointRow {
  readonly id: string;
  readonly config: Record<string, unknown> | undefined;
  readonly disabledReason: string | null;
  /** The chat service's code of a `gone` (SQLite schema 8, PostgreSQL 2: column `disabled_code`). */
  readonly disabledCode: string | null;
  readonly pending: number;
}

/** The operator's view of a stored endpoint, with health figures the caller derived. */
export function storedEndpoint(
  row: StoredEndpointRow,
  health: { failureRate?: number; lastSuccessAt?: number },
): AdminEndpoint {
  const { config } = row;
  const events = config?.events;
  return {
    id: row.id,
    url:
      typeof config?.url === "string"
        ? redactUrl(config.url, { secret: endpointUrlIsSecret(config) })
        : "",
    events: Array.isArray(events) ? events.map(String) : config === undefined ? "unknown" : "all",
    state: row.disabledReason !== null ? "disabled" : config === undefined ? "unknown" : "enabled",
    ...(row.disabledReason === null ? {} : { disabledReason: row.disabledReason }),
    ...(row.disabledCode === null ? {} : { disabledReceiverCode: row.disabledCode }),
    circuit: "unknown",
    pending: row.pending,
    ...health,
  };
}
