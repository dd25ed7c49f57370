import { verifyAttesta } from "@attesta/verify/hono";
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const secret = process.env.ATTESTA_WEBHOOK_SECRET;
if (!secret) throw new Error("Set ATTESTA_WEBHOOK_SECRET to the secret the sender signs with.");

const app = new Hono();

// verifyAttesta reads the raw body itself: don't call c.req.json() before it.
app.post("/webhooks/attesta", verifyAttesta({ secret }), (c) => {
  const { event, data } = c.get("attesta");
  console.log(event, data.action_name, "by", data.agent_id);
  return c.body(null, 204);
});

serve(
  { fetch: app.fetch, port: Number(process.env.PORT ?? 3000), hostname: "127.0.0.1" },
  ({ port }) => {
    console.log(`Listening on http://127.0.0.1:${port}/webhooks/attesta`);
  },
);
