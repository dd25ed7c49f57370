// Keep-alive loopback receiver for the throughput case, run in its own process
// so that it does not share an event loop (or, given two cores, a core) with the
// client being measured. Prints its port, then serves until stdin closes.
import { createServer } from "node:http";

const server = createServer((req, res) => {
  req.on("data", () => {});
  req.on("end", () => {
    res.writeHead(204);
    res.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
