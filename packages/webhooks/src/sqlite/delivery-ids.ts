/**
 * Delivery ids derived from a row's seq, so that new rows need no id column
 * and no id index (an index insert was a third of what storing a delivery
 * cost). An id is a UUID version 8 (RFC 9562, custom layout):
 *
 *     pppppppp-pppp-8ppp-vppp-ssssssssssss
 *
 * `p`: 74 random bits naming an id epoch; `s`: the seq, 48 bits (nine
 * thousand years at a million deliveries a second), put through
 * a keyed permutation (a 4-round Feistel network with the epoch's secret
 * round keys) so that ids reveal neither order nor volume. Every open of a
 * file by a dispatcher starts a new epoch at a seq above every seq used
 * before, so a seq reused after pruning, or a file restored from a backup,
 * never mints an id given out earlier. Rows written before schema 5 keep the
 * UUID they were given, in their `id` column.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import type { SqliteDatabase } from "./driver/sqlite-driver";

const HALF_BITS = 24;
const HALF = 2 ** HALF_BITS;
const HALF_MASK = HALF - 1;
const PREFIX_LENGTH = 24;
const TAIL = /^[0-9a-f]{12}$/;
/** Every 12-bit value as three hex digits. */
const HEX3 = Array.from({ length: 4096 }, (_, n) => n.toString(16).padStart(3, "0"));

interface EpochRow {
  first_seq: number;
  prefix: string;
  secret: Uint8Array;
}

/** One epoch: the seqs from `firstSeq` up to the next epoch's first share a prefix and round keys. */
export class IdEpoch {
  readonly firstSeq: number;
  readonly prefix: string;
  private readonly keys: readonly number[];

  constructor(row: EpochRow) {
    this.firstSeq = row.first_seq;
    this.prefix = row.prefix;
    const s = row.secret;
    this.keys = [0, 3, 6, 9].map(
      (i) => ((s[i] as number) << 16) | ((s[i + 1] as number) << 8) | (s[i + 2] as number),
    );
  }

  idOf(seq: number): string {
    let left = Math.floor(seq / HALF);
    let right = seq & HALF_MASK;
    for (const key of this.keys) {
      const next = left ^ scramble(right, key);
      left = right;
      right = next;
    }
    // Two 24-bit halves through a table: a 48-bit number is a double, and
    // V8 turns doubles into hex digits far slower than small integers.
    return (
      this.prefix +
      (HEX3[left >>> 12] as string) +
      (HEX3[left & 0xfff] as string) +
      (HEX3[right >>> 12] as string) +
      (HEX3[right & 0xfff] as string)
    );
  }

  /** The seq whose id ends in `tail` (12 hex digits); the inverse of idOf. */
  seqOf(tail: string): number {
    const value = Number.parseInt(tail, 16);
    let left = Math.floor(value / HALF);
    let right = value & HALF_MASK;
    for (let i = this.keys.length - 1; i >= 0; i--) {
      const previous = right ^ scramble(left, this.keys[i] as number);
      right = left;
      left = previous;
    }
    return left * HALF + right;
  }
}

/** The round function: any mix works (a Feistel network is a bijection whatever it is); this one spreads every bit. */
function scramble(half: number, key: number): number {
  let h = Math.imul(half ^ key, 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h & HALF_MASK;
}

/** The id epochs of a file, read in one query; ids to seqs and seqs to ids. */
export class IdEpochs {
  private readonly epochs: readonly IdEpoch[];

  private constructor(epochs: readonly IdEpoch[]) {
    this.epochs = epochs;
  }

  static read(db: SqliteDatabase): IdEpochs {
    const rows = db
      .prepare("SELECT first_seq, prefix, secret FROM id_epochs ORDER BY first_seq")
      .all() as EpochRow[];
    return new IdEpochs(rows.map((row) => new IdEpoch(row)));
  }

  /** The first seq of the newest epoch, 0 when there is none. */
  get lastFirstSeq(): number {
    return this.epochs[this.epochs.length - 1]?.firstSeq ?? 0;
  }

  /** The id of a row written without one (schema 5 on). */
  idOf(seq: number): string {
    for (let i = this.epochs.length - 1; i >= 0; i--) {
      const epoch = this.epochs[i] as IdEpoch;
      if (epoch.firstSeq <= seq) return epoch.idOf(seq);
    }
    throw new Error(
      `@attesta/webhooks: delivery ${seq} has no id and no id epoch covers it; the file was changed by hand. Fix: restore it from a backup.`,
    );
  }

  /**
   * The seq an id derived here stands for; undefined when the id was not
   * derived in this file (a legacy UUID, another file's id, a typo).
   */
  seqOf(id: string): number | undefined {
    if (id.length !== PREFIX_LENGTH + 12 || id[14] !== "8") return undefined;
    const tail = id.slice(PREFIX_LENGTH);
    if (!TAIL.test(tail)) return undefined;
    const prefix = id.slice(0, PREFIX_LENGTH);
    const at = this.epochs.findIndex((epoch) => epoch.prefix === prefix);
    if (at < 0) return undefined;
    const epoch = this.epochs[at] as IdEpoch;
    const seq = epoch.seqOf(tail);
    const end = this.epochs[at + 1]?.firstSeq ?? Number.POSITIVE_INFINITY;
    return seq >= epoch.firstSeq && seq < end ? seq : undefined;
  }
}

/** Starts a new epoch at `firstSeq` (inside the caller's transaction) and returns it. */
export function beginEpoch(db: SqliteDatabase, firstSeq: number): IdEpoch {
  const hex = randomBytes(10).toString("hex");
  // Version 8 in the 13th hex digit, variant 10xx in the 17th.
  const variant = ((Number.parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  const prefix = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-`;
  const row: EpochRow = { first_seq: firstSeq, prefix, secret: randomBytes(12) };
  db.prepare("INSERT INTO id_epochs (first_seq, prefix, secret) VALUES (?, ?, ?)").run(
    row.first_seq,
    row.prefix,
    row.secret,
  );
  return new IdEpoch(row);
}
