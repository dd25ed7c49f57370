#!/usr/bin/env node
// The `attesta` bin inside this repository. pnpm links a workspace package's bin
// at install time, before anything is built, so the bin must be a file that is
// already there: this one, which loads the build. The published package points
// its bin straight at dist/cli.js (publishConfig.bin in package.json).
try {
  await import("../dist/cli.js");
} catch (error) {
  if (error?.code !== "ERR_MODULE_NOT_FOUND" || !String(error.message).includes("dist/cli.js")) {
    throw error;
  }
  console.error(
    "@attesta/cli: packages/cli is not built yet. Fix: run `npx -y pnpm@10 --filter @attesta/cli build` (or `npx -y pnpm@10 build`).",
  );
  process.exitCode = 2;
}
