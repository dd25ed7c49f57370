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

app.post("/without", (_req, res) => {
  res.status(204).end();
});

app.post("/with", verifyAttesta({ secret }), (_req, res) => {
  res.status(204).end();
});

// Reads the body and does nothing with it: separates the cost of reading from
// the cost of verifying and parsing.
app.post("/read-only", (req, res) => {
  req.on("data", () => {});
  req.on("end", () => res.status(204).end());
});

// What an application would write by hand: read, HMAC, compare, parse.
app.post("/by-hand", (req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    const signature = String(req.headers["x-attesta-signature"] ?? "");
    const expected = createHmac("sha256", secret).update(body).digest();
    const received = Buffer.from(signature.slice(7), "hex");
    if (received.length !== expected.length || !timingSafeEqual(expected, received)) {
      res.status(401).end();
      return;
    }
    req.attesta = JSON.parse(body.toString("utf8"));
    res.status(204).end();
  });
});

const server = createServer(app);
server.listen(0, "127.0.0.1", () => {
  process.send({ port: server.address().port });
});
process.on("message", (message) => {
  if (message === "cpu") process.send({ cpu: process.cpuUsage() });
});
process.on("disconnect", () => server.close(() => process.exit(0)));
