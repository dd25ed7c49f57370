/**
 * What a SqliteStore knows of its file's integrity: checked at open, being
 * checked in the background, damaged (nothing more is sent from it), or
 * unchecked. Reports a finding once, through the store context.
 *
 * @module
 */
import type { StoreContext } from "../store/delivery-store";
import type { SqliteDriverName } from "./driver/sqlite-driver";
import { corruptFile } from "./integrity-check";
import { BackgroundIntegrityCheck, type IntegrityOutcome } from "./integrity-worker";

/** `stats().store.integrity` of a SqliteStore. */
export type IntegrityState = "ok" | "checking" | "corrupt" | "unchecked";

export class FileIntegrity {
  private current: IntegrityState;
  private check: BackgroundIntegrityCheck | undefined;
  private readonly background: boolean;

  /** `checkedAtOpen`: the whole file was checked before use; `background`: a check of the whole file follows. */
  constructor(checkedAtOpen: boolean, background: boolean) {
    this.current = checkedAtOpen ? "ok" : "unchecked";
    this.background = background;
  }

  get state(): IntegrityState {
    return this.current;
  }

  /** Whether the file was found damaged: the store leases nothing more. */
  get corrupt(): boolean {
    return this.current === "corrupt";
  }

  /** Starts the background check, if one is planned; reports damage or a check that could not run. */
  start(
    path: string,
    driver: SqliteDriverName,
    busyTimeoutMs: number,
    context: Pick<StoreContext, "onWarning">,
  ): void {
    if (!this.background) return;
    this.current = "checking";
    this.check = new BackgroundIntegrityCheck(path, driver, busyTimeoutMs, (outcome) =>
      this.ended(path, outcome, context),
    );
  }

  stop(): void {
    this.check?.stop();
    this.check = undefined;
  }

  private ended(
    path: string,
    outcome: IntegrityOutcome,
    context: Pick<StoreContext, "onWarning">,
  ): void {
    this.check = undefined;
    if (outcome.ok) {
      this.current = "ok";
      return;
    }
    if ("problems" in outcome) {
      this.current = "corrupt";
      context.onWarning?.({ kind: "corrupt", error: corruptFile(path, outcome.problems, true) });
      return;
    }
    this.current = "unchecked";
    context.onWarning?.({ kind: "unchecked", reason: outcome.error });
  }
}
