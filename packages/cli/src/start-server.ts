/**
 * Starting a local server for a command, with the errors a user can act on.
 *
 * @module
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ioError } from "./cli-error";

/** Listens on host:port; rejects with an ioError naming the fix (port in use, bad host). */
export function startServer(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      const fix =
        error.code === "EADDRINUSE"
          ? "stop the other process, or pass another --port (--port 0 picks a free one)."
          : "pass another --port or --host.";
      reject(
        ioError(`cannot listen on ${host}:${port} (${error.code ?? error.message}).`, fix, error),
      );
    });
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });
}
