/**
 * What every package's tests share: real HTTP receivers on 127.0.0.1 that
 * are closed after the test, per-test cleanup, and the bounded poller.
 *
 * @module
 */
export { defer } from "./cleanup";
export {
  deadUrl,
  ok,
  type ReceivedRequest,
  type Receiver,
  type Responder,
  startReceiver,
} from "./receiver";
export { startTestReceiver } from "./test-receiver";
export { until, within } from "./until";
