/**
 * A receiver that lives for one test.
 *
 * @module
 */
import { defer } from "./cleanup";
import { type Receiver, type Responder, startReceiver } from "./receiver";

/** Starts a receiver (see `startReceiver`) that is closed after the current test. */
export async function startTestReceiver(
  responder?: Responder,
  path?: string,
  port?: number,
): Promise<Receiver> {
  const started = await startReceiver(responder, path, port);
  defer(() => started.close());
  return started;
}
