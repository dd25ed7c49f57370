// Helpers shared by the bench cases.
import { once } from "node:events";
import { createServer } from "node:http";

/** A server on 127.0.0.1 that accepts requests and never answers them. */
export async function startHangingServer() {
  const server = createServer(() => {});
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${server.address().port}/hook`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** Realistic `approved` data, tagged with `n`. */
export function approvedData(n) {
  return {
    agent_id: "agent-7",
    action_name: "deploy_service",
    risk_score: 0.42,
    risk_level: "medium",
    reason: "within policy",
    metadata: { n, session: "s-1" },
  };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Writes the case result as the last stdout line, for run.mjs. */
export function report(result) {
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}
