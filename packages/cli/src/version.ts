/**
 * The package version, read from the installed package.json.
 *
 * @module
 */
import { readFileSync } from "node:fs";

// Read at run time rather than inlined at build time, so a build that is
// versioned afterwards (as release tooling does) still reports the right one.
function readVersion(): string {
  try {
    const manifest = new URL("../package.json", import.meta.url);
    return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
  } catch {
    return "0.0.0";
  }
}

export const VERSION: string = readVersion();
