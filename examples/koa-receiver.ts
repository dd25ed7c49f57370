import type { AddressInfo } from "node:net";
import { verifyAttesta } from "@attesta/verify/koa";
import Koa from "koa";

// verifyAttesta reads the raw body itself: register it before any body parser.
const app = new Koa()
  .use(verifyAttesta({ secret: process.env.ATTESTA_WEBHOOK_SECRET! }))
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
