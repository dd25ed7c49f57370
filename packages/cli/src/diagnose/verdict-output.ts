/**
 * How `verify` prints a verdict, as text or JSON.
 *
 * @module
 */
import type { Palette } from "../color";
import type { Verdict } from "./verdict";

/** `✓ verified` or `✗ <code>`, the reason, then one indented line per detail. */
export function formatVerdict(verdict: Verdict, paint: Palette): string[] {
  const head = verdict.ok ? paint.green("✓ verified") : paint.red(`✗ ${verdict.code}`);
  return [head, `  ${verdict.reason}`, ...verdict.details.map((line) => `  ${paint.dim(line)}`)];
}

/** The `--json` form of a verdict (snake_case, like the wire format). */
export function verdictJson(verdict: Verdict): Record<string, unknown> {
  return {
    ok: verdict.ok,
    code: verdict.code,
    reason: verdict.reason,
    details: verdict.details,
    body_bytes: verdict.bodyBytes,
    signed_bytes: verdict.signedBytes ?? null,
    first_difference: verdict.firstDifference ?? null,
    secret: verdict.secret ?? null,
  };
}
