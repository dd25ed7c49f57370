/**
 * Which of our sockets are idle, learnt from undici's diagnostics channels,
 * so a connect waiting at the global socket cap can take the slot of an idle
 * keep-alive socket instead of waiting for its keep-alive timeout.
 *
 * @module
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { Socket } from "node:net";

const SEND_HEADERS = "undici:client:sendHeaders";
const TRAILERS = "undici:request:trailers";
const REQUEST_ERROR = "undici:request:error";

/**
 * Counts requests per tracked socket. A socket counts as busy from its
 * creation (it was opened for a waiting request) until its requests end.
 * The channels are process-wide; sockets that are not tracked are ignored.
 * The owner calls `start` only once the count could matter: a subscriber
 * makes undici publish two messages for every request in the process.
 *
 * @example
 * ```ts
 * const activity = new SocketActivity((socket) => gate.waiting > 0 && socket.destroy());
 * activity.track(socket);
 * ```
 */
export class SocketActivity {
  private readonly busy = new Map<Socket, number>();
  /** Idle tracked sockets, oldest first (Map keeps insertion order). */
  private readonly idle = new Map<Socket, true>();
  private readonly socketOf = new WeakMap<object, Socket>();
  /** Sockets whose first request is still to be sent (already counted as busy). */
  private readonly fresh = new Set<Socket>();
  /** Sockets whose last request ended this turn, checked on the next one. */
  private ending: Socket[] = [];

  private listening = false;

  /** `onIdle` runs on a later tick, once a socket's last request has ended. */
  constructor(private readonly onIdle: (socket: Socket) => void) {}

  /**
   * Starts listening to undici's channels. Until then nothing runs per
   * request; a socket tracked before counts as busy until its next request
   * after the start has ended.
   */
  start(): void {
    if (this.listening) return;
    this.listening = true;
    subscribe(SEND_HEADERS, this.sent);
    subscribe(TRAILERS, this.ended);
    subscribe(REQUEST_ERROR, this.ended);
  }

  track(socket: Socket): void {
    this.busy.set(socket, 1);
    this.fresh.add(socket);
  }

  forget(socket: Socket): void {
    this.busy.delete(socket);
    this.idle.delete(socket);
    this.fresh.delete(socket);
  }

  /** Destroys the socket that has been idle longest; false when none is idle. */
  evictIdle(): boolean {
    for (const socket of this.idle.keys()) {
      this.forget(socket);
      socket.destroy();
      return true;
    }
    return false;
  }

  stop(): void {
    if (!this.listening) return;
    this.listening = false;
    unsubscribe(SEND_HEADERS, this.sent);
    unsubscribe(TRAILERS, this.ended);
    unsubscribe(REQUEST_ERROR, this.ended);
  }

  private readonly sent = (message: unknown): void => {
    const { request, socket } = message as { request: object; socket: Socket };
    const count = this.busy.get(socket);
    if (count === undefined) return;
    this.socketOf.set(request, socket);
    // Only a socket without requests can be listed idle, and only new sockets are fresh.
    if (count === 0) this.idle.delete(socket);
    if (this.fresh.size === 0 || !this.fresh.delete(socket)) this.busy.set(socket, count + 1);
  };

  private readonly ended = (message: unknown): void => {
    const { request } = message as { request: object };
    const socket = this.socketOf.get(request);
    if (socket === undefined) return;
    this.socketOf.delete(request);
    const count = this.busy.get(socket);
    if (count === undefined) return;
    this.busy.set(socket, count - 1);
    if (count - 1 > 0) return;
    // Let undici finish its own bookkeeping (and maybe reuse the socket) first: one
    // immediate per turn for every socket that went quiet, not one per request.
    if (this.ending.length === 0) setImmediate(this.settleEnding);
    this.ending.push(socket);
  };

  private readonly settleEnding = (): void => {
    const ending = this.ending;
    this.ending = [];
    for (const socket of ending) {
      if (this.busy.get(socket) !== 0 || socket.destroyed || this.idle.has(socket)) continue;
      this.idle.set(socket, true);
      this.onIdle(socket);
    }
  };
}
