/**
 * The one place where the transport gets its connections.
 *
 * @module
 */
import { Pool } from "undici";

/**
 * A keep-alive pool for one endpoint origin: `connections` sockets, no
 * pipelining, connecting bounded by `timeoutMs` so that an attempt that timed
 * out while waiting for a socket does not linger in the pool.
 *
 * @example
 * ```ts
 * const pool = createPool("https://hooks.example.com", 10, 5000);
 * ```
 */
export function createPool(origin: string, connections: number, timeoutMs: number): Pool {
  return new Pool(origin, { connections, pipelining: 1, connect: { timeout: timeoutMs } });
}
