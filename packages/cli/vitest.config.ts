import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    reporters: ["default", ["json", { outputFile: ".test-results.json" }]],
    // Every test starts the built bin in a child process; a busy machine makes that slow.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
