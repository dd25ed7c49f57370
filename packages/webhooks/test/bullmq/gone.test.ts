/**
 * A BullMQ worker disables a gone endpoint as its admin does: it pauses the
 * endpoint's queue for every worker of the cluster and records why (410 Gone
 * or the chat service's code), which every process's admin then reports.
 * Real Redis, two worker sets, a local Slack stand-in.
 */
import { describe, expect, it } from "vitest";
import {
  type DistributedEndpointConfig,
  startWebhookWorkers,
  type WebhookWorkers,
} from "../../src/bullmq/index";
import type { DeadLetter, DispatcherEvents } from "../../src/index";
import { ANSWERS, startChatReceiver } from "../support/chat-receiver";
import { defer } from "../support/cleanup";
import { sampleData } from "../support/events";
import { startTestReceiver } from "../support/test-receiver";
import { until } from "../support/until";
import { openProducer, openQueues } from "./support/distributed";
import { useSharedRedis } from "./support/redis-fixture";

const redis = await useSharedRedis();

type Disabled = DispatcherEvents["endpoint.disabled"];

async function watchedWorkers(
  endpoints: DistributedEndpointConfig[],
  prefix: string,
): Promise<{ workers: WebhookWorkers; disabled: Disabled[]; letters: DeadLetter[] }> {
  const letters: DeadLetter[] = [];
  const workers = await startWebhookWorkers(endpoints, {
    connection: redis.url,
    prefix,
    logger: null,
    onDeadLetter: (letter) => letters.push(letter),
  });
  defer(() => workers.close({ deadlineMs: 1000 }));
  const disabled: Disabled[] = [];
  workers.events.on("endpoint.disabled", ({ data }) => disabled.push(data));
  return { workers, disabled, letters };
}

describe("@attesta/webhooks/bullmq disables a gone endpoint", () => {
  it("pauses the queue for every worker on Slack's 404 channel_not_found, reports it with the code, and resumes on enableEndpoint", async () => {
    const slack = await startChatReceiver("slack", [ANSWERS.slack.channelNotFound]);
    const prefix = redis.freshPrefix();
    const place = { connection: redis.url, prefix };
    const endpoints: DistributedEndpointConfig[] = [
      { id: "alerts", url: slack.url, format: "slack", concurrency: 1 },
    ];
    const first = await watchedWorkers(endpoints, prefix);
    const second = await watchedWorkers(endpoints, prefix);
    const { bus } = openProducer(endpoints, place);
    bus.emit({ type: "denied", data: sampleData("denied", 0) });
    await until(() => first.disabled.length + second.disabled.length === 1, 10_000);
    const [event] = [...first.disabled, ...second.disabled];
    expect(event).toMatchObject({
      endpointId: "alerts",
      reason: "gone",
      receiverCode: "channel_not_found",
      lastFailure: { status: 404, receiverCode: "channel_not_found" },
    });
    // The answering delivery itself is dead, as with the local dispatcher.
    await until(() => first.letters.length + second.letters.length === 1, 10_000);
    expect([...first.letters, ...second.letters][0]).toMatchObject({
      reason: "rejected",
      status: 404,
    });

    const admin = openQueues(endpoints, place).admin();
    expect((await admin.endpoints())[0]).toMatchObject({
      state: "disabled",
      disabledReason: "gone",
      disabledReceiverCode: "channel_not_found",
    });
    // Later deliveries wait in the paused queue; no worker of either set fetches them.
    bus.emit({ type: "denied", data: sampleData("denied", 1) });
    bus.emit({ type: "denied", data: sampleData("denied", 2) });
    await until(async () => (await admin.endpoints())[0]?.pending === 2, 10_000, 25);
    // A worker fetches a waiting job of a running queue within milliseconds; 300 ms would show a wrong fetch.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(slack.requests).toHaveLength(1);

    expect(await admin.enableEndpoint("alerts")).toBe(true);
    await until(() => slack.requests.length === 3, 10_000);
    expect(slack.problems.slice(1)).toEqual([[], []]);
    await until(async () => (await admin.endpoints())[0]?.pending === 0, 10_000, 25);
    const shown = (await admin.endpoints())[0];
    expect(shown).toMatchObject({ state: "enabled" });
    expect(shown).not.toHaveProperty("disabledReason");
  });

  it("pauses on a plain 410 without a code, and an operator's pause shows as paused", async () => {
    const receiver = await startTestReceiver((_req, res) => res.writeHead(410).end());
    const prefix = redis.freshPrefix();
    const place = { connection: redis.url, prefix };
    const endpoints: DistributedEndpointConfig[] = [{ id: "main", url: receiver.url }];
    const { disabled } = await watchedWorkers(endpoints, prefix);
    openProducer(endpoints, place).bus.emit({
      type: "approved",
      data: sampleData("approved", 0),
    });
    await until(() => disabled.length === 1, 10_000);
    expect(disabled[0]).toMatchObject({ reason: "gone" });
    expect(disabled[0]).not.toHaveProperty("receiverCode");
    const admin = openQueues(endpoints, place).admin();
    const [gone] = await admin.endpoints();
    expect(gone).toMatchObject({ state: "disabled", disabledReason: "gone" });
    expect(gone).not.toHaveProperty("disabledReceiverCode");
    // Resumed and paused by hand: the worker's reason no longer applies.
    expect(await admin.enableEndpoint("main")).toBe(true);
    expect(await admin.disableEndpoint("main")).toBe(true);
    expect((await admin.endpoints())[0]).toMatchObject({
      state: "disabled",
      disabledReason: "paused",
    });
  });
});
