import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    reporters: ["default", ["json", { outputFile: ".test-results.json" }]],
    // python3 start-up and the 10,000-run property test can be slow on a busy machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
