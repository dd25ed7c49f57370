// @ts-check
/**
 * The three receivers of the demo, each guarded by `verifyAttesta` from
 * `@attesta/verify`: Express takes everything, a Koa "Slack" bridge takes the
 * verdicts a human must see, and a Hono audit sink is mid secret rotation.
 *
 * @module
 */
import { once } from "node:events";
import { verifyAttesta as verifyExpress } from "@attesta/verify/express";
import { verifyAttesta as verifyHono } from "@attesta/verify/hono";
import { verifyAttesta as verifyKoa } from "@attesta/verify/koa";
import { serve } from "@hono/node-server";
import express from "express";
import { Hono } from "hono";
import Koa from "koa";

/**
 * What a receiver saw after `verifyAttesta` let a request through: the
 * signature matched, so the handler ran.
 *
 * @typedef {object} Receipt
 * @property {string} receiver
 * @property {string} deliveryId
 * @property {string} event
 * @property {number} attempts   Requests seen for this delivery id (retries reuse it).
 */

/** Receiver-side log, keyed by receiver and delivery id. */
export class Inbox {
  /** @type {Map<string, Receipt>} */
  #receipts = new Map();

  /**
   * @param {string} receiver
   * @param {string | undefined} deliveryId
   * @param {string} event
   * @returns {Receipt}
   */
  record(receiver, deliveryId, event) {
    const key = `${receiver}:${deliveryId}`;
    const previous = this.#receipts.get(key);
    const receipt = {
      receiver,
      deliveryId: deliveryId ?? "",
      event,
      attempts: (previous?.attempts ?? 0) + 1,
    };
    this.#receipts.set(key, receipt);
    return receipt;
  }

  /**
   * @param {string} receiver
   * @param {string} deliveryId
   */
  get(receiver, deliveryId) {
    return this.#receipts.get(`${receiver}:${deliveryId}`);
  }

  get size() {
    return this.#receipts.size;
  }
}

/**
 * @typedef {object} Receiver
 * @property {string} name        Short endpoint name for the table.
 * @property {string} framework
 * @property {string} url
 * @property {() => Promise<void>} close
 */

/**
 * @param {{ inbox: Inbox; secrets: { express: string; slack: string; audit: readonly string[] } }} options
 * @returns {Promise<Receiver[]>}
 */
export async function startReceivers({ inbox, secrets }) {
  return Promise.all([
    startExpress(inbox, secrets.express),
    startKoa(inbox, secrets.slack),
    startHono(inbox, secrets.audit),
  ]);
}

/**
 * @param {Inbox} inbox
 * @param {string} secret
 * @returns {Promise<Receiver>}
 */
async function startExpress(inbox, secret) {
  const app = express();
  // No express.json() in front: verifyAttesta needs the exact body bytes.
  app.post("/webhooks/attesta", verifyExpress({ secret }), (req, res) => {
    // verifyAttesta only calls next() once req.attesta is set.
    inbox.record("express", req.get("x-attesta-delivery"), req.attesta?.event ?? "");
    res.status(200).json({ received: true });
  });
  const server = app.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    name: "express",
    framework: "Express",
    url: `${origin(server)}/webhooks/attesta`,
    close: () => shut(server),
  };
}

/**
 * @param {Inbox} inbox
 * @param {string} secret
 * @returns {Promise<Receiver>}
 */
async function startKoa(inbox, secret) {
  const app = new Koa();
  let hiccups = 1;
  app.use(verifyKoa({ secret }));
  app.use((ctx) => {
    inbox.record("slack", ctx.get("x-attesta-delivery"), ctx.state.attesta.event);
    // The Slack bridge fails once, the way real chat gateways do under load.
    if (hiccups > 0) {
      hiccups -= 1;
      ctx.status = 503;
      ctx.body = { error: "slack gateway busy" };
      return;
    }
    ctx.body = { posted: true };
  });
  const server = app.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    name: "slack",
    framework: "Koa",
    url: `${origin(server)}/slack`,
    close: () => shut(server),
  };
}

/**
 * @param {Inbox} inbox
 * @param {readonly string[]} secrets  New secret first; the old one stays valid until every sender has switched.
 * @returns {Promise<Receiver>}
 */
async function startHono(inbox, secrets) {
  const app = new Hono();
  app.post("/audit", verifyHono({ secret: secrets }), (c) => {
    inbox.record("audit", c.req.header("x-attesta-delivery"), c.get("attesta").event);
    return c.json({ stored: true });
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await once(server, "listening");
  return {
    name: "audit",
    framework: "Hono",
    url: `${origin(/** @type {import("node:http").Server} */ (server))}/audit`,
    close: () => shut(/** @type {import("node:http").Server} */ (server)),
  };
}

/** @param {import("node:http").Server} server */
function origin(server) {
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("receiver is not listening on TCP");
  return `http://127.0.0.1:${address.port}`;
}

/** @param {import("node:http").Server} server */
async function shut(server) {
  const closed = once(server, "close");
  server.close();
  // The dispatcher's keep-alive sockets would otherwise hold the server open.
  server.closeAllConnections();
  await closed;
}
