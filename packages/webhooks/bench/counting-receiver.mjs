// Keep-alive loopback receiver that also counts its open sockets, for the
// fleet cases. Prints its port, then serves until stdin closes.
// GET /__sockets answers {"open":n,"peak":n,"accepted":n}; every other request gets 204.
import { createServer } from "node:http";

let open = 0;
let peak = 0;
let accepted = 0;
const server = createServer((req, res) => {
  req.on("data", () => {});
  req.on("end", () => {
    if (req.url === "/__sockets") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ open, peak, accepted }));
      return;
    }
    res.writeHead(204);
    res.end();
  });
});
server.on("connection", (socket) => {
  accepted++;
  let counted = false;
  let gone = false;
  // Counted after this round of I/O: a close and a new connect can arrive in one round, new first.
  setImmediate(() => {
    if (gone) return;
    counted = true;
    open++;
    peak = Math.max(peak, open);
  });
  const leave = () => {
    if (gone) return;
    gone = true;
    if (counted) open--;
  };
  socket.on("end", leave);
  socket.on("close", leave);
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
