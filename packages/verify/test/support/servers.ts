/**
 * The three frameworks as real servers on 127.0.0.1, each with the middleware
 * and a handler that records the payload and answers with the status the
 * request asks for (`x-test-status`, default 204).
 *
 * @module
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import express from "express";
import { Hono } from "hono";
import Koa from "koa";
import { verifyAttesta as verifyExpress } from "../../src/adapters/express/index";
import { type AttestaEnv, verifyAttesta as verifyHono } from "../../src/adapters/hono/index";
import { verifyAttesta as verifyKoa } from "../../src/adapters/koa/index";
import type { BaseVerifyOptions } from "../../src/middleware/resolve-options";
import { close, listen } from "./http";

export interface TestServer {
  url: string;
  /** Payloads the handler received, in order. */
  seen: unknown[];
  stop(): Promise<void>;
}

type Start = (options: BaseVerifyOptions) => Promise<TestServer>;

const statusOf = (value: string | string[] | undefined) => Number(value ?? 204);
/** Waits `x-test-delay-ms` milliseconds (bounded), to keep a delivery in flight. */
const delay = (value: string | string[] | undefined) =>
  new Promise((resolve) => setTimeout(resolve, Math.min(Number(value ?? 0), 2000)));

async function startExpress(options: BaseVerifyOptions): Promise<TestServer> {
  const seen: unknown[] = [];
  const app = express();
  app.post("/hook", verifyExpress(options), async (req, res) => {
    seen.push(req.attesta);
    await delay(req.headers["x-test-delay-ms"]);
    res.status(statusOf(req.headers["x-test-status"])).end();
  });
  const server = createServer(app);
  return { url: `${await listen(server)}/hook`, seen, stop: () => close(server) };
}

async function startKoa(options: BaseVerifyOptions): Promise<TestServer> {
  const seen: unknown[] = [];
  const app = new Koa().use(verifyKoa(options)).use(async (ctx) => {
    seen.push(ctx.state.attesta);
    await delay(ctx.get("x-test-delay-ms") || undefined);
    ctx.status = statusOf(ctx.get("x-test-status") || undefined);
  });
  const server = createServer(app.callback());
  return { url: await listen(server), seen, stop: () => close(server) };
}

async function startHono(options: BaseVerifyOptions): Promise<TestServer> {
  const seen: unknown[] = [];
  const app = new Hono<AttestaEnv>();
  app.post("/hook", verifyHono(options), async (c) => {
    seen.push(c.get("attesta"));
    await delay(c.req.header("x-test-delay-ms"));
    return c.body(null, statusOf(c.req.header("x-test-status")) as 204);
  });
  const server = await new Promise<Server>((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () =>
      resolve(started as Server),
    );
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, seen, stop: () => close(server) };
}

/** Each framework by name. */
export const FRAMEWORKS: readonly [string, Start][] = [
  ["Express 5", startExpress],
  ["Koa 3", startKoa],
  ["Hono on @hono/node-server", startHono],
];
