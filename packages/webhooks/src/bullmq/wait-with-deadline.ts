/**
 * Waiting for a promise at most until a deadline.
 *
 * @module
 */

/** Resolves `true` when `deadlineMs` passed before `work` settled, `false` otherwise. */
export async function waitWithDeadline(
  work: Promise<unknown>,
  deadlineMs: number | undefined,
): Promise<boolean> {
  if (deadlineMs === undefined) {
    await work;
    return false;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<true>((resolve) => {
    timer = setTimeout(() => resolve(true), deadlineMs);
  });
  try {
    return await Promise.race([work.then(() => false), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
