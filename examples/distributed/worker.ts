// Delivers from Redis. Start as many of these as you like, on any machine.
import { startWebhookWorkers } from "@attesta/webhooks/bullmq";
import { endpoints, redis } from "./endpoints";

const workers = await startWebhookWorkers(endpoints, {
  ...redis,
  onAttempt: (attempt) =>
    console.log(
      `${attempt.ok ? "delivered" : "failed"} ${attempt.deliveryId} attempt ${attempt.attempt} status ${attempt.status ?? "-"}`,
    ),
  onDeadLetter: (letter) => console.log(`dead ${letter.deliveryId} (${letter.reason})`),
});
console.log(`Worker ready (pid ${process.pid})`);

// Finish what is in flight, or hand it back to Redis for another worker, within 10 s.
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, async () => {
    const { handedBack } = await workers.close({ deadlineMs: 10_000 });
    console.log(`Worker stopped; ${handedBack} delivery(ies) handed back.`);
    process.exit(0);
  });
}
