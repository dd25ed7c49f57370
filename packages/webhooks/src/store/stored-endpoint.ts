/**
 * An endpoint config as a durable store keeps it, with its disabled state.
 *
 * @module
 */
import type { DisableReason } from "./delivery-record";

/**
 * An endpoint config as a durable store keeps it, so that a restarted
 * dispatcher gets back the endpoints added at run time.
 */
export interface StoredEndpoint {
  readonly id: string;
  /**
   * The config as given (plain JSON). It holds `secret` only when the store
   * opted in with `keepsSecrets`; otherwise the dispatcher strips it first.
   */
  readonly config: Readonly<Record<string, unknown>>;
  /** Whether the endpoint had a secret: a restored one without it stays disabled until it has one. */
  readonly signed: boolean;
  /** Set while the endpoint is disabled (auto-disabled or by `disableEndpoint`). */
  readonly disabled?: EndpointDisabledState;
  /**
   * Set while a process removes it with `drain` (a shared store): no process
   * routes events to it any more, and the one that delivers it drains what is
   * owed before the remover deletes it.
   */
  readonly retiring?: boolean;
}

/** Why and since when an endpoint is disabled, as a durable store keeps it. */
export interface EndpointDisabledState {
  /** Never `secret_missing`: that one follows from the secrets at each start. */
  readonly reason: Exclude<DisableReason, "secret_missing">;
  /** Epoch ms. */
  readonly since: number;
  /** With `gone`: the chat service's code that said so (`"channel_not_found"`, `"10015"`). */
  readonly receiverCode?: string;
}
