import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { until } from "@attesta/test-support";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBrowser, SCREENSHOTS } from "./support/browser";
import { defer, liveSource, OPERATOR, serveConsole, VIEWER, XSS } from "./support/fixture";

const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

let context: BrowserContext;
let closeBrowser: () => Promise<void>;
beforeAll(async () => {
  ({ context, close: closeBrowser } = await openBrowser());
}, 120_000);
afterAll(() => closeBrowser?.());

/** Clicks Redeliver on the open delivery, confirms, and waits until it shows delivered. */
async function redeliverOpenDelivery(page: Page, timeoutMs: number): Promise<void> {
  await page.click("#redeliver");
  await page.waitForSelector("#confirm[open]");
  await page.click("#confirm-yes");
  await page.waitForFunction(
    () => document.getElementById("detail-status")?.textContent === "delivered",
    undefined,
    { timeout: timeoutMs },
  );
}

describe("the UI in headless Chromium", { timeout: 90_000 }, () => {
  it("filters to failed deliveries, opens one, redelivers it and sees it delivered; hostile text stays text", async () => {
    const { admin, receiver, bus, dispatcher } = await liveSource(3);
    bus.emit({
      type: "approved",
      data: { agent_id: "a", action_name: "deploy", risk_score: 0.1, risk_level: "low" },
    });
    await dispatcher.flush();
    const { url } = await serveConsole(admin);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    await page.goto(`${url}/#token=${OPERATOR}`);
    await page.waitForSelector("#delivery-rows tr.delivery");
    expect(page.url()).not.toContain(OPERATOR);
    await page.selectOption("#filter-status", "dead");
    await page.fill("#filter-event", "denied");
    await page.click("#apply");
    await page.waitForFunction(() => {
      const rows = Array.from(document.querySelectorAll("#delivery-rows tr.delivery"));
      return (
        rows.length === 6 &&
        rows.every(
          (row) => row.textContent?.includes("failed") && row.textContent.includes("DENIED"),
        )
      );
    });
    await page.screenshot({ path: join(SCREENSHOTS, "deliveries-failed.png"), fullPage: true });

    await page.click("#delivery-rows tr.delivery >> nth=0");
    await page.waitForSelector("#detail:not([hidden])");
    expect(await page.textContent("#detail-payload")).toContain("<img src=x onerror=");
    expect(await page.textContent("#detail-attempts")).toContain(`upstream says ${XSS}`);
    expect(await page.evaluate(() => document.querySelectorAll("img").length)).toBe(0);
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    await page.screenshot({ path: join(SCREENSHOTS, "delivery-detail.png"), fullPage: true });

    receiver.state.healthy = true;
    await redeliverOpenDelivery(page, 15_000);
    expect(await page.textContent("#detail-attempts")).toContain("204");
    await page.screenshot({ path: join(SCREENSHOTS, "console.png"), fullPage: true });
    expect(problems).toEqual([]);
  });

  it("works the same over a PostgreSQL schema: failed ones, open one, redeliver, delivered by the owning process", async () => {
    const schema = `attesta_console_ui_${process.pid}`;
    defer(async () =>
      spawnSync("psql", [DATABASE_URL, "-qc", `DROP SCHEMA IF EXISTS "${schema}" CASCADE`]),
    );
    const { PostgresStore } = await import("@attesta/webhooks/postgres");
    const store = new PostgresStore({ connection: DATABASE_URL, schema, pollIntervalMs: 50 });
    const { receiver } = await liveSource(2, store);
    const admin = PostgresStore.inspect(DATABASE_URL, schema).admin();
    defer(() => admin.close());
    // Settlements reach the database with the store's next commit.
    await until(
      async () => (await admin.deliveries({ status: "dead" })).items.length >= 4,
      10_000,
      50,
    );
    const { url } = await serveConsole(admin);
    const page = await context.newPage();
    await page.goto(`${url}/#token=${OPERATOR}`);
    await page.selectOption("#filter-status", "dead");
    await page.click("#apply");
    await page.waitForFunction(
      () => document.querySelectorAll("#delivery-rows tr.delivery").length === 4,
    );
    await page.click("#delivery-rows tr.delivery >> nth=0");
    await page.waitForSelector("#detail:not([hidden])");
    expect(await page.textContent("#detail-payload")).toContain("<img src=x onerror=");
    receiver.state.healthy = true;
    await redeliverOpenDelivery(page, 20_000);
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
  });

  it("shows a viewer no usable action, and asks for a token when none is given", async () => {
    const { admin } = await liveSource(1);
    const { url } = await serveConsole(admin);
    const page = await context.newPage();
    await page.goto(`${url}/`);
    await page.waitForSelector("#login:not([hidden])");
    await page.fill("#login-token", VIEWER);
    await page.click("#login-form button");
    await page.waitForSelector("#delivery-rows tr.delivery");
    expect(await page.isDisabled("#bulk-retry")).toBe(true);
    expect(await page.isDisabled("#recover")).toBe(true);
    await page.click("#delivery-rows tr.delivery >> nth=0");
    await page.waitForSelector("#detail:not([hidden])");
    expect(await page.isDisabled("#redeliver")).toBe(true);
    expect(await page.textContent("#notes")).toContain("Read-only");
  });

  it("opens a customer's portal from an embed token with only their endpoints and deliveries", async () => {
    const { admin } = await liveSource(2);
    const { url, console } = await serveConsole(admin);
    const page = await context.newPage();
    await page.goto(`${url}/#token=${console.embedToken({ endpoints: ["audit"] })}`);
    await page.waitForSelector("#delivery-rows tr.delivery");
    const endpoints = await page.$$eval("#endpoint-rows tr", (rows) =>
      rows.map((row) => row.firstChild?.textContent),
    );
    expect(endpoints).toEqual(["audit"]);
    const owners = await page.$$eval("#delivery-rows tr.delivery", (rows) =>
      rows.map((row) => row.children[2]?.textContent),
    );
    expect(owners).toEqual(["audit", "audit"]);
    expect(await page.isHidden("#chart-section")).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, "portal.png"), fullPage: true });
  });
});
