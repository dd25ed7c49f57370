import { gzipSync } from "node:zlib";
import { EventBus } from "@attesta/events";
import { startTestReceiver } from "@attesta/test-support";
import { dispatcherAdmin, WebhookDispatcher } from "@attesta/webhooks";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { createConsole } from "../src/index";
import { pageHtml } from "../src/ui/page";
import { SCRIPT } from "../src/ui/script";
import { STYLE } from "../src/ui/style";
import {
  act,
  call,
  defer,
  liveSource,
  OPERATOR,
  serveConsole,
  VIEWER,
  XSS,
} from "./support/fixture";

describe("the JSON API over real HTTP", () => {
  it("answers 401 problem+json without a token, with strict security headers on every response", async () => {
    const { admin } = await liveSource(1);
    const { url } = await serveConsole(admin);
    for (const path of ["/api/session", "/api/deliveries", "/api/endpoints"]) {
      const response = await call(`${url}${path}`);
      expect(response.status).toBe(401);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(await response.json()).toMatchObject({
        status: 401,
        type: "urn:attesta:console:problem:unauthorized",
      });
    }
    expect((await call(`${url}/api/session`, "wrong-token-0123456789")).status).toBe(401);
    const page = await call(`${url}/`);
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("lists deliveries newest first with filters and a keyset cursor, and never shows a secret", async () => {
    const { admin, bus, dispatcher } = await liveSource(5);
    bus.emit({
      type: "approved",
      data: { agent_id: "a", action_name: "deploy", risk_score: 0.1, risk_level: "low" },
    });
    await dispatcher.flush();
    const { url } = await serveConsole(admin);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const query = new URLSearchParams({
        status: "dead",
        endpoint: "billing",
        event: "denied",
        limit: "2",
        ...(cursor ? { cursor } : {}),
      });
      const body = (await (await call(`${url}/api/deliveries?${query}`, VIEWER)).json()) as {
        items: { id: string; endpointId: string; event: string }[];
        nextCursor?: string;
      };
      seen.push(...body.items.map((item) => item.id));
      expect(
        body.items.every((item) => item.endpointId === "billing" && item.event === "DENIED"),
      ).toBe(true);
      cursor = body.nextCursor;
      if (cursor === undefined) break;
    }
    expect(new Set(seen).size).toBe(5);
    const detail = (await (
      await call(`${url}/api/deliveries/${seen[0]}`, VIEWER)
    ).json()) as Record<string, unknown>;
    expect(JSON.parse(detail.payload as string).data.action_name).toBe(XSS);
    expect(JSON.stringify(detail)).toContain("upstream says");
    const everything = JSON.stringify([
      detail,
      await (await call(`${url}/api/endpoints`, VIEWER)).json(),
    ]);
    expect(everything).not.toMatch(/whsec_/);
    expect((await call(`${url}/api/deliveries?status=lost`, VIEWER)).status).toBe(400);
    expect((await call(`${url}/api/deliveries?cursor=${"x".repeat(30)}`, VIEWER)).status).toBe(400);
  });

  it("shows a delivery's own content type and headers, and the chat service's code of a gone endpoint", async () => {
    // One receiver: the audit hook accepts, the Slack-like hook says its channel is archived.
    const { url: base } = await startTestReceiver((req, res) => {
      if (req.path === "/audit") res.writeHead(204).end();
      else res.writeHead(410, { "content-type": "text/html" }).end("channel_is_archived");
    }, "");
    const bus = new EventBus();
    const dispatcher = new WebhookDispatcher(
      bus,
      [
        {
          id: "audit",
          url: `${base}/audit`,
          format: (payload) => ({
            body: `${payload.event} for the audit log`,
            contentType: "text/plain; charset=utf-8",
            headers: { "x-team": "payments" },
          }),
        },
        { id: "alerts", url: `${base}/services/T1/B1/x`, format: "slack", retryCount: 0 },
      ],
      { logger: null },
    );
    defer(() => dispatcher.close({ deadlineMs: 1000 }));
    bus.emit({
      type: "denied",
      data: { agent_id: "a", action_name: "drop", risk_score: 0.9, risk_level: "critical" },
    });
    await dispatcher.flush();
    const { url } = await serveConsole(dispatcherAdmin(dispatcher));
    const page = (await (await call(`${url}/api/deliveries?endpoint=audit`, VIEWER)).json()) as {
      items: { id: string }[];
    };
    const detail = (await (
      await call(`${url}/api/deliveries/${page.items[0]?.id}`, VIEWER)
    ).json()) as { contentType: string; payload: string; request: { headers: object } };
    expect(detail.contentType).toBe("text/plain; charset=utf-8");
    expect(detail.payload).toBe("DENIED for the audit log");
    expect(detail.request.headers).toMatchObject({
      "content-type": "text/plain; charset=utf-8",
      "x-team": "payments",
    });
    const endpoints = (await (await call(`${url}/api/endpoints`, VIEWER)).json()) as {
      items: Record<string, unknown>[];
    };
    expect(endpoints.items.find((e) => e.id === "alerts")).toMatchObject({
      state: "disabled",
      disabledReason: "gone",
      disabledReceiverCode: "channel_is_archived",
    });
  });

  it("lets an operator redeliver with the CSRF token, and refuses a viewer, a missing token and a foreign origin", async () => {
    const { admin, receiver, dispatcher } = await liveSource(2);
    const { url } = await serveConsole(admin);
    const [first] = (
      (await (await call(`${url}/api/deliveries?status=dead`, VIEWER)).json()) as {
        items: { id: string }[];
      }
    ).items;
    const path = `/api/deliveries/${first?.id}/redeliver`;
    expect((await act(url, path.slice(4), VIEWER)).status).toBe(403);
    const noCsrf = await call(`${url}${path}`, OPERATOR, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(noCsrf.status).toBe(403);
    expect(await noCsrf.json()).toMatchObject({ type: "urn:attesta:console:problem:csrf" });
    const session = (await (await call(`${url}/api/session`, OPERATOR)).json()) as {
      csrfToken: string;
    };
    const foreign = await call(`${url}${path}`, OPERATOR, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-csrf-token": session.csrfToken,
        origin: "https://evil.example",
      },
      body: "{}",
    });
    expect(foreign.status).toBe(403);
    receiver.state.healthy = true;
    const done = await act(url, path.slice(4), OPERATOR);
    expect(done.status).toBe(202);
    expect(await done.json()).toEqual({ redelivered: 1, deferred: false });
    await dispatcher.flush();
    const after = (await (await call(`${url}/api/deliveries/${first?.id}`, VIEWER)).json()) as {
      status: string;
      attempts: number;
    };
    expect(after).toMatchObject({ status: "delivered", attempts: 2 });
  });

  it("rate-limits bulk actions per principal with 429 and Retry-After", async () => {
    const { admin } = await liveSource(1);
    const { url } = await serveConsole(admin, { bulkActionsPerMinute: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await act(url, "/deliveries/retry", OPERATOR, { status: "dead" })).status);
    expect(statuses).toEqual([202, 202, 429]);
    const limited = await act(url, "/recover", OPERATOR, { since: new Date(0).toISOString() });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("scopes an embed token to its endpoints: other deliveries are 404, lists are narrowed, stats refused", async () => {
    const { admin } = await liveSource(2);
    const { url, console } = await serveConsole(admin);
    const portal = console.embedToken({ endpoints: ["audit"], expiresIn: 60 });
    const endpoints = (await (await call(`${url}/api/endpoints`, portal)).json()) as {
      items: { id: string }[];
    };
    expect(endpoints.items.map((e) => e.id)).toEqual(["audit"]);
    const list = (await (await call(`${url}/api/deliveries`, portal)).json()) as {
      items: { endpointId: string }[];
    };
    expect(list.items.map((d) => d.endpointId)).toEqual(["audit", "audit"]);
    expect(
      (
        (await (await call(`${url}/api/deliveries?endpoint=billing`, portal)).json()) as {
          items: unknown[];
        }
      ).items,
    ).toEqual([]);
    const billing = (
      (await (await call(`${url}/api/deliveries?endpoint=billing`, OPERATOR)).json()) as {
        items: { id: string }[];
      }
    ).items[0];
    expect((await call(`${url}/api/deliveries/${billing?.id}`, portal)).status).toBe(404);
    expect((await call(`${url}/api/stats`, portal)).status).toBe(403);
    expect((await act(url, `/deliveries/${billing?.id}/redeliver`, portal)).status).toBe(403);
    const tampered = `${portal.slice(0, -2)}xx`;
    expect((await call(`${url}/api/endpoints`, tampered)).status).toBe(401);
    const operatorPortal = console.embedToken({ endpoints: ["audit"], role: "operator" });
    expect((await act(url, `/deliveries/${billing?.id}/redeliver`, operatorPortal)).status).toBe(
      404,
    );
    expect((await act(url, "/endpoints/billing/disable", operatorPortal)).status).toBe(404);
  });

  it("refuses an action the source cannot do with 409 and says why", async () => {
    const { admin } = await liveSource(1);
    const readOnly = {
      ...admin,
      capabilities: { ...admin.capabilities, toggleEndpoints: false, notes: ["A read-only file."] },
    };
    const { url } = await serveConsole(readOnly);
    const response = await act(url, "/endpoints/billing/disable", OPERATOR);
    expect(response.status).toBe(409);
    expect(((await response.json()) as { detail: string }).detail).toContain("A read-only file.");
  });

  it("streams a change event to a live client when a delivery settles", async () => {
    const { admin, bus } = await liveSource(0);
    const { url } = await serveConsole(admin);
    const stream = await call(`${url}/api/events`, VIEWER);
    expect(stream.headers.get("content-type")).toBe("text/event-stream");
    const reader = (stream.body as ReadableStream<Uint8Array>)
      .pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>)
      .getReader();
    bus.emit({
      type: "approved",
      data: { agent_id: "a", action_name: "x", risk_score: 0.1, risk_level: "low" },
    });
    let text = "";
    for (let i = 0; i < 20 && !text.includes('data: {"kind":"deliveries"}'); i++)
      text += (await reader.read()).value ?? "";
    expect(text).toContain("event: change");
    expect(text).toContain('data: {"kind":"deliveries"}');
    await reader.cancel();
  });

  it("publishes an OpenAPI 3.1 document that a validator accepts", async () => {
    const { admin } = await liveSource(0);
    const { url } = await serveConsole(admin);
    const document = await (await call(`${url}/openapi.json`)).json();
    const result = await new Validator().validate(document as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });
});

describe("createConsole options", () => {
  it("refuses unknown keys with a suggestion, and an open default", async () => {
    const { admin } = await liveSource(0);
    expect(() => createConsole({ source: admin, operatorTokn: OPERATOR } as never)).toThrow(
      /unknown option "operatorTokn"\. Did you mean "operatorToken"\?/,
    );
    expect(() => createConsole({ source: admin })).toThrow(/no open default/);
    expect(() => createConsole({ source: admin, operatorToken: "short" })).toThrow(
      /at least 16 characters/,
    );
    expect(() => createConsole({ source: {} as never, operatorToken: OPERATOR })).toThrow(
      /DeliveryAdmin/,
    );
    expect(() =>
      createConsole({ source: admin, operatorToken: OPERATOR, basePath: "/console/" }),
    ).toThrow(/basePath/);
    const console = createConsole({ source: admin, operatorToken: OPERATOR });
    expect(() => console.embedToken({ endpoints: [] })).toThrow(/non-empty array/);
    expect(() => console.embedToken({ endpoints: ["a"], expiresIn: 90_000 })).toThrow(/expiresIn/);
  });
});

describe("the UI's files", () => {
  it("stay within 100 KiB gzipped, with no inline script, style or event handler", () => {
    const page = pageHtml("/console");
    const total = [page, SCRIPT, STYLE].reduce((sum, text) => sum + gzipSync(text).length, 0);
    expect(total).toBeLessThanOrEqual(100 * 1024);
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page).not.toMatch(/\son[a-z]+=/i);
    expect(page).not.toMatch(/<style|style=/);
    expect(SCRIPT).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
  });
});
