// A peer HTTP client for the "2 processes vs 1" control of
// postgres-processes.mjs: autocannon sends <requests> requests of a delivery's
// shape over <connections> keep-alive connections, after a warm-up, and prints
// "RESULT {cpuSeconds, requests}": the CPU time of the sending part alone.
// Usage: node autocannon-process-case.mjs <receiver url> <connections> <requests>
import autocannon from "autocannon";
import { autocannonRequest } from "./autocannon-request.mjs";

const [url, connections, requests] = process.argv
  .slice(2)
  .map((arg, i) => (i === 0 ? arg : Number(arg)));
const options = autocannonRequest(url, connections);
await autocannon({ ...options, amount: Math.min(requests, 4000) });
const cpu = process.cpuUsage();
const result = await autocannon({ ...options, amount: requests });
const used = process.cpuUsage(cpu);
if (result.errors > 0 || result.non2xx > 0)
  throw new Error(`autocannon case: ${result.errors} errors, ${result.non2xx} non-2xx answers`);
process.stdout.write(
  `RESULT ${JSON.stringify({ cpuSeconds: (used.user + used.system) / 1e6, requests })}\n`,
);
process.exit(0);
