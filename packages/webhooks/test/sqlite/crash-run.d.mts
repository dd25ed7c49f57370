export interface CrashRunResult {
  /** Every event up to this one was reported persisted before the kill (-1: none). */
  readonly persistedUpTo: number;
  /** Requests the receiver had when the sender was killed. */
  readonly receivedBeforeKill: number;
  /** Every request, in arrival order: its delivery id and the event's tag. */
  readonly received: readonly { readonly id: string; readonly n: number }[];
  readonly killedAfterMs: number;
  /** What the sender was doing at the kill: emitting, delivering or idle. */
  readonly phase: string;
}

export function crashRun(options?: {
  events?: number;
  maxKillDelayMs?: number;
  timeoutMs?: number;
}): Promise<CrashRunResult>;

export function checkRun(result: CrashRunResult): {
  problems: string[];
  duplicates: number;
  delivered: number;
};
