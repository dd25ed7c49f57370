import type { AddressInfo } from "node:net";
import { verifyAttesta } from "@attesta/verify/express";
import express from "express";

const secret = process.env.ATTESTA_WEBHOOK_SECRET;
if (!secret) throw new Error("Set ATTESTA_WEBHOOK_SECRET to the secret the sender signs with.");

const app = express();

// verifyAttesta reads the raw body itself: mount no JSON parser before it on this route.
app.post("/webhooks/attesta", verifyAttesta({ secret }), (req, res) => {
  // Set by verifyAttesta, which only calls this handler for a verified delivery.
  if (!req.attesta) throw new Error("verifyAttesta must run before this handler");
  const { event, data } = req.attesta;
  console.log(event, data.action_name, "by", data.agent_id);
  res.sendStatus(204);
});

const server = app.listen(Number(process.env.PORT ?? 3000), "127.0.0.1", () => {
  console.log(
    `Listening on http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/attesta`,
  );
});
