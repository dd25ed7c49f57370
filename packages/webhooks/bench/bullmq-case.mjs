// A producer or a worker process for bench/bullmq.mjs.
//   node bench/bullmq-case.mjs produce <redisUrl> <prefix> <url> <count>
//   node bench/bullmq-case.mjs work <redisUrl> <prefix> <url>
import { EventBus } from "@attesta/events";
import { startWebhookWorkers, WebhookProducer } from "@attesta/webhooks/bullmq";
import { approvedData, report } from "./shared.mjs";

const [role, connection, prefix, url, count] = process.argv.slice(2);
// maxQueueSize: the producer holds the whole prefilled backlog while it writes it.
const endpoints = [
  {
    id: "bench",
    url,
    concurrency: Number(process.env.ATTESTA_BENCH_CONCURRENCY ?? 10),
    secret: "whsec_bench",
    maxQueueSize: Number(count ?? 1),
  },
];

if (role === "produce") {
  const bus = new EventBus();
  const producer = new WebhookProducer(bus, endpoints, {
    connection,
    prefix,
    logger: null,
  });
  const started = performance.now();
  for (let n = 0; n < Number(count); n++) bus.emit({ type: "approved", data: approvedData(n) });
  await producer.persisted();
  const seconds = (performance.now() - started) / 1000;
  const { persisted, writes } = producer.stats();
  if (persisted !== Number(count)) throw new Error(`only ${persisted} of ${count} enqueued`);
  await producer.close();
  report({ persisted, writes, enqueuedPerSecond: persisted / seconds });
} else {
  const workers = await startWebhookWorkers(endpoints, { connection, prefix, logger: null });
  process.stdout.write("ready\n");
  process.stdin.resume();
  const cpuAtStart = process.cpuUsage();
  process.stdin.on("end", async () => {
    // CPU over the process's whole delivering life (startup excluded), per delivery it made.
    const { user, system } = process.cpuUsage(cpuAtStart);
    const delivered = workers.stats().reduce((sum, endpoint) => sum + endpoint.delivered, 0);
    await workers.close({ deadlineMs: 2000 });
    report({ delivered, cpuMicros: user + system });
    process.exit(0);
  });
}
