// A dispatcher process on a PostgresStore that changes endpoints on command,
// for the test of endpoints shared between processes. Built package only.
// Usage: node endpoint-process.mjs <database url> <schema> <pollIntervalMs> [secrets]
//   secrets "none": this process has no secret for restored signed endpoints.
//   Reads one JSON command a line on stdin: {op:"add",config}, {op:"update",id,patch},
//   {op:"remove",id,drain}, {op:"disable",id}, {op:"enable",id}, {op:"emit",count,tag},
//   {op:"close"} (closes the dispatcher, then exits).
//   Prints "READY", "DONE <n>" after command n, and "L <json>" whenever endpoints() changes.
import { createInterface } from "node:readline";
import { EventBus } from "@attesta/events";
import { WebhookDispatcher } from "../../dist/index.js";
import { PostgresStore } from "../../dist/postgres/index.js";

const [connection, schema, pollIntervalMs, secrets] = process.argv.slice(2);
const bus = new EventBus();
const dispatcher = new WebhookDispatcher(bus, [], {
  store: new PostgresStore({ connection, schema, pollIntervalMs: Number(pollIntervalMs) }),
  // Known to every process: a restored signed endpoint gets its secret from here.
  secrets: secrets === "none" ? undefined : () => "whsec_shared_endpoints",
  logger: null,
});
const write = (line) => process.stdout.write(`${line}\n`);
let shown = "";
setInterval(() => {
  const now = JSON.stringify(
    dispatcher.endpoints().map(({ id, url, state, pending }) => ({ id, url, state, pending })),
  );
  if (now !== shown) write(`L ${now}`);
  shown = now;
}, 20);
let n = 0;
createInterface({ input: process.stdin }).on("line", async (line) => {
  const command = JSON.parse(line);
  const done = ++n;
  if (command.op === "add") dispatcher.addEndpoint(command.config);
  else if (command.op === "update") dispatcher.updateEndpoint(command.id, command.patch);
  else if (command.op === "remove") await dispatcher.removeEndpoint(command.id, command);
  else if (command.op === "disable") dispatcher.disableEndpoint(command.id);
  else if (command.op === "enable") dispatcher.enableEndpoint(command.id);
  else if (command.op === "emit") {
    for (let i = 0; i < command.count; i++)
      bus.emit({ type: "approved", data: { agent_id: "pg", metadata: { tag: command.tag, i } } });
    await dispatcher.persisted();
  } else if (command.op === "close") {
    await dispatcher.close();
    write(`DONE ${done}`);
    process.exit(0);
  }
  write(`DONE ${done}`);
});
write("READY");
