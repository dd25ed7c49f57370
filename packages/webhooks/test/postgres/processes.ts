/**
 * Dispatcher processes on one PostgresStore schema (store-process.mjs) and a
 * receiver that records what they send: every request with its delivery id,
 * and the most requests an endpoint ever had open at once, across processes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startTestReceiver } from "@attesta/test-support";
import { onStdoutLines } from "../support/child-process";

const script = fileURLToPath(new URL("./store-process.mjs", import.meta.url));

export interface Received {
  readonly id: string;
  readonly endpoint: string;
  readonly p: number;
  readonly n: number;
  readonly at: number;
}

/** Records every request; answers 204 after 2 to 5 ms, so requests of one endpoint overlap. */
export async function startRecordingReceiver() {
  const received: Received[] = [];
  const receiver = await startTestReceiver((req, res) => {
    const body = JSON.parse(req.body.toString("utf8"));
    const { p, n } = body.data.metadata as { p: number; n: number };
    received.push({
      id: String(req.headers["x-attesta-delivery"]),
      endpoint: req.path.slice(1),
      p,
      n,
      at: Date.now(),
    });
    setTimeout(() => res.writeHead(204).end(), 2 + Math.floor(Math.random() * 4));
  }, "");
  return {
    base: receiver.url,
    received,
    /** The most requests an endpoint (by id) ever had open at once. */
    maxOpen: (endpoint: string) => receiver.mostOpen.get(`/${endpoint}`),
    close: () => receiver.close(),
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
  onStdoutLines(child, (line) => {
    state.lines.push(line);
    if (line.startsWith("P ")) state.acked = Number(line.slice(2));
    if (line === "SENT") state.sent = true;
  });
  return state;
}

/** Says which acknowledged deliveries never arrived (the first ten of them). */
export function neverArrived(missing: readonly string[]): string {
  return `${missing.length} acknowledged deliveries never arrived: ${missing.slice(0, 10).join(", ")}`;
}
