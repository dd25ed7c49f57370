// @ts-check
/**
 * The sender process of the demo's crash act: a WebhookDispatcher on a
 * SqliteStore file with two endpoints, one of them down. It emits the events,
 * waits until they are on disk, says so on stdout, and carries on sending
 * until the demo kills it with SIGKILL.
 *
 * Usage: node crash-sender.mjs <file> <ledger url> <audit url> <events>
 *
 * @module
 */
import { EventBus } from "@attesta/events";
import { WebhookDispatcher } from "@attesta/webhooks";
import { SqliteStore } from "@attesta/webhooks/sqlite";
import { crashActEndpoints, crashActEvent } from "./crash-act-config.mjs";

const [path, ledgerUrl, auditUrl, count] = process.argv.slice(2);
if (!path || !ledgerUrl || !auditUrl || !count)
  throw new Error("usage: crash-sender.mjs <file> <ledger url> <audit url> <events>");

const bus = new EventBus();
const dispatcher = new WebhookDispatcher(bus, crashActEndpoints(ledgerUrl, auditUrl), {
  store: new SqliteStore({ path }),
  logger: null,
});
for (let n = 0; n < Number(count); n++) bus.emit(crashActEvent(n));
await dispatcher.persisted();
process.stdout.write(`PERSISTED ${count}\n`);
// Keep sending (and retrying the endpoint that is down) until killed.
setInterval(() => {}, 1000);
