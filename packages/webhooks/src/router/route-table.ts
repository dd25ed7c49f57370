/**
 * Which endpoints get an event type, for any event type: the eight pipeline
 * events and those of a custom `EventBus<MyEvents>` alike. Endpoints can be
 * added, changed and removed while events flow.
 *
 * @module
 */
import { EVENT_TYPES } from "@attesta/events";
import { invalidOption } from "../options/invalid-option";

/** `"all"`: every event the bus emits; otherwise the exact event names. */
export type EventSelection = "all" | readonly string[];

// Bounds the per-type cache when a bus emits many distinct types; it is rebuilt on demand.
const MAX_CACHED_TYPES = 1024;
const NONE: readonly never[] = Object.freeze([]);

/**
 * Validates an endpoint's `events` option. Missing or `[]` selects every
 * event; names may be any event the bus emits. An upper-case pipeline name
 * (`"APPROVED"`) is refused with the lower-case one to use, since the bus
 * emits `"approved"`.
 *
 * @example
 * ```ts
 * resolveEventSelection(["order.placed"], "config[0].events"); // ["order.placed"]
 * resolveEventSelection([], "config[0].events"); // "all"
 * ```
 */
export function resolveEventSelection(value: unknown, at: string): EventSelection {
  if (value === undefined) return "all";
  const fix = 'pass e.g. ["approved", "denied"] or your own event names, or [] for every event';
  if (!Array.isArray(value)) throw invalidOption(at, "an array of event names", value, fix);
  for (const [index, name] of value.entries()) {
    if (typeof name !== "string" || name.length === 0) {
      throw invalidOption(`${at}[${index}]`, "a non-empty event name", name, fix);
    }
    const lower = name.toLowerCase();
    if (lower !== name && (EVENT_TYPES as readonly string[]).includes(lower)) {
      throw invalidOption(
        `${at}[${index}]`,
        "an event name as the bus emits it",
        name,
        `use the lower-case name "${lower}" (EventType.${name.toUpperCase()})`,
      );
    }
  }
  return value.length === 0 ? "all" : [...new Set(value as string[])];
}

/**
 * Targets by event type, in the order they were added. `targetsFor` runs
 * inside `emit`: one map lookup once the type has been seen; the arrays it
 * returns are never mutated, so a dispatch in progress keeps its snapshot.
 *
 * @example
 * ```ts
 * const routes = new RouteTable<string>();
 * routes.set("ep_1", "all");
 * routes.set("ep_2", ["order.placed"]);
 * routes.targetsFor("order.placed"); // ["ep_1", "ep_2"]
 * ```
 */
export class RouteTable<T> {
  private readonly selections = new Map<T, EventSelection>();
  private readonly cache = new Map<string, readonly T[]>();
  // A bus mostly emits runs of one type: the last answer spares the map lookup.
  private lastType: string | undefined;
  private lastTargets: readonly T[] = NONE;

  /** Adds `target`, or changes its selection (it keeps its place in the order). */
  set(target: T, selection: EventSelection): void {
    this.selections.set(target, selection);
    this.forget();
  }

  delete(target: T): boolean {
    const had = this.selections.delete(target);
    if (had) this.forget();
    return had;
  }

  get size(): number {
    return this.selections.size;
  }

  targetsFor(type: string): readonly T[] {
    if (type === this.lastType) return this.lastTargets;
    const cached = this.cache.get(type) ?? this.build(type);
    this.lastType = type;
    this.lastTargets = cached;
    return cached;
  }

  private forget(): void {
    this.cache.clear();
    this.lastType = undefined;
    this.lastTargets = NONE;
  }

  private build(type: string): readonly T[] {
    const targets: T[] = [];
    for (const [target, selection] of this.selections) {
      if (selection === "all" || selection.includes(type)) targets.push(target);
    }
    if (this.cache.size >= MAX_CACHED_TYPES) this.cache.clear();
    const frozen = targets.length === 0 ? NONE : Object.freeze(targets);
    this.cache.set(type, frozen);
    return frozen;
  }
}
