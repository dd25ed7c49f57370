import { defineConfig } from "tsup";

// Entry names become dist file names; package.json "exports" points at them.
// `index` and `hono` are the node:crypto builds (the "node" export condition);
// `web` and `hono.web` use only Web APIs. Express and Koa only run on Node.
export default defineConfig({
  entry: {
    index: "src/index.ts",
    web: "src/web/index.ts",
    express: "src/adapters/express/index.ts",
    koa: "src/adapters/koa/index.ts",
    hono: "src/adapters/hono/index.ts",
    "hono.web": "src/adapters/hono/web.ts",
  },
  format: ["esm", "cjs"],
  // @attesta/events is types only: inline them so the package needs no runtime dependency.
  dts: { resolve: ["@attesta/events"] },
  clean: true,
  // Shared chunks keep one AttestaVerificationError class across entry points.
  splitting: true,
  sourcemap: false,
  target: "es2022",
  treeshake: true,
  // Keep "node:" specifiers: explicit for Deno and Bun, and easy to audit in the web build.
  removeNodeProtocol: false,
  external: ["express", "koa", "hono"],
  // The web build's synchronous HMAC and the internal "Did you mean" package are
  // bundled, so the package keeps no runtime dependency.
  noExternal: ["@noble/hashes", "@attesta/closest-name"],
});
