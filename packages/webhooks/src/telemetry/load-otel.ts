/**
 * `@opentelemetry/api`, an optional peer dependency, loaded on first use.
 *
 * @module
 */
import { createRequire } from "node:module";
import type * as Otel from "@opentelemetry/api";

/** The OpenTelemetry API module. */
export type OtelApi = typeof Otel;

let loaded: OtelApi | null | undefined;

/**
 * The OpenTelemetry API when it is installed, else `undefined`. Loaded with
 * `require` when the first dispatcher is created, never at import time, so
 * `@attesta/webhooks` works without it. The API keeps its registered SDK on
 * `globalThis`, so this copy sees the SDK whichever module format set it up.
 */
export function loadOtel(): OtelApi | undefined {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)("@opentelemetry/api") as OtelApi;
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}
