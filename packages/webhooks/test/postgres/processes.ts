/**
 * Dispatcher processes on one PostgresStore schema (store-process.mjs) and a
 * receiver that records what they send: every request with its delivery id,
 * and the most requests an endpoint ever had open at once, across processes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("./store-process.mjs", import.meta.url));

export interface Received {
  readonly id: string;
  readonly endpoint: string;
  readonly p: number;
  readonly n: number;
  readonly at: number;
}

export async function startRecordingReceiver() {
  const received: Received[] = [];
  const open = new Map<string, number>();
  const maxOpen = new Map<string, number>();
  const server = createServer((req, res) => {
    const endpoint = (req.url ?? "").slice(1);
    const now = (open.get(endpoint) ?? 0) + 1;
    open.set(endpoint, now);
    maxOpen.set(endpoint, Math.max(maxOpen.get(endpoint) ?? 0, now));
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      const { p, n } = body.data.metadata as { p: number; n: number };
      received.push({
        id: String(req.headers["x-attesta-delivery"]),
        endpoint,
        p,
        n,
        at: Date.now(),
      });
      setTimeout(
        () => {
          open.set(endpoint, (open.get(endpoint) ?? 1) - 1);
          res.writeHead(204).end();
        },
        2 + Math.floor(Math.random() * 4),
      );
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    received,
    maxOpen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One store process; `acked` is the last event number its persisted() acknowledged. */
export interface StoreProcess {
  readonly child: ChildProcess;
  readonly lines: string[];
  acked: number;
  sent: boolean;
}

export function startStoreProcess(args: {
  url: string;
  schema: string;
  base: string;
  proc: number;
  events: number;
  leaseMs: number;
  /** Pause between bursts of 20 events. Default 5 ms. */
  pauseMs?: number;
}): StoreProcess {
  const { url, schema, base, proc, events, leaseMs, pauseMs = 5 } = args;
  const child = spawn(
    process.execPath,
    [script, url, schema, base, String(proc), String(events), String(leaseMs), String(pauseMs)],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const state: StoreProcess = { child, lines: [], acked: -1, sent: false };
  let buffered = "";
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    buffered += chunk;
    for (let i = buffered.indexOf("\n"); i >= 0; i = buffered.indexOf("\n")) {
      const line = buffered.slice(0, i);
      buffered = buffered.slice(i + 1);
      state.lines.push(line);
      if (line.startsWith("P ")) state.acked = Number(line.slice(2));
      if (line === "SENT") state.sent = true;
    }
  });
  return state;
}

/** Says which acknowledged deliveries never arrived (the first ten of them). */
export function neverArrived(missing: readonly string[]): string {
  return `${missing.length} acknowledged deliveries never arrived: ${missing.slice(0, 10).join(", ")}`;
}
