export interface CrashRunResult {
  /** Every event up to this one was reported persisted before the kill (-1: none). */
  readonly persistedUpTo: number;
  /** Connections accepted before the resumed process started: those of the killed one. */
  readonly connectionsBeforeRestart: number;
  /** Every request, in arrival order: its delivery id, the event's tag, its connection number. */
  readonly received: readonly {
    readonly id: string;
    readonly n: number;
    readonly connection: number;
  }[];
  /** Extra delay after the trigger, 0-5 ms. */
  readonly killedAfterMs: number;
  /** Where the kill was aimed: "emitting <persisted events>" or "delivering <received requests>". */
  readonly phase: string;
}

export function crashRun(options?: {
  events?: number;
  timeoutMs?: number;
}): Promise<CrashRunResult>;

export function checkRun(result: CrashRunResult): {
  problems: string[];
  duplicates: number;
  delivered: number;
};
