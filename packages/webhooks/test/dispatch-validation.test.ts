import { EventBus } from "@attesta/events";
import { startTestReceiver } from "@attesta/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { WebhookDispatcher } from "../src/dispatcher/webhook-dispatcher";
import { SqliteStore } from "../src/sqlite/index";
import { tempDbPath } from "./sqlite/temp-file";
import { sampleData } from "./support/events";

const dispatchers: WebhookDispatcher[] = [];
afterEach(async () => {
  for (const dispatcher of dispatchers.splice(0)) await dispatcher.close({ deadlineMs: 0 });
});

describe("dispatch() validates the event before anything is queued", () => {
  const cases: [string, unknown, RegExp][] = [
    ["not an object", "approved", /dispatch\(event\) must be an object/],
    ["no type", { timestamp: 1, data: {} }, /dispatch\(event\)\.type must be a non-empty string/],
    ["an empty type", { type: "", timestamp: 1, data: {} }, /\.type must be a non-empty string/],
    ["no timestamp", { type: "approved", data: {} }, /\.timestamp must be a finite number/],
    ["a date timestamp", { type: "approved", timestamp: new Date(), data: {} }, /\.timestamp/],
    ["a NaN timestamp", { type: "approved", timestamp: Number.NaN, data: {} }, /\.timestamp/],
    ["no data", { type: "approved", timestamp: 1 }, /\.data must be a plain object/],
    ["array data", { type: "approved", timestamp: 1, data: [1] }, /\.data must be a plain object/],
    ["class data", { type: "approved", timestamp: 1, data: new Map() }, /\.data must be/],
  ];

  it.each(cases)(
    "throws a TypeError for %s, with a SqliteStore, and the dispatcher keeps working",
    async (_, event, message) => {
      const receiver = await startTestReceiver();
      const path = tempDbPath();
      const dispatcher = new WebhookDispatcher(new EventBus(), [{ url: receiver.url }], {
        store: new SqliteStore({ path }),
        logger: null,
      });
      dispatchers.push(dispatcher);
      expect(() => dispatcher.dispatch(event as never)).toThrow(TypeError);
      expect(() => dispatcher.dispatch(event as never)).toThrow(message);
      expect(dispatcher.stats().enqueued).toBe(0);
      await dispatcher.persisted();
      expect(
        dispatcher.dispatch({
          type: "approved",
          timestamp: Date.now(),
          data: sampleData("approved"),
        }),
      ).toBe(1);
      await dispatcher.persisted();
      await dispatcher.flush();
      expect(receiver.requests).toHaveLength(1);
      expect(dispatcher.deliveries.list()).toHaveLength(1);
    },
  );
});
