/**
 * A real HTTP server on 127.0.0.1 that counts the sockets open to it, now
 * and at most, for the connection tests. Its own server, not startTestReceiver:
 * it counts connections, which the receiver neither sees nor should.
 *
 * @module
 */
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface SocketCountingServer {
  readonly origin: string;
  readonly port: number;
  /** Sockets open now (a socket counts as closed once the client's FIN arrived). */
  readonly open: number;
  /** The most sockets open at once. */
  readonly peak: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Requests answered so far. */
  readonly answered: number;
  close(): Promise<void>;
}

/** Sockets open across several servers: what a process-wide cap must bound. */
export interface SocketTally {
  open: number;
  peak: number;
}

/**
 * Answers every request with 204 after `delayMs`, so requests overlap.
 * Servers given the same `tally` also count their sockets together.
 */
export async function startSocketCounter(
  delayMs = 0,
  tally: SocketTally = { open: 0, peak: 0 },
): Promise<SocketCountingServer> {
  const sockets = new Set<Socket>();
  const all = new Set<Socket>();
  let peak = 0;
  let accepted = 0;
  let answered = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      setTimeout(() => {
        answered++;
        res.writeHead(204).end();
      }, delayMs);
    });
  });
  server.on("connection", (socket) => {
    accepted++;
    let counted = false;
    let gone = false;
    const leave = (): void => {
      if (gone) return;
      gone = true;
      if (!counted) return;
      sockets.delete(socket);
      tally.open--;
    };
    // Counted once this round of I/O is processed: a client that closes one socket and then opens
    // another can have both events land in the same round, the new connection first.
    setImmediate(() => {
      if (gone) return;
      counted = true;
      sockets.add(socket);
      peak = Math.max(peak, sockets.size);
      tally.open++;
      tally.peak = Math.max(tally.peak, tally.open);
    });
    socket.on("end", leave);
    socket.on("close", leave);
    all.add(socket);
    socket.on("close", () => all.delete(socket));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    get open() {
      return sockets.size;
    },
    get peak() {
      return peak;
    },
    get accepted() {
      return accepted;
    },
    get answered() {
      return answered;
    },
    close: () => {
      for (const socket of all) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
