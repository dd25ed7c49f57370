// Keep-alive loopback receiver that also counts its open sockets, for the
// fleet cases. Prints "<port> <statsPort>", then serves until stdin closes.
// Every request gets 204; GET on the stats port answers {"open":n,"peak":n,"accepted":n},
// from a server of its own so that asking does not count as a socket.
import { createServer } from "node:http";

let open = 0;
let peak = 0;
let accepted = 0;
const server = createServer((req, res) => {
  req.on("data", () => {});
  req.on("end", () => {
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
const stats = createServer((_req, res) => {
  res.writeHead(200, { "content-type": "application/json", connection: "close" });
  res.end(JSON.stringify({ open, peak, accepted }));
});
server.listen(0, "127.0.0.1", () => {
  stats.listen(0, "127.0.0.1", () => {
    process.stdout.write(`${server.address().port} ${stats.address().port}\n`);
  });
});
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
