/**
 * A quiet dispatcher over a durable store for one test, recording the
 * `endpoint.disabled` events; closed after the test unless the test closes
 * it first (bounded, so that a regression fails instead of hanging).
 *
 * @module
 */
import { EventBus } from "@attesta/events";
import { afterEach } from "vitest";
import type {
  DeliveryStore,
  DispatcherEvents,
  WebhookConfig,
  WebhookDispatcherOptions,
} from "../../src/index";
import { WebhookDispatcher } from "../../src/index";
import { within } from "./until";

const open: WebhookDispatcher[] = [];
afterEach(async () => {
  for (const dispatcher of open.splice(0)) await dispatcher.close({ deadlineMs: 0 });
});

export function openStoreDispatcher(
  store: DeliveryStore,
  configs: WebhookConfig[],
  options: WebhookDispatcherOptions = {},
) {
  const bus = new EventBus();
  const dispatcher = new WebhookDispatcher(bus, configs, { store, logger: null, ...options });
  open.push(dispatcher);
  const disabled: DispatcherEvents["endpoint.disabled"][] = [];
  dispatcher.events.on("endpoint.disabled", ({ data }) => disabled.push(data));
  const close = async () => {
    open.splice(open.indexOf(dispatcher), 1);
    return within(dispatcher.close({ deadlineMs: 2000 }), 5000, "close() still waiting");
  };
  return { bus, dispatcher, disabled, close };
}
