import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import express from "express";
import { Hono } from "hono";
import Koa from "koa";
import { describe, expect, it } from "vitest";
import { createConsole, expressConsole, koaConsole } from "../src/index";
import { act, call, defer, listen, liveSource, OPERATOR } from "./support/fixture";

async function checkMounted(url: string) {
  const redirect = await fetch(`${url}/console`, { redirect: "manual" });
  expect(redirect.status).toBe(308);
  expect(redirect.headers.get("location")).toBe("/console/");
  const page = await call(`${url}/console/`);
  expect(await page.text()).toContain('src="/console/assets/console.js"');
  const session = await call(`${url}/console/api/session`, OPERATOR);
  expect(await session.json()).toMatchObject({ role: "operator", source: "dispatcher" });
  const retried = await act(`${url}/console`, "/deliveries/retry", OPERATOR, { endpoint: "audit" });
  expect(await retried.json()).toMatchObject({ redelivered: 1 });
  expect((await fetch(`${url}/app-route`)).status).toBe(200);
}

describe("mounted into the app's own server under /console", () => {
  it("Express 5, next to the app's routes and its JSON body parser", async () => {
    const { admin } = await liveSource(1);
    const console = createConsole({ source: admin, operatorToken: OPERATOR, basePath: "/console" });
    const app = express();
    app.use(express.json());
    app.use("/console", expressConsole(console));
    app.get("/app-route", (_req, res) => void res.send("app"));
    await checkMounted(await listen(createServer(app)));
  });

  it("Koa 3", async () => {
    const { admin } = await liveSource(1);
    const console = createConsole({ source: admin, operatorToken: OPERATOR, basePath: "/console" });
    const app = new Koa();
    app.use(koaConsole(console));
    app.use((ctx) => {
      if (ctx.path === "/app-route") ctx.body = "app";
    });
    await checkMounted(await listen(createServer(app.callback())));
  });

  it("Hono, serving console.fetch directly", async () => {
    const { admin } = await liveSource(1);
    const console = createConsole({ source: admin, operatorToken: OPERATOR, basePath: "/console" });
    const app = new Hono();
    app.all("/console", (c) => console.fetch(c.req.raw));
    app.all("/console/*", (c) => console.fetch(c.req.raw));
    app.get("/app-route", (c) => c.text("app"));
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const started = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () =>
        resolve(started),
      );
    });
    defer(() => new Promise((resolve) => server.close(resolve)));
    await checkMounted(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
});
