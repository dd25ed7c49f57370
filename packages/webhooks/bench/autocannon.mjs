// Case 2b: what autocannon achieves against the same receiver with the same
// number of connections and a request of the same shape and size.
import { sign } from "@attesta/verify";
import { toWebhookPayload } from "@attesta/webhooks";
import autocannon from "autocannon";
import { approvedData, report } from "./shared.mjs";

const [url, connections, seconds] = [
  process.argv[2],
  Number(process.argv[3]),
  Number(process.argv[4]),
];
const body = JSON.stringify(
  toWebhookPayload({ type: "approved", timestamp: Date.now(), data: approvedData(123456) }),
);
const options = {
  url,
  connections,
  pipelining: 1,
  method: "POST",
  body,
  headers: {
    "content-type": "application/json",
    "user-agent": "attesta-webhooks/bench",
    "x-attesta-delivery": "00000000-0000-4000-8000-000000000000",
    "x-attesta-event": "approved",
    "x-attesta-signature": sign(body, "whsec_bench"),
  },
};
await autocannon({ ...options, duration: 2 }); // warm-up, same as the dispatcher's
const result = await autocannon({ ...options, duration: seconds });
report({
  requestsPerSecond: result.requests.average,
  non2xx: result.non2xx,
  errors: result.errors,
});
