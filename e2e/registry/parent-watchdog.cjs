// Preloaded into the verdaccio process (node --require): exits when the test
// process that started it is gone, or after a hard lifetime limit, so a killed
// test run never leaves a registry behind.
const parentPid = Number(process.env.ATTESTA_REGISTRY_PARENT_PID);
const maxLifetimeMs = Number(process.env.ATTESTA_REGISTRY_MAX_LIFETIME_MS) || 15 * 60_000;
const startedAt = Date.now();

setInterval(() => {
  if (Date.now() - startedAt > maxLifetimeMs) process.exit(3);
  if (!Number.isInteger(parentPid) || parentPid <= 0) return;
  try {
    process.kill(parentPid, 0);
  } catch {
    process.exit(0);
  }
}, 1_000).unref();
