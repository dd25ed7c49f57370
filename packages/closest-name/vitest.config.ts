import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    // The JSON report is what CI's count (scripts/count-tests.mjs) sums, as in every package.
    reporters: ["default", ["json", { outputFile: ".test-results.json" }]],
  },
});
