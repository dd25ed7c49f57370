// Child process for the Express benchmark: the server gets its own core while
// autocannon runs in the parent. Prints the port once listening.
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
const server = createServer(app);
server.listen(0, "127.0.0.1", () => {
  process.send({ port: server.address().port });
});
// The parent asks for CPU time around each run to report server CPU per request.
process.on("message", (message) => {
  if (message === "cpu") process.send({ cpu: process.cpuUsage() });
});
process.on("disconnect", () => server.close(() => process.exit(0)));
