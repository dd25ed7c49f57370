import { describe, expectTypeOf, it } from "vitest";
import {
  type AnyEventHandler,
  type BusEvent,
  type ErrorHandler,
  type EscalatedData,
  EVENT_TYPES,
  EventBus,
  type EventHandler,
  type EventInput,
  EventType,
  logHandlerError,
  type PipelineEvents,
  type RiskScoredData,
  type Unsubscribe,
  type VerdictData,
  type WebhookPayload,
} from "../src/index";

const verdict: VerdictData = {
  agent_id: "agent-7",
  action_name: "delete_repo",
  risk_score: 0.93,
  risk_level: "critical",
};

describe("EventType", () => {
  it("is usable both as values and as a union type", () => {
    expectTypeOf(EventType.APPROVED).toEqualTypeOf<"approved">();
    expectTypeOf(EventType.AUDIT_LOGGED).toEqualTypeOf<"audit_logged">();
    expectTypeOf<EventType>().toEqualTypeOf<
      | "risk_scored"
      | "trust_computed"
      | "challenge_issued"
      | "challenge_completed"
      | "approved"
      | "denied"
      | "escalated"
      | "audit_logged"
    >();
    expectTypeOf(EVENT_TYPES).toEqualTypeOf<readonly EventType[]>();
  });
});

describe("the default pipeline event map", () => {
  it("types each handler's event by the subscribed name", () => {
    const bus = new EventBus();
    expectTypeOf(bus).toEqualTypeOf<EventBus<PipelineEvents>>();
    bus.on(EventType.APPROVED, (event) => {
      expectTypeOf(event.type).toEqualTypeOf<"approved">();
      expectTypeOf(event.timestamp).toEqualTypeOf<number>();
      expectTypeOf(event.data).toEqualTypeOf<VerdictData>();
      expectTypeOf(event.data.risk_level).toEqualTypeOf<"low" | "medium" | "high" | "critical">();
    });
    bus.on("escalated", (event) => {
      expectTypeOf(event.data).toEqualTypeOf<EscalatedData>();
    });
    bus.on("risk_scored", (event) => {
      expectTypeOf(event.data).toEqualTypeOf<RiskScoredData>();
    });
  });

  it("returns an unsubscribe function from on and onAny", () => {
    const bus = new EventBus();
    expectTypeOf(bus.on("approved", () => {})).toEqualTypeOf<Unsubscribe>();
    expectTypeOf(bus.onAny(() => {})).toEqualTypeOf<Unsubscribe>();
    expectTypeOf<Unsubscribe>().toEqualTypeOf<() => void>();
  });

  it("gives onAny a union it can narrow by type", () => {
    const bus = new EventBus();
    bus.onAny((event) => {
      expectTypeOf(event.type).toEqualTypeOf<EventType>();
      if (event.type === "audit_logged") {
        expectTypeOf(event.data.audit_id).toEqualTypeOf<string>();
      }
      if (event.type === "denied") {
        expectTypeOf(event.data).toEqualTypeOf<VerdictData>();
      }
    });
  });

  it("types once by the awaited name", () => {
    const bus = new EventBus();
    expectTypeOf(bus.once("challenge_completed")).resolves.toEqualTypeOf<
      BusEvent<PipelineEvents, "challenge_completed">
    >();
    // Only type-checked, never run: nothing waits for this promise.
    void bus.once("denied", {
      filter: (event) => {
        expectTypeOf(event.data).toEqualTypeOf<VerdictData>();
        return event.data.risk_score > 0.5;
      },
    });
  });

  it("accepts correct payloads with and without a timestamp", () => {
    const bus = new EventBus();
    bus.emit({ type: "approved", data: verdict });
    bus.emit({ type: EventType.DENIED, data: { ...verdict, reason: "too risky" }, timestamp: 1 });
    expectTypeOf(bus.emit).returns.toEqualTypeOf<void>();
    expectTypeOf(bus.emitAsync({ type: "approved", data: verdict })).toEqualTypeOf<Promise<void>>();
  });

  it("rejects wrong payloads at compile time", () => {
    const bus = new EventBus();
    // @ts-expect-error: risk_score must be a number
    bus.emit({ type: "approved", data: { ...verdict, risk_score: "high" } });
    // @ts-expect-error: action_name is required
    bus.emit({ type: "approved", data: { agent_id: "a", risk_score: 1, risk_level: "low" } });
    // @ts-expect-error: "severe" is not a RiskLevel
    bus.emit({ type: "denied", data: { ...verdict, risk_level: "severe" } });
    bus.emit({
      type: "denied",
      // @ts-expect-error: camelCase is not the wire format
      data: { agentId: "a", actionName: "b", riskScore: 1, riskLevel: "low" },
    });
    // @ts-expect-error: data is required for pipeline events
    bus.emit({ type: "approved" });
    // @ts-expect-error: a verdict payload is not a risk_scored payload... missing audit fields
    bus.emit({ type: "audit_logged", data: verdict });
    // @ts-expect-error: unknown event name
    bus.emit({ type: "approve", data: verdict });
    // @ts-expect-error: timestamps are epoch milliseconds, not ISO strings
    bus.emit({ type: "approved", data: verdict, timestamp: "2025-06-15T14:32:18.123+00:00" });
    // @ts-expect-error: wrong payload for emitAsync too
    void bus.emitAsync({ type: "trust_computed", data: verdict });
  });

  it("rejects handlers that expect another event's payload", () => {
    const bus = new EventBus();
    // @ts-expect-error: unknown event name
    bus.on("approve", () => {});
    // @ts-expect-error: an approved handler does not get audit data
    bus.on("approved", (event: BusEvent<PipelineEvents, "audit_logged">) => event);
    bus.on("approved", (event) => {
      // @ts-expect-error: VerdictData has no audit_id
      void event.data.audit_id;
    });
    // @ts-expect-error: once needs a known name
    void bus.once("approve");
  });

  it("does not let a union-typed name carry a mismatched payload", () => {
    const bus = new EventBus();
    const type = "approved" as "approved" | "audit_logged";
    // @ts-expect-error: the payload must match whichever name it is
    bus.emit({ type, data: verdict });
  });
});

describe("custom event maps", () => {
  interface ShopEvents {
    "order.placed": { order_id: string; total_cents: number };
    "order.shipped": { order_id: string; carrier: string };
    heartbeat: undefined;
  }

  it("types handlers and payloads by the user's map", () => {
    const shop = new EventBus<ShopEvents>();
    shop.on("order.placed", (event) => {
      expectTypeOf(event.data).toEqualTypeOf<{ order_id: string; total_cents: number }>();
    });
    shop.emit({ type: "order.shipped", data: { order_id: "o-1", carrier: "ups" } });
    shop.emit({ type: "heartbeat" });
    // @ts-expect-error: total_cents is a number
    shop.emit({ type: "order.placed", data: { order_id: "o-1", total_cents: "12" } });
    // @ts-expect-error: pipeline names are not part of this map
    shop.on("approved", () => {});
    // @ts-expect-error: data is required when the map does not allow undefined
    shop.emit({ type: "order.shipped" });
  });

  it("accepts type aliases and interfaces alike as maps", () => {
    type Aliased = { ping: { at: number } };
    const bus = new EventBus<Aliased>();
    bus.emit({ type: "ping", data: { at: 1 } });
    const loose = new EventBus<Record<string, unknown>>();
    loose.emit({ type: "anything", data: 1 });
  });

  it("types the helper aliases by the map", () => {
    expectTypeOf<EventInput<ShopEvents, "order.shipped">>().toHaveProperty("data");
    expectTypeOf<EventHandler<ShopEvents, "order.placed">>()
      .parameter(0)
      .toEqualTypeOf<BusEvent<ShopEvents, "order.placed">>();
    expectTypeOf<AnyEventHandler<ShopEvents>>()
      .parameter(0)
      .toEqualTypeOf<
        | BusEvent<ShopEvents, "order.placed">
        | BusEvent<ShopEvents, "order.shipped">
        | BusEvent<ShopEvents, "heartbeat">
      >();
  });
});

describe("onError", () => {
  it("receives the error and a typed context", () => {
    new EventBus({
      onError: (error, context) => {
        expectTypeOf(error).toEqualTypeOf<unknown>();
        expectTypeOf(context.event).toEqualTypeOf<BusEvent<PipelineEvents>>();
        logHandlerError(error, context);
      },
    });
    const onError: ErrorHandler<PipelineEvents> = logHandlerError;
    new EventBus({ onError });
    // @ts-expect-error: onError must be a function
    new EventBus({ onError: "console" });
  });
});

describe("structural consumers", () => {
  it("lets code that only needs onAny accept any EventBus", () => {
    interface EventSource {
      onAny(
        handler: (event: {
          readonly type: string;
          readonly timestamp: number;
          readonly data: unknown;
        }) => void,
      ): () => void;
    }
    const pipeline: EventSource = new EventBus();
    const custom: EventSource = new EventBus<{ ping: { at: number } }>();
    void pipeline;
    void custom;
  });

  it("lets a received event be emitted again", () => {
    const bus = new EventBus();
    bus.onAny((event) => bus.emit(event));
    bus.on("approved", (event) => bus.emitAsync(event));
  });
});

describe("WebhookPayload", () => {
  it("is a union discriminated by the upper-case event name", () => {
    expectTypeOf<WebhookPayload<"approved">>().toEqualTypeOf<{
      event: "APPROVED";
      timestamp: string;
      data: VerdictData;
    }>();
    const handle = (payload: WebhookPayload) => {
      if (payload.event === "AUDIT_LOGGED")
        expectTypeOf(payload.data.audit_id).toEqualTypeOf<string>();
    };
    void handle;
    // @ts-expect-error: the wire format uses upper-case names
    const wrong: WebhookPayload<"approved"> = { event: "approved", timestamp: "", data: verdict };
    void wrong;
  });
});
