// Case 2b: what autocannon achieves against the same receiver with the same
// number of connections and a request of the same shape and size.
import autocannon from "autocannon";
import { autocannonRequest } from "./autocannon-request.mjs";
import { report } from "./shared.mjs";

const [url, connections, seconds] = [
  process.argv[2],
  Number(process.argv[3]),
  Number(process.argv[4]),
];
const options = autocannonRequest(url, connections);
await autocannon({ ...options, duration: 2 }); // warm-up, same as the dispatcher's
const result = await autocannon({ ...options, duration: seconds });
report({
  requestsPerSecond: result.requests.average,
  non2xx: result.non2xx,
  errors: result.errors,
});
