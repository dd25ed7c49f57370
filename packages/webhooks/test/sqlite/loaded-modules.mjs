// Imports (or requires) one file and prints which better-sqlite3 modules that loaded.
// Usage: node loaded-modules.mjs <file> [import|require]
import Module, { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const [file, how = "import"] = process.argv.slice(2);
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
if (how === "require") createRequire(import.meta.url)(file);
else await import(pathToFileURL(file).href);
for (const key of Object.keys(Module._cache))
  if (key.includes("better-sqlite3")) seen.add(`cache:${key}`);
console.log(JSON.stringify([...seen]));
