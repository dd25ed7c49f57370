// @ts-check
/**
 * The three receivers of the demo: Express takes everything and a Hono audit
 * sink mid secret rotation takes the verdicts, both guarded by `verifyAttesta`
 * from `@attesta/verify`; a Koa stand-in for Slack takes the verdicts a human
 * must see as Slack messages, checked the way Slack would (with the signature
 * on top, verified by `verifySignature` over the exact body bytes).
 *
 * @module
 */
import { once } from "node:events";
import { verifySignature } from "@attesta/verify";
import { verifyAttesta as verifyExpress } from "@attesta/verify/express";
import { verifyAttesta as verifyHono } from "@attesta/verify/hono";
import { serve } from "@hono/node-server";
import express from "express";
import { Hono } from "hono";
import Koa from "koa";
import { checkSlackMessage } from "./slack-message.mjs";

/** Slack refuses larger messages; the stand-in stops reading there too. */
const MAX_SLACK_BODY = 64 * 1024;

/**
 * What a receiver saw after `verifyAttesta` let a request through: the
 * signature matched, so the handler ran.
 *
 * @typedef {object} Receipt
 * @property {string} receiver
 * @property {string} deliveryId
 * @property {string} event
 * @property {number} attempts   Requests seen for this delivery id (retries reuse it).
 * @property {string} [message]   The Slack message's text, for the Slack stand-in.
 */

/** Receiver-side log, keyed by receiver and delivery id. */
export class Inbox {
  /** @type {Map<string, Receipt>} */
  #receipts = new Map();

  /**
   * @param {string} receiver
   * @param {string | undefined} deliveryId
   * @param {string} event
   * @param {string} [message]
   * @returns {Receipt}
   */
  record(receiver, deliveryId, event, message) {
    const key = `${receiver}:${deliveryId}`;
    const previous = this.#receipts.get(key);
    const receipt = {
      receiver,
      deliveryId: deliveryId ?? "",
      event,
      attempts: (previous?.attempts ?? 0) + 1,
      ...(message === undefined ? {} : { message }),
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
  // Not verifyAttesta: it parses an Attesta payload, and this body is a Slack message.
  app.use(async (ctx) => {
    const body = await readBody(ctx.req, MAX_SLACK_BODY);
    if (body === undefined) return answer(ctx, 413, "request_too_large");
    if (!verifySignature(body, ctx.get("x-attesta-signature") || undefined, secret))
      return answer(ctx, 401, "invalid_signature");
    const slack = checkSlackMessage(body);
    if (slack.answer !== "ok") return answer(ctx, 400, slack.answer);
    inbox.record(
      "slack",
      ctx.get("x-attesta-delivery"),
      ctx.get("x-attesta-event").toUpperCase(),
      slack.text,
    );
    // The Slack bridge fails once, the way real chat gateways do under load.
    if (hiccups > 0) {
      hiccups -= 1;
      return answer(ctx, 503, "service_unavailable");
    }
    answer(ctx, 200, "ok");
  });
  const server = app.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    name: "slack",
    framework: "Koa (Slack)",
    url: `${origin(server)}/slack`,
    close: () => shut(server),
  };
}

/**
 * Answers as Slack does: a bare code as plain text.
 *
 * @param {import("koa").Context} ctx
 * @param {number} status
 * @param {string} code
 */
function answer(ctx, status, code) {
  ctx.status = status;
  ctx.type = "text/plain";
  ctx.body = code;
}

/**
 * The exact body bytes, or `undefined` past `limit` bytes.
 *
 * @param {import("node:http").IncomingMessage} req
 * @param {number} limit
 * @returns {Promise<Buffer | undefined>}
 */
async function readBody(req, limit) {
  /** @type {Buffer[]} */
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
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
