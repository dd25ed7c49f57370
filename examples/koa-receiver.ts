import type { AddressInfo } from "node:net";
import { verifyAttesta } from "@attesta/verify/koa";
import Koa from "koa";

const secret = process.env.ATTESTA_WEBHOOK_SECRET;
if (!secret) throw new Error("Set ATTESTA_WEBHOOK_SECRET to the secret the sender signs with.");

const app = new Koa()
  // Only POST /webhooks/attesta goes on; Koa answers 404 to everything else.
  .use(async (ctx, next) => {
    if (ctx.method === "POST" && ctx.path === "/webhooks/attesta") await next();
  })
  // verifyAttesta reads the raw body itself: register it before any body parser.
  .use(verifyAttesta({ secret }))
  .use((ctx) => {
    const { event, data } = ctx.state.attesta;
    console.log(event, data.action_name, "by", data.agent_id);
    ctx.status = 204;
  });

const server = app.listen(Number(process.env.PORT ?? 3000), "127.0.0.1", () => {
  console.log(
    `Listening on http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/attesta`,
  );
});
