/**
 * The line `send` and `trigger` print for each delivery.
 *
 * @module
 */
import { formatSize } from "./bytes";
import type { Palette } from "./color";
import type { DeliveryResult } from "./post-delivery";

/** `✓ APPROVED  → 204 No Content  182 B  8 ms  http://…`, plus the answer when refused. */
export function formatResult(result: DeliveryResult, paint: Palette): string[] {
  const mark = result.ok ? paint.green("✓") : paint.red("✗");
  const status = `${result.status} ${result.statusText}`.trim();
  const line = [
    `${mark} ${result.event.padEnd(19)}`,
    `→ ${(result.ok ? paint.green : paint.red)(status)}`,
    formatSize(result.size),
    `${Math.round(result.durationMs)} ms`,
    paint.dim(result.url),
  ].join("  ");
  if (result.ok || result.response === "") return [line];
  const answer = result.response.replace(/\s+/g, " ").slice(0, 400);
  return [line, `  ${paint.dim("answer:")} ${answer}`];
}

/** The `--json` form of one delivery result. */
export function resultJson(result: DeliveryResult): Record<string, unknown> {
  return {
    event: result.event,
    url: result.url,
    delivery_id: result.deliveryId,
    size: result.size,
    signatures: result.signatures,
    status: result.status,
    ok: result.ok,
    duration_ms: Math.round(result.durationMs * 10) / 10,
    response: result.response,
  };
}
