/**
 * A live dispatcher with a real receiver, and a console over it served on
 * 127.0.0.1 by node:http, closed after the test.
 *
 * @module
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { EventBus } from "@attesta/events";
import { defer, startTestReceiver } from "@attesta/test-support";
import {
  type DeliveryAdmin,
  type DeliveryStore,
  dispatcherAdmin,
  WebhookDispatcher,
} from "@attesta/webhooks";
import { type ConsoleOptions, createConsole, nodeListener } from "../../src/index";

export { defer };

export const OPERATOR = "operator-token-0123456789";
export const VIEWER = "viewer-token-0123456789ab";
export const XSS = '<img src=x onerror="window.__xss=1">';

/** Listens on a free loopback port; resolves to the base URL. */
export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  defer(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A receiver that answers 500 with an HTML-looking body until `state.healthy`. */
export async function switchableReceiver() {
  const state = { healthy: false };
  const { url } = await startTestReceiver((_req, res) => {
    if (state.healthy) res.writeHead(204).end();
    else res.writeHead(500, { "content-type": "text/html" }).end(`upstream says ${XSS}`);
  });
  return { state, url };
}

/** Two endpoints (billing, audit) on one receiver, and some failed deliveries on each. */
export async function liveSource(failed = 3, store?: DeliveryStore) {
  const receiver = await switchableReceiver();
  const bus = new EventBus();
  const fast = {
    retryCount: 0,
    circuitBreaker: { consecutiveFailures: 1000, minimumAttempts: 1000 },
  };
  const dispatcher = new WebhookDispatcher(
    bus,
    [
      { id: "billing", url: receiver.url, secret: "whsec_billing_secret_0123", ...fast },
      { id: "audit", url: receiver.url, secret: "whsec_audit_secret_012345", ...fast },
    ],
    { logger: null, ...(store === undefined ? {} : { store }) },
  );
  defer(() => dispatcher.close({ deadlineMs: 1000 }));
  for (let i = 0; i < failed; i++)
    bus.emit({
      type: "denied",
      data: { agent_id: `agent-${i}`, action_name: XSS, risk_score: 0.9, risk_level: "critical" },
    });
  await dispatcher.flush();
  return { receiver, bus, dispatcher, admin: dispatcherAdmin(dispatcher) };
}

/** A console over `source` on a fresh loopback server. */
export async function serveConsole(source: DeliveryAdmin, options: Partial<ConsoleOptions> = {}) {
  const console = createConsole({
    source,
    operatorToken: OPERATOR,
    viewerToken: VIEWER,
    ...options,
  });
  const url = await listen(createServer(nodeListener(console)));
  return { console, url: `${url}${console.basePath}` };
}

/** fetch with a bearer token. */
export function call(url: string, token?: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token !== undefined) headers.set("authorization", `Bearer ${token}`);
  return fetch(url, { ...init, headers });
}

/** POST with the session's CSRF token, as the UI sends it. */
export async function act(
  base: string,
  path: string,
  token: string,
  body: unknown = {},
): Promise<Response> {
  const session = (await (await call(`${base}/api/session`, token)).json()) as {
    csrfToken: string;
  };
  return call(`${base}/api${path}`, token, {
    method: "POST",
    headers: { "content-type": "application/json", "x-csrf-token": session.csrfToken },
    body: JSON.stringify(body),
  });
}
