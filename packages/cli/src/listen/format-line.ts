/**
 * The live line `listen` prints for each delivery.
 *
 * @module
 */
import { formatSize } from "../bytes";
import type { Palette } from "../color";
import type { DeliveryRecord } from "./delivery-record";

function clock(iso: string): string {
  return iso.slice(11, 23);
}

function forwardText(record: DeliveryRecord, paint: Palette): string {
  const { forwarded } = record;
  if (!forwarded) return "";
  if ("error" in forwarded) return `  ${paint.red(`→ forward failed: ${forwarded.error}`)}`;
  const ok = forwarded.status >= 200 && forwarded.status < 300;
  return `  → forwarded: ${(ok ? paint.green : paint.yellow)(String(forwarded.status))}`;
}

/**
 * `14:32:18.123  APPROVED             ✓ verified   182 B  signed with secret #1 …`
 * or, refused, `✗ 401 secret_mismatch` and the reason.
 */
export function formatDeliveryLine(record: DeliveryRecord, paint: Palette): string {
  const event = (record.event ?? "(no event)").padEnd(19);
  const verdict = record.verified
    ? paint.green("✓ verified".padEnd(24))
    : paint.red(`✗ ${record.status} ${record.code}`.padEnd(24));
  const size = formatSize(record.size).padStart(8);
  const reason = record.verified ? paint.dim(record.reason) : record.reason;
  const note =
    record.note === undefined ? "" : `  ${paint.yellow(`⚠ not an Attesta event: ${record.note}`)}`;
  return `${paint.dim(clock(record.received_at))}  ${event}  ${verdict}${size}  ${reason}${note}${forwardText(record, paint)}`;
}
