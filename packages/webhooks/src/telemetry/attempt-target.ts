/**
 * The HTTP semantic-convention attributes of an endpoint, computed once.
 *
 * @module
 */
import type { ResolvedConfig } from "../router/resolve-configs";

/** What every span and measurement of one endpoint carries. */
export interface AttemptTarget {
  /** `url.full`: scheme, host, port and path; never the query or credentials. */
  readonly urlFull: string;
  readonly serverAddress: string;
  readonly serverPort: number;
  readonly endpointId: string;
}

/** The attributes of `config`'s endpoint. */
export function attemptTarget(config: ResolvedConfig): AttemptTarget {
  const url = new URL(config.url);
  const defaultPort = url.protocol === "https:" ? 443 : 80;
  return {
    urlFull: config.label,
    // IPv6 hosts come bracketed from URL; the convention wants the bare address.
    serverAddress: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    serverPort: url.port === "" ? defaultPort : Number(url.port),
    endpointId: config.id,
  };
}
