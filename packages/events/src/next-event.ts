/**
 * `once`: a promise for the next matching event, that removes its listener
 * when it resolves or when its signal aborts.
 *
 * @module
 */
import type { AbortSignalLike } from "./types";

interface NextEventOptions<E> {
  readonly filter?: ((event: E) => boolean) | undefined;
  readonly signal?: AbortSignalLike | undefined;
}

/** Resolves with the next event `subscribe`'s handler sees that passes `filter`. */
export function nextEvent<E>(
  subscribe: (handler: (event: E) => void) => () => void,
  { filter, signal }: NextEventOptions<E>,
): Promise<E> {
  return new Promise<E>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    // Only ever registered on `signal`, so it is defined whenever this runs.
    const onAbort = (): void => {
      unsubscribe();
      reject(signal?.reason);
    };
    const unsubscribe = subscribe((event) => {
      if (filter !== undefined && !filter(event)) return;
      unsubscribe();
      signal?.removeEventListener("abort", onAbort);
      resolve(event);
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
