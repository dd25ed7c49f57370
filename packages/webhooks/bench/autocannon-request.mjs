// The request autocannon sends in the bench's peer cases: a delivery's shape,
// size and headers, over keep-alive connections without pipelining.
import { sign } from "@attesta/verify";
import { toWebhookPayload } from "@attesta/webhooks";
import { approvedData } from "./shared.mjs";

export function autocannonRequest(url, connections) {
  const body = JSON.stringify(
    toWebhookPayload({ type: "approved", timestamp: Date.now(), data: approvedData(123456) }),
  );
  return {
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
}
