/**
 * One undici `Agent` for every endpoint of a dispatcher: a pool per origin,
 * a cap on sockets across all origins, idle sockets closed, and the network
 * policy applied when each socket is opened.
 *
 * @module
 */
import { isIP, type Socket } from "node:net";
import { Agent, buildConnector } from "undici";
import { BlockedAddressError } from "../errors";
import { integerOption } from "../options/integer-option";
import { AddressPolicy, type NetworkOptions } from "./address-policy";
import { socketRoom } from "./fd-limit";
import { guardedLookup, type ResolveAll } from "./guarded-lookup";
import { SocketActivity } from "./socket-activity";
import { SocketGate } from "./socket-gate";

/** Default of {@link SharedAgentOptions.maxSockets}. */
export const DEFAULT_MAX_SOCKETS = 256;

/** Options of the connections shared by all endpoints. */
export interface SharedAgentOptions {
  /**
   * Sockets open at once across every origin (each holds a file descriptor).
   * Default {@link DEFAULT_MAX_SOCKETS}. Connects beyond it wait for a socket
   * to close, for at most `connectTimeoutMs`.
   */
  readonly maxSockets?: number;
  /** Sockets per origin (endpoints on one host share them). Default `64`, at most `maxSockets`. */
  readonly connectionsPerOrigin?: number;
  /** An unused keep-alive socket is closed after this long. Default `4000`. */
  readonly keepAliveTimeoutMs?: number;
  /** Limit for opening a socket: DNS, TCP and TLS, plus any wait for a free slot. Default `10000`. */
  readonly connectTimeoutMs?: number;
  /** The SSRF guard; see {@link NetworkOptions}. */
  readonly network?: NetworkOptions;
  /** Name resolution (`dns.lookup` with `all: true` by default); replaceable for tests and custom DNS. */
  readonly resolve?: ResolveAll;
  /** Receives the warning when `maxSockets` is lowered to fit the file-descriptor limit. */
  readonly warn?: (message: string) => void;
}

type ConnectOptions = Parameters<buildConnector.connector>[0];
type ConnectCallback = Parameters<buildConnector.connector>[1];
/** undici's connector, typed with the socket it returns (its typings say `void`). */
type OpenSocket = (params: ConnectOptions, callback: ConnectCallback) => Socket;

/** The largest delay Node's timers take: every option here ends up as one, or as a count. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * `maxSockets`, lowered (with a warning) to what the process's file-descriptor
 * limit leaves room for: past it, connects fail with EMFILE and deliveries
 * are retried in a loop instead of waiting for a free socket.
 */
function fitToDescriptors(
  maxSockets: number,
  at: string,
  warn: ((message: string) => void) | undefined,
): number {
  const room = socketRoom();
  if (room === undefined || maxSockets <= room) return maxSockets;
  warn?.(
    `${at} (${maxSockets}) is more than the file-descriptor limit leaves room for; using ${room}. Fix: raise the limit (ulimit -n, LimitNOFILE= in systemd) or lower maxSockets.`,
  );
  return room;
}

/**
 * The connections of a dispatcher. Pass `dispatcher` to `dispatch()` calls
 * with an `origin`; `close()` waits for running requests, `destroy()` does not.
 *
 * @example
 * ```ts
 * const agent = new SharedAgent({ maxSockets: 256, network: { denyPrivate: true } });
 * agent.dispatcher.dispatch({ origin: "https://hooks.example.com", path: "/", method: "POST" }, handler);
 * await agent.close();
 * ```
 */
export class SharedAgent {
  readonly dispatcher: Agent;
  readonly policy: AddressPolicy;
  readonly maxSockets: number;
  readonly connectionsPerOrigin: number;
  private readonly gate: SocketGate;
  private readonly sockets = new Set<Socket>();
  private readonly activity: SocketActivity;

  constructor(options: SharedAgentOptions = {}, at = "options") {
    this.maxSockets = fitToDescriptors(
      integerOption(options.maxSockets, `${at}.maxSockets`, DEFAULT_MAX_SOCKETS, 1, MAX_TIMER_MS),
      `${at}.maxSockets`,
      options.warn,
    );
    this.connectionsPerOrigin = Math.min(
      this.maxSockets,
      integerOption(
        options.connectionsPerOrigin,
        `${at}.connectionsPerOrigin`,
        64,
        1,
        MAX_TIMER_MS,
      ),
    );
    const keepAlive = integerOption(
      options.keepAliveTimeoutMs,
      `${at}.keepAliveTimeoutMs`,
      4000,
      1,
      MAX_TIMER_MS,
    );
    const connectTimeout = integerOption(
      options.connectTimeoutMs,
      `${at}.connectTimeoutMs`,
      10_000,
      1,
      MAX_TIMER_MS,
    );
    this.policy = new AddressPolicy(options.network, `${at}.network`);
    // At the cap, an idle keep-alive socket gives its slot to a waiting connect at once.
    this.gate = new SocketGate(this.maxSockets, () => this.activity.evictIdle());
    this.activity = new SocketActivity((socket) => {
      if (this.gate.waiting > 0) this.activity.evictIdle() || socket.destroy();
    });
    const open = buildConnector({
      timeout: connectTimeout,
      ...(this.policy.denyPrivate ? { lookup: guardedLookup(this.policy, options.resolve) } : {}),
      ...(!this.policy.denyPrivate && options.resolve
        ? { lookup: plainLookup(options.resolve) }
        : {}),
    } as buildConnector.BuildOptions) as unknown as OpenSocket;
    // Idle sockets only matter near the cap, so far below it requests publish nothing: the
    // watch starts while two more full origins would still fit (at once for small caps).
    const watchFrom = Math.max(0, this.maxSockets - 2 * this.connectionsPerOrigin);
    const connect = (params: ConnectOptions, callback: ConnectCallback): void => {
      const blocked = this.blockedLiteral(params.hostname);
      if (blocked !== undefined) {
        callback(blocked, null);
        return;
      }
      if (this.gate.open >= watchFrom) this.activity.start();
      this.gate.acquire(
        connectTimeout,
        (release) => this.openSocket(open, params, callback, release),
        (error) => callback(error, null),
      );
    };
    this.dispatcher = new Agent({
      connections: this.connectionsPerOrigin,
      pipelining: 1,
      keepAliveTimeout: keepAlive,
      keepAliveMaxTimeout: keepAlive,
      connect,
    });
  }

  /** Sockets open or opening now, across all origins. */
  get openSockets(): number {
    return this.gate.open;
  }

  /** The most sockets that were open at once. */
  get peakSockets(): number {
    return this.gate.peak;
  }

  /** Connects waiting for a free socket slot. */
  get waitingConnects(): number {
    return this.gate.waiting;
  }

  /** Lets running requests finish, then closes every socket. */
  async close(): Promise<void> {
    // The gate stays open until undici is done: it may still reconnect for a request it holds,
    // and a refused connect would leave its close() waiting forever.
    await this.dispatcher.close().catch(() => this.dispatcher.destroy());
    this.gate.close();
    this.activity.stop();
    await this.destroySockets();
  }

  /** Aborts running requests and closes every socket now. */
  async destroy(): Promise<void> {
    this.gate.close();
    this.activity.stop();
    await this.dispatcher.destroy().catch(() => undefined);
    await this.destroySockets();
  }

  /** Destroys what undici left open (a socket still connecting) and waits until all are closed. */
  private async destroySockets(): Promise<void> {
    // Sockets leave the set on "close", so every one still in it has yet to emit it.
    const closed = [...this.sockets].map(
      (socket) => new Promise((resolve) => socket.once("close", resolve)),
    );
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(closed);
  }

  /** An IP-literal host never reaches `lookup`, so it is checked here. */
  private blockedLiteral(hostname: string): BlockedAddressError | undefined {
    if (!this.policy.denyPrivate || isIP(hostname) === 0 || this.policy.allowsHost(hostname)) {
      return undefined;
    }
    const range = this.policy.blockedRange(hostname);
    return range === undefined ? undefined : new BlockedAddressError(hostname, hostname, range);
  }

  private openSocket(
    open: OpenSocket,
    params: ConnectOptions,
    callback: ConnectCallback,
    release: () => void,
  ): void {
    let socket: Socket;
    try {
      socket = open(params, (error, connected) => {
        if (error !== null) {
          release();
          callback(error, null);
        } else callback(null, connected);
      });
    } catch (error) {
      release();
      callback(error as Error, null);
      return;
    }
    this.sockets.add(socket);
    this.activity.track(socket);
    socket.once("close", () => {
      this.sockets.delete(socket);
      this.activity.forget(socket);
      release();
    });
  }
}

function plainLookup(resolve: ResolveAll) {
  return guardedLookup(new AddressPolicy({ denyPrivate: false }), resolve);
}
