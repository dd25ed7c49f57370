/**
 * Environment for npm and pnpm children of the registry test.
 *
 * @module
 */

/**
 * The current environment without the lower-case `npm_*` variables a pnpm
 * script run injects (user agent, lifecycle, package fields), which would
 * otherwise leak into the nested npm and pnpm commands, merged with `extra`.
 * `npm_config_registry` is kept: it is how the default registry may be set.
 *
 * @example
 * ```ts
 * const env = childEnv({ npm_config_cache: cacheDir });
 * ```
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("npm_") && key !== "npm_config_registry") continue;
    if (key.startsWith("pnpm_") || key === "PNPM_PACKAGE_NAME") continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}
