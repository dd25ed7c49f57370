/**
 * Closes what a test opened, even when it fails.
 *
 * @module
 */
import { afterEach } from "vitest";

const pending: (() => Promise<unknown>)[] = [];

/** Registers `close` to run after the current test, newest first. */
export function defer(close: () => Promise<unknown>): void {
  pending.push(close);
}

afterEach(async () => {
  for (const close of pending.splice(0).reverse()) await close();
});
