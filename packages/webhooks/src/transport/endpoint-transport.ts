/**
 * How one attempt goes out to one endpoint.
 *
 * @module
 */
import {
  type AttestaSigner,
  createAttestaSigner,
  DELIVERY_HEADER,
  EVENT_HEADER,
  SIGNATURE_HEADER,
  signatureHeaders,
} from "@attesta/verify";
import type { ResolvedConfig } from "../router/resolve-configs";
import { VERSION } from "../version";
import { AttemptHandler } from "./attempt-handler";
import type { AttemptOutcome } from "./attempt-outcome";
import { DeadlineList } from "./deadline-list";
import type { SharedAgent } from "./shared-agent";

const USER_AGENT = `attesta-webhooks/${VERSION}`;

/** One attempt of one delivery, as the transport needs it. */
export interface AttemptRequest {
  readonly deliveryId: string;
  /** Upper-case event name; the header carries it lower-case, as emitted. */
  readonly event: string;
  readonly body: Uint8Array;
  /** 1 for the first attempt of the delivery, counted over its whole life. */
  readonly attempt: number;
  /** Epoch ms the delivery was routed (for its telemetry). */
  readonly createdAt?: number;
  /** Extra name/value pairs sent as they are, e.g. a `traceparent` from the telemetry. */
  readonly headers?: readonly string[];
  /** The delivery's own `Content-Type` (a custom format's); absent: `application/json`. */
  readonly contentType?: string;
  /** The delivery's own headers (a custom format's), checked when its body was made. */
  readonly formatHeaders?: Readonly<Record<string, string>>;
}

/**
 * Signs, sends and times one attempt at a time, many at once: one request
 * in, one `AttemptOutcome` out, never a retry. Owns the endpoint's
 * connection pool and the one timer of its running attempts.
 *
 * @example
 * ```ts
 * const transport = new EndpointTransport(config, 65_536);
 * const outcome = await transport.send({ deliveryId, event: "APPROVED", body, attempt: 1 });
 * ```
 */
export class EndpointTransport {
  private aborted = false;
  // One timer for all running attempts instead of a setTimeout/clearTimeout pair per request.
  private readonly deadlines = new DeadlineList();
  private readonly lowerCase = new Map<string, string>();
  /** The default scheme's signer for its one secret, its key prepared once instead of per request. */
  private readonly signAttesta: AttestaSigner | undefined;

  constructor(
    private readonly config: ResolvedConfig,
    private readonly maxResponseBytes: number,
    /** The dispatcher's connections, shared by every endpoint. */
    private readonly agent: SharedAgent,
  ) {
    const { secret, scheme } = config;
    if (scheme === "attesta" && typeof secret === "string") {
      this.signAttesta = createAttestaSigner(secret);
    }
  }

  send(request: AttemptRequest): Promise<AttemptOutcome> {
    const { config } = this;
    // A flat name/value array: undici takes it as is, where an object costs a key walk per request.
    const headers = [
      "content-type",
      request.contentType ?? "application/json",
      "user-agent",
      USER_AGENT,
      DELIVERY_HEADER,
      request.deliveryId,
      EVENT_HEADER,
      this.headerName(request.event),
    ];
    const signAttesta = this.signAttesta;
    // The default path stays one HMAC call: byte-identical to what Python receivers verify.
    if (signAttesta !== undefined) headers.push(SIGNATURE_HEADER, signAttesta(request.body));
    else this.pushSignature(headers, request);
    if (request.headers !== undefined) headers.push(...request.headers);
    if (request.formatHeaders !== undefined) pushPairs(headers, request.formatHeaders);
    const context = {
      endpoint: config.label,
      deliveryId: request.deliveryId,
      attempt: request.attempt,
    };
    return new Promise((resolve) => {
      const handler = new AttemptHandler(
        context,
        performance.now(),
        config.timeoutMs,
        this.maxResponseBytes,
        this.deadlines,
        resolve,
        config.format?.service,
      );
      try {
        const body = request.body;
        const origin = config.origin;
        this.agent.dispatcher.dispatch(
          { origin, path: config.path, method: "POST", headers, body },
          handler,
        );
      } catch (error) {
        handler.fail(error);
      }
    });
  }

  /** Ends every running attempt at once with an `aborted` outcome (close() at its deadline). */
  abandonAll(): void {
    this.aborted = true;
    for (const entry of this.deadlines.removeAll()) (entry as AttemptHandler).abandon();
  }

  /** Whether `abandonAll()` was called. */
  get abandoned(): boolean {
    return this.aborted;
  }

  private pushSignature(headers: string[], request: AttemptRequest): void {
    const { secret, scheme } = this.config;
    if (secret === undefined) return;
    // Standard Webhooks signs the attempt's own timestamp, so every attempt is signed afresh.
    const pairs = signatureHeaders(request.body, {
      scheme,
      secret,
      id: request.deliveryId,
      timestamp: new Date(),
    });
    for (const [name, value] of pairs) headers.push(name, value);
  }

  private headerName(event: string): string {
    let name = this.lowerCase.get(event);
    if (name === undefined) {
      name = event.toLowerCase();
      this.lowerCase.set(event, name);
    }
    return name;
  }
}

function pushPairs(headers: string[], pairs: Readonly<Record<string, string>>): void {
  for (const name in pairs) headers.push(name, pairs[name] as string);
}
