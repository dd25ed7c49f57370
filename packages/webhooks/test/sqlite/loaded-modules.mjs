// Imports (or requires) one file and prints which SQLite libraries that loaded:
// better-sqlite3 (its modules and native binding) and node:sqlite (a builtin).
// With "open", it then asks the file's SqliteStore to open a missing file,
// which loads the store's driver before the open fails.
// Usage: node loaded-modules.mjs <file> [import|require] [open]
import Module, { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const [file, how = "import", open] = process.argv.slice(2);
const seen = new Set();
const load = Module._load;
Module._load = function (request, ...rest) {
  if (String(request).includes("better-sqlite3")) seen.add(`load:${request}`);
  return load.call(this, request, ...rest);
};
const dlopen = process.dlopen;
process.dlopen = (module, filename, ...rest) => {
  seen.add(`dlopen:${filename}`);
  return dlopen(module, filename, ...rest);
};
const loaded =
  how === "require" ? createRequire(import.meta.url)(file) : await import(pathToFileURL(file).href);
if (open === "open") {
  try {
    loaded.SqliteStore.inspect(fileURLToPath(new URL("./missing/none.db", import.meta.url)));
  } catch (error) {
    if (error?.code !== "io" && error?.code !== "not_a_database") throw error;
  }
}
for (const key of Object.keys(Module._cache))
  if (key.includes("better-sqlite3")) seen.add(`cache:${key}`);
if (process.moduleLoadList.includes("NativeModule sqlite")) seen.add("builtin:node:sqlite");
console.log(JSON.stringify([...seen]));
