import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EventBus } from "./event-bus";
import { EventType } from "./event-type";
import type { PipelineEvents, VerdictData } from "./pipeline-events";
import type { BusEvent, ErrorContext } from "./types";

const verdict: VerdictData = {
  agent_id: "agent-7",
  action_name: "delete_repo",
  risk_score: 0.93,
  risk_level: "critical",
  reason: "irreversible",
};
const approved = { type: EventType.APPROVED, data: verdict, timestamp: 1_750_000_000_000 } as const;
const denied = { type: EventType.DENIED, data: verdict, timestamp: 1_750_000_000_001 } as const;

interface Failure {
  error: unknown;
  context: ErrorContext<PipelineEvents>;
}

function collectingBus(): { bus: EventBus; failures: Failure[] } {
  const failures: Failure[] = [];
  const bus = new EventBus({ onError: (error, context) => failures.push({ error, context }) });
  return { bus, failures };
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

let unhandled: unknown[];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled = [];
  process.on("unhandledRejection", onUnhandled);
});
afterEach(() => {
  process.off("unhandledRejection", onUnhandled);
  vi.restoreAllMocks();
});

describe("subscribing and emitting", () => {
  it("calls the handlers of a type in subscription order", () => {
    const bus = new EventBus();
    const calls: string[] = [];
    bus.on("approved", () => calls.push("first"));
    bus.on("approved", () => calls.push("second"));
    bus.on("approved", () => calls.push("third"));
    bus.emit(approved);
    expect(calls).toEqual(["first", "second", "third"]);
  });

  it("interleaves onAny and typed handlers in subscription order", () => {
    const bus = new EventBus();
    const calls: string[] = [];
    bus.onAny(() => calls.push("any-1"));
    bus.on("approved", () => calls.push("typed-1"));
    bus.onAny(() => calls.push("any-2"));
    bus.on("approved", () => calls.push("typed-2"));
    bus.emit(approved);
    expect(calls).toEqual(["any-1", "typed-1", "any-2", "typed-2"]);
    calls.length = 0;
    bus.emit(denied);
    expect(calls).toEqual(["any-1", "any-2"]);
  });

  it("keeps interleaving after an onAny handler is removed and another added", () => {
    const bus = new EventBus();
    const calls: string[] = [];
    const stopAny = bus.onAny(() => calls.push("any-1"));
    bus.on("approved", () => calls.push("typed"));
    stopAny();
    bus.onAny(() => calls.push("any-2"));
    bus.emit(approved);
    expect(calls).toEqual(["typed", "any-2"]);
  });

  it("only calls the handlers of the emitted type", () => {
    const bus = new EventBus();
    const onApproved = vi.fn();
    const onDenied = vi.fn();
    bus.on("approved", onApproved);
    bus.on("denied", onDenied);
    bus.emit(denied);
    expect(onApproved).not.toHaveBeenCalled();
    expect(onDenied).toHaveBeenCalledOnce();
  });

  it("passes the same event object to every handler, onAny included", () => {
    const bus = new EventBus();
    const seen: unknown[] = [];
    bus.on("approved", (event) => seen.push(event));
    bus.onAny((event) => seen.push(event));
    bus.emit(approved);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(approved);
    expect(seen[1]).toBe(approved);
  });

  it("delivers events of names no handler subscribed to without error", () => {
    const bus = new EventBus();
    expect(() => bus.emit(approved)).not.toThrow();
  });

  it("calls a handler subscribed twice twice, and its unsubscribe removes only that subscription", () => {
    const bus = new EventBus();
    const handler = vi.fn();
    const stopFirst = bus.on("approved", handler);
    bus.on("approved", handler);
    bus.emit(approved);
    expect(handler).toHaveBeenCalledTimes(2);
    stopFirst();
    stopFirst();
    bus.emit(approved);
    expect(handler).toHaveBeenCalledTimes(3);
  });

  it("does nothing when an unsubscribe function is called again after the handler re-subscribed", () => {
    const bus = new EventBus();
    const handler = vi.fn();
    const stop = bus.on("approved", handler);
    stop();
    bus.on("approved", handler);
    stop();
    bus.emit(approved);
    expect(handler).toHaveBeenCalledOnce();
  });

  it("off removes every subscription of the handler to that type only", () => {
    const bus = new EventBus();
    const handler = vi.fn();
    bus.on("approved", handler);
    bus.on("approved", handler);
    bus.on("denied", handler);
    bus.onAny(handler);
    bus.off("approved", handler);
    bus.emit(approved);
    expect(handler).toHaveBeenCalledTimes(1); // the onAny subscription
    bus.emit(denied);
    expect(handler).toHaveBeenCalledTimes(3);
  });

  it("off ignores handlers and types it does not know", () => {
    const bus = new EventBus();
    const handler = vi.fn();
    bus.on("approved", handler);
    bus.off("approved", () => {});
    bus.off("denied", handler);
    bus.emit(approved);
    expect(handler).toHaveBeenCalledOnce();
  });

  it("onAny receives every event and its unsubscribe stops it", () => {
    const bus = new EventBus();
    const types: string[] = [];
    const stop = bus.onAny((event) => types.push(event.type));
    bus.emit(approved);
    bus.emit(denied);
    stop();
    bus.emit(approved);
    expect(types).toEqual(["approved", "denied"]);
  });

  it("offAny removes every onAny subscription of the handler", () => {
    const bus = new EventBus();
    const handler = vi.fn();
    bus.onAny(handler);
    bus.onAny(handler);
    bus.offAny(handler);
    bus.offAny(() => {});
    bus.emit(approved);
    expect(handler).not.toHaveBeenCalled();
  });

  it("supports event names outside the pipeline with a custom event map", () => {
    const bus = new EventBus<{ "order.placed": { order_id: string }; tick: undefined }>();
    const orders: string[] = [];
    let ticks = 0;
    bus.on("order.placed", (event) => orders.push(event.data.order_id));
    bus.on("tick", () => ticks++);
    bus.emit({ type: "order.placed", data: { order_id: "o-1" } });
    bus.emit({ type: "tick" });
    expect(orders).toEqual(["o-1"]);
    expect(ticks).toBe(1);
  });
});

describe("timestamps", () => {
  it("fills in the current time in epoch milliseconds when the emitter leaves it out", () => {
    vi.spyOn(Date, "now").mockReturnValue(1_718_461_938_123);
    const bus = new EventBus();
    let received: BusEvent<PipelineEvents, "approved"> | undefined;
    bus.on("approved", (event) => {
      received = event;
    });
    bus.emit({ type: "approved", data: verdict });
    expect(received).toEqual({ type: "approved", timestamp: 1_718_461_938_123, data: verdict });
  });

  it("stamps with the real clock by default", () => {
    const bus = new EventBus();
    let timestamp = -1;
    bus.on("approved", (event) => {
      timestamp = event.timestamp;
    });
    const before = Date.now();
    bus.emit({ type: "approved", data: verdict });
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(timestamp).toBeLessThanOrEqual(Date.now());
  });

  it("keeps a timestamp the emitter set, including 0", () => {
    const bus = new EventBus();
    const timestamps: number[] = [];
    bus.on("approved", (event) => timestamps.push(event.timestamp));
    bus.emit({ type: "approved", data: verdict, timestamp: 0 });
    bus.emit(approved);
    expect(timestamps).toEqual([0, approved.timestamp]);
  });

  it("stamps events emitted with emitAsync too", async () => {
    vi.spyOn(Date, "now").mockReturnValue(42);
    const bus = new EventBus();
    const timestamps: number[] = [];
    bus.on("approved", (event) => timestamps.push(event.timestamp));
    await bus.emitAsync({ type: "approved", data: verdict });
    expect(timestamps).toEqual([42]);
  });
});

describe("errors in handlers", () => {
  it("runs the later handlers when one throws, and emit does not throw", () => {
    const { bus, failures } = collectingBus();
    const calls: string[] = [];
    const boom = new Error("boom");
    bus.on("approved", () => calls.push("before"));
    const thrower = () => {
      throw boom;
    };
    bus.on("approved", thrower);
    bus.on("approved", () => calls.push("after"));
    expect(() => bus.emit(approved)).not.toThrow();
    expect(calls).toEqual(["before", "after"]);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.error).toBe(boom);
    expect(failures[0]!.context.event).toBe(approved);
    expect(failures[0]!.context.handler).toBe(thrower);
  });

  it("reports non-Error throws as they were thrown", () => {
    const { bus, failures } = collectingBus();
    bus.on("approved", () => {
      throw "plain string";
    });
    bus.emit(approved);
    expect(failures.map((f) => f.error)).toEqual(["plain string"]);
  });

  it("catches the rejection of an async handler in plain emit and reports it", async () => {
    const { bus, failures } = collectingBus();
    const rejection = new Error("async boom");
    const asyncHandler = async () => {
      throw rejection;
    };
    const after = vi.fn();
    bus.on("approved", asyncHandler);
    bus.on("approved", after);
    bus.emit(approved);
    expect(after).toHaveBeenCalledOnce();
    await tick();
    expect(failures).toHaveLength(1);
    expect(failures[0]!.error).toBe(rejection);
    expect(failures[0]!.context.handler).toBe(asyncHandler);
    await tick();
    expect(unhandled).toEqual([]);
  });

  it("catches rejections of handlers that return non-native thenables", async () => {
    const { bus, failures } = collectingBus();
    const thenable = {
      // biome-ignore lint/suspicious/noThenProperty: the test is about foreign thenables
      then(_resolve: (value: unknown) => void, reject: (reason: unknown) => void) {
        reject(new Error("thenable boom"));
      },
    };
    bus.on("approved", () => thenable);
    bus.emit(approved);
    await bus.emitAsync(approved);
    await tick();
    expect(failures.map((f) => (f.error as Error).message)).toEqual([
      "thenable boom",
      "thenable boom",
    ]);
  });

  it("reports a handler whose then method throws instead of crashing the emit", () => {
    const { bus, failures } = collectingBus();
    const after = vi.fn();
    bus.on("approved", () => ({
      // biome-ignore lint/suspicious/noThenProperty: the test is about foreign thenables
      get then() {
        throw new Error("hostile then");
      },
    }));
    bus.on("approved", after);
    expect(() => bus.emit(approved)).not.toThrow();
    expect(after).toHaveBeenCalledOnce();
    expect((failures[0]!.error as Error).message).toBe("hostile then");
  });

  it("logs to console.error with the event type and handler name when no onError is given", () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const bus = new EventBus();
    const boom = new Error("boom");
    bus.on("denied", function notifySlack() {
      throw boom;
    });
    bus.emit(denied);
    expect(log).toHaveBeenCalledOnce();
    const [message, error, extra] = log.mock.calls[0]!;
    expect(message).toContain('"notifySlack"');
    expect(message).toContain('"denied"');
    expect(error).toBe(boom);
    expect(extra).toEqual({ event: denied });
  });

  it("logs both errors and keeps going when onError itself throws", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const bus = new EventBus({
      onError: () => {
        throw new Error("broken reporter");
      },
    });
    const after = vi.fn();
    bus.on("approved", () => {
      throw new Error("boom");
    });
    bus.on("approved", async () => {
      throw new Error("async boom");
    });
    bus.on("approved", after);
    expect(() => bus.emit(approved)).not.toThrow();
    await expect(bus.emitAsync(approved)).resolves.toBeUndefined();
    expect(after).toHaveBeenCalledTimes(2);
    await tick();
    expect(log).toHaveBeenCalled();
    expect(log.mock.calls.every((call) => (call[1] as Error).message === "broken reporter")).toBe(
      true,
    );
    expect(unhandled).toEqual([]);
  });
});

describe("emitAsync", () => {
  it("resolves at once when there are no handlers", async () => {
    const bus = new EventBus();
    await expect(bus.emitAsync(approved)).resolves.toBeUndefined();
  });

  it("waits for every async handler, which run concurrently in subscription order", async () => {
    const bus = new EventBus();
    const log: string[] = [];
    bus.on("approved", async () => {
      log.push("slow start");
      await new Promise((resolve) => setTimeout(resolve, 20));
      log.push("slow end");
    });
    bus.on("approved", () => {
      log.push("sync");
    });
    bus.on("approved", async () => {
      log.push("fast start");
      await new Promise((resolve) => setTimeout(resolve, 1));
      log.push("fast end");
    });
    const done = bus.emitAsync(approved);
    expect(log).toEqual(["slow start", "sync", "fast start"]);
    await done;
    expect(log).toEqual(["slow start", "sync", "fast start", "fast end", "slow end"]);
  });

  it("waits for a single async handler", async () => {
    const bus = new EventBus();
    let finished = false;
    bus.on("approved", async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      finished = true;
    });
    await bus.emitAsync(approved);
    expect(finished).toBe(true);
  });

  it("never rejects, and reports each failing handler before it resolves", async () => {
    const { bus, failures } = collectingBus();
    const syncThrower = () => {
      throw new Error("sync");
    };
    const rejecter = async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      throw new Error("late");
    };
    const ok = vi.fn(async () => {});
    bus.on("approved", syncThrower);
    bus.on("approved", rejecter);
    bus.on("approved", ok);
    const done = bus.emitAsync(approved);
    // Read in a reaction attached directly to the returned promise: the count
    // at the moment it fulfils, not a few ticks later.
    const reportedWhenFulfilled = await done.then((value) => ({
      value,
      reported: failures.length,
    }));
    expect(reportedWhenFulfilled).toEqual({ value: undefined, reported: 2 });
    expect(ok).toHaveBeenCalledOnce();
    expect(failures.map((f) => [(f.error as Error).message, f.context.handler])).toEqual([
      ["sync", syncThrower],
      ["late", rejecter],
    ]);
  });

  it("attributes rejections to the right handlers even when they reject with the same value", async () => {
    const { bus, failures } = collectingBus();
    const handlers = [0, 1, 2, 3].map((i) => async () => {
      await new Promise((resolve) => setTimeout(resolve, 4 - i));
      if (i % 2 === 1) throw undefined;
    });
    for (const handler of handlers) bus.on("approved", handler);
    await bus.emitAsync(approved);
    expect(failures.map((f) => f.context.handler)).toEqual([handlers[3], handlers[1]]);
    expect(failures.every((f) => f.error === undefined && f.context.event === approved)).toBe(true);
  });

  it("calls the then method of a foreign thenable only once, even while attributing a rejection", async () => {
    const { bus, failures } = collectingBus();
    let thenCalls = 0;
    const thenable = {
      // biome-ignore lint/suspicious/noThenProperty: the test is about foreign thenables
      then(_resolve: (value: unknown) => void, reject: (reason: unknown) => void) {
        thenCalls++;
        reject(new Error("foreign"));
      },
    };
    bus.on("approved", async () => {});
    bus.on("approved", () => thenable);
    await bus.emitAsync(approved);
    expect(thenCalls).toBe(1);
    expect(failures.map((f) => (f.error as Error).message)).toEqual(["foreign"]);
  });

  it("does not leave an unhandled rejection when a fast handler rejects while a slow one is pending", async () => {
    const { bus, failures } = collectingBus();
    bus.on("approved", () => new Promise((resolve) => setTimeout(resolve, 30)));
    bus.on("approved", () => Promise.reject(new Error("instant")));
    bus.on("approved", () => new Promise((resolve) => setTimeout(resolve, 10)));
    const done = bus.emitAsync(approved);
    await new Promise((resolve) => setTimeout(resolve, 15));
    expect(failures).toHaveLength(1);
    await done;
    expect(failures).toHaveLength(1);
    expect(unhandled).toEqual([]);
  });
});

describe("changing subscriptions during emit", () => {
  it("does not call a handler subscribed during the dispatch until the next event", () => {
    const bus = new EventBus();
    const late = vi.fn();
    bus.on("approved", () => {
      bus.on("approved", late);
    });
    bus.emit(approved);
    expect(late).not.toHaveBeenCalled();
    bus.emit(approved);
    expect(late).toHaveBeenCalledOnce();
  });

  it("still calls a handler another handler unsubscribed during the dispatch, but not afterwards", () => {
    const bus = new EventBus();
    const second = vi.fn();
    let stopSecond = () => {};
    bus.on("approved", () => stopSecond());
    stopSecond = bus.on("approved", second);
    bus.emit(approved);
    expect(second).toHaveBeenCalledOnce();
    bus.emit(approved);
    expect(second).toHaveBeenCalledOnce();
  });

  it("lets a handler unsubscribe itself without skipping the next handler", () => {
    const bus = new EventBus();
    const calls: string[] = [];
    const stop = bus.on("approved", () => {
      calls.push("self-removing");
      stop();
    });
    bus.on("approved", () => calls.push("next"));
    bus.emit(approved);
    bus.emit(approved);
    expect(calls).toEqual(["self-removing", "next", "next"]);
  });

  it("finishes the current dispatch when a handler clears the bus", () => {
    const bus = new EventBus();
    const calls: string[] = [];
    bus.on("approved", () => {
      calls.push("clearer");
      bus.clear();
    });
    bus.on("approved", () => calls.push("second"));
    bus.onAny(() => calls.push("any"));
    bus.emit(approved);
    bus.emit(approved);
    expect(calls).toEqual(["clearer", "second", "any"]);
  });

  it("does not call an onAny handler added during the dispatch until the next event", () => {
    const bus = new EventBus();
    const any = vi.fn();
    bus.on("approved", () => {
      bus.onAny(any);
    });
    bus.emit(approved);
    expect(any).not.toHaveBeenCalled();
    bus.emit(denied);
    expect(any).toHaveBeenCalledOnce();
  });

  it("handles events emitted from inside a handler before returning to the outer dispatch", () => {
    const bus = new EventBus();
    const calls: string[] = [];
    bus.on("approved", () => {
      calls.push("approved-1");
      bus.emit(denied);
    });
    bus.on("approved", () => calls.push("approved-2"));
    bus.on("denied", () => calls.push("denied"));
    bus.emit(approved);
    expect(calls).toEqual(["approved-1", "denied", "approved-2"]);
  });

  it("keeps the snapshot for emitAsync too", async () => {
    const bus = new EventBus();
    const late = vi.fn();
    bus.on("approved", async () => {
      bus.on("approved", late);
    });
    await bus.emitAsync(approved);
    expect(late).not.toHaveBeenCalled();
  });
});

describe("once", () => {
  it("resolves with the next event of that type and then removes its listener", async () => {
    const bus = new EventBus();
    const next = bus.once("approved");
    expect(bus.listenerCount("approved")).toBe(1);
    bus.emit(denied);
    bus.emit(approved);
    bus.emit({ ...approved, timestamp: 7 });
    await expect(next).resolves.toBe(approved);
    expect(bus.listenerCount("approved")).toBe(0);
  });

  it("resolves from emitAsync as well", async () => {
    const bus = new EventBus();
    const next = bus.once("denied");
    await bus.emitAsync(denied);
    await expect(next).resolves.toBe(denied);
  });

  it("waits for an event that passes the filter", async () => {
    const bus = new EventBus();
    const next = bus.once("approved", { filter: (event) => event.data.agent_id === "agent-2" });
    bus.emit(approved);
    const wanted = {
      type: "approved",
      data: { ...verdict, agent_id: "agent-2" },
      timestamp: 5,
    } as const;
    bus.emit(wanted);
    await expect(next).resolves.toBe(wanted);
    expect(bus.listenerCount()).toBe(0);
  });

  it("reports a filter that throws and keeps waiting", async () => {
    const { bus, failures } = collectingBus();
    let calls = 0;
    const next = bus.once("approved", {
      filter: () => {
        calls++;
        if (calls === 1) throw new Error("bad filter");
        return true;
      },
    });
    bus.emit(approved);
    expect((failures[0]!.error as Error).message).toBe("bad filter");
    bus.emit(denied);
    bus.emit(approved);
    await expect(next).resolves.toBe(approved);
  });

  it("rejects with the signal's reason and removes its listener when aborted", async () => {
    const bus = new EventBus();
    const controller = new AbortController();
    const next = bus.once("approved", { signal: controller.signal });
    controller.abort(new Error("gave up"));
    await expect(next).rejects.toThrow("gave up");
    expect(bus.listenerCount("approved")).toBe(0);
  });

  it("rejects at once when the signal is already aborted", async () => {
    const bus = new EventBus();
    const next = bus.once("approved", { signal: AbortSignal.abort("too late") });
    await expect(next).rejects.toBe("too late");
    expect(bus.listenerCount()).toBe(0);
  });

  it("stops listening to the signal after it resolves", async () => {
    const bus = new EventBus();
    const controller = new AbortController();
    const next = bus.once("approved", { signal: controller.signal });
    bus.emit(approved);
    await expect(next).resolves.toBe(approved);
    controller.abort();
    await tick();
    expect(unhandled).toEqual([]);
  });

  it("resolves several waiters for the same event", async () => {
    const bus = new EventBus();
    const first = bus.once("approved");
    const second = bus.once("approved");
    bus.emit(approved);
    await expect(Promise.all([first, second])).resolves.toEqual([approved, approved]);
  });
});

describe("clear and listenerCount", () => {
  it("counts an event's own handlers plus onAny handlers, and everything without a type", () => {
    const bus = new EventBus();
    expect(bus.listenerCount()).toBe(0);
    bus.on("approved", () => {});
    bus.on("approved", () => {});
    bus.on("denied", () => {});
    expect(bus.listenerCount("approved")).toBe(2);
    expect(bus.listenerCount("escalated")).toBe(0);
    bus.onAny(() => {});
    expect(bus.listenerCount("approved")).toBe(3);
    expect(bus.listenerCount("escalated")).toBe(1);
    expect(bus.listenerCount()).toBe(4);
  });

  it("clear() removes every handler, onAny included", () => {
    const bus = new EventBus();
    const handler = vi.fn();
    bus.on("approved", handler);
    bus.onAny(handler);
    bus.clear();
    bus.emit(approved);
    expect(handler).not.toHaveBeenCalled();
    expect(bus.listenerCount()).toBe(0);
  });

  it("clear(type) removes only that type's handlers", () => {
    const bus = new EventBus();
    const onApproved = vi.fn();
    const onDenied = vi.fn();
    const any = vi.fn();
    bus.on("approved", onApproved);
    bus.on("denied", onDenied);
    bus.onAny(any);
    bus.clear("approved");
    bus.emit(approved);
    bus.emit(denied);
    expect(onApproved).not.toHaveBeenCalled();
    expect(onDenied).toHaveBeenCalledOnce();
    expect(any).toHaveBeenCalledTimes(2);
    expect(bus.listenerCount()).toBe(2);
  });

  it("accepts new subscriptions after clear", () => {
    const bus = new EventBus();
    bus.on("approved", () => {});
    bus.clear();
    const handler = vi.fn();
    bus.on("approved", handler);
    bus.emit(approved);
    expect(handler).toHaveBeenCalledOnce();
  });
});

describe("argument validation", () => {
  it("rejects an onError that is not a function", () => {
    expect(() => new EventBus({ onError: "log" as never })).toThrow(
      new TypeError(
        '@attesta/events: options.onError must be a function; got "log". ' +
          "Fix: pass (error, { event, handler }) => { … } or leave it out to log to console.error.",
      ),
    );
  });

  it("rejects options that are not an object", () => {
    expect(() => new EventBus(null as never)).toThrow(
      /^@attesta\/events: EventBus options must be an object; got null/,
    );
  });

  it("rejects handlers that are not functions, naming the method and the event", () => {
    const bus = new EventBus();
    expect(() => bus.on("approved", undefined as never)).toThrow(
      /^@attesta\/events: on\(type, handler\) needs a function as handler; got undefined undefined\. Fix: .*"approved"/,
    );
    expect(() => bus.onAny({} as never)).toThrow(
      /^@attesta\/events: onAny\(handler\) needs a function as handler; got object/,
    );
  });

  it("rejects event names that are not strings", () => {
    const bus = new EventBus();
    expect(() => bus.on(7 as never, () => {})).toThrow(TypeError);
    expect(() => bus.once(Symbol("x") as never)).toThrow(/needs an event name string as type/);
  });

  it("rejects once options of the wrong shape", () => {
    const bus = new EventBus();
    expect(() => bus.once("approved", { filter: true as never })).toThrow(
      /options\.filter must be a function/,
    );
    expect(() => bus.once("approved", { signal: {} as never })).toThrow(
      /options\.signal must be an AbortSignal/,
    );
    expect(() => bus.once("approved", 5 as never)).toThrow(/needs an object as options/);
    expect(bus.listenerCount()).toBe(0);
  });
});
