/**
 * Architecture checks (`pnpm check:arch`): no import circles anywhere in the
 * packages' sources, type-only imports included. A circle means a piece sits
 * in the wrong place; move the shared piece to a leaf module instead.
 */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment:
        "Modules import each other (type-only imports count). Move what both need into a leaf module that imports neither.",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    // Type-only imports are dependencies too: a circle of types is still a tangle.
    tsPreCompilationDeps: true,
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist)/" },
    enhancedResolveOptions: {
      extensions: [".ts", ".mts", ".cts", ".js", ".mjs", ".cjs", ".d.ts"],
    },
  },
};
