/**
 * `@attesta/closest-name` (internal, never published): the "Did you mean"
 * rule every package applies to option keys and command names. Each package
 * imports it and tsup bundles it into that package's dist, so no published
 * tarball depends on it. No dependencies and no Node APIs: `@attesta/events`
 * and `@attesta/verify` run on every JavaScript runtime.
 *
 * @module
 */
export { closestName, type UnknownKey, unknownKey } from "./closest-name";
