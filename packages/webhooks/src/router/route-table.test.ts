import { describe, expect, it } from "vitest";
import { RouteTable, resolveEventSelection } from "./route-table";

describe("RouteTable", () => {
  it("routes custom event types by name and [] / missing to every event", () => {
    const routes = new RouteTable<string>();
    routes.set("all", resolveEventSelection([], "events"));
    routes.set("orders", resolveEventSelection(["order.placed", "order.shipped"], "events"));
    routes.set("approvals", resolveEventSelection(["approved"], "events"));
    routes.set("default", resolveEventSelection(undefined, "events"));
    expect(routes.targetsFor("order.placed")).toEqual(["all", "orders", "default"]);
    expect(routes.targetsFor("approved")).toEqual(["all", "approvals", "default"]);
    expect(routes.targetsFor("anything.else")).toEqual(["all", "default"]);
  });

  it("follows adds, changes and removals, keeping snapshots already handed out", () => {
    const routes = new RouteTable<string>();
    routes.set("a", ["x"]);
    const before = routes.targetsFor("x");
    routes.set("b", "all");
    routes.set("a", ["y"]);
    expect(before).toEqual(["a"]);
    expect(routes.targetsFor("x")).toEqual(["b"]);
    expect(routes.targetsFor("y")).toEqual(["a", "b"]);
    expect(routes.delete("b")).toBe(true);
    expect(routes.delete("b")).toBe(false);
    expect(routes.targetsFor("x")).toEqual([]);
    expect(routes.size).toBe(1);
  });

  it("stays correct past the cache bound", () => {
    const routes = new RouteTable<number>();
    routes.set(1, "all");
    for (let i = 0; i < 3000; i++) expect(routes.targetsFor(`type.${i}`)).toEqual([1]);
  });
});

describe("resolveEventSelection", () => {
  it("removes duplicates and refuses what cannot be an event name", () => {
    expect(resolveEventSelection(["a", "a", "b"], "events")).toEqual(["a", "b"]);
    expect(() => resolveEventSelection("approved", "config[0].events")).toThrow(
      /config\[0\]\.events must be an array of event names; got "approved"\. Fix:/,
    );
    expect(() => resolveEventSelection([""], "config[0].events")).toThrow(
      /config\[0\]\.events\[0\] must be a non-empty event name/,
    );
    expect(() => resolveEventSelection([7], "events")).toThrow(/events\[0\]/);
  });

  it("points upper-case pipeline names to the emitted lower-case ones", () => {
    expect(() => resolveEventSelection(["APPROVED"], "config[1].events")).toThrow(
      /config\[1\]\.events\[0\] must be an event name as the bus emits it; got "APPROVED"\. Fix: use the lower-case name "approved"/,
    );
    expect(resolveEventSelection(["Order.Placed"], "events")).toEqual(["Order.Placed"]);
  });
});
