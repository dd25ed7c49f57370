// Child process for the Express benchmark: the server gets its own core while
// autocannon runs in the parent. Reports its port once listening, and its CPU
// time on request.
import { Buffer } from "node:buffer";
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import express from "express";
import { verifyAttesta } from "../dist/express.js";

const secret = process.argv[2];
const app = express();

// Every request of the benchmark carries the same signed body, so replay
// protection would answer all but the first as duplicates: it is off here, and
// the route does the same work as the hand-written one.
app.post("/middleware", verifyAttesta({ secret, replay: false }), (_req, res) => {
  res.status(204).end();
});

// What an application would write by hand: raw body, HMAC, compare, parse.
app.post("/by-hand", express.raw({ type: "application/json" }), (req, res) => {
  const signature = String(req.headers["x-attesta-signature"] ?? "");
  const expected = createHmac("sha256", secret).update(req.body).digest();
  const received = Buffer.from(signature.slice(7), "hex");
  if (received.length !== expected.length || !timingSafeEqual(expected, received)) {
    res.status(401).end();
    return;
  }
  req.attesta = JSON.parse(req.body.toString("utf8"));
  res.status(204).end();
});

const server = createServer(app);
server.listen(0, "127.0.0.1", () => {
  process.send({ port: server.address().port });
});
process.on("message", (message) => {
  if (message === "cpu") process.send({ cpu: process.cpuUsage() });
});
process.on("disconnect", () => server.close(() => process.exit(0)));
