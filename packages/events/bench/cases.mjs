// What the benchmark measures and its defaults, shared by run.mjs, case.mjs and
// the test that keeps the README's Performance section in step with them.

export const OURS = "@attesta/events";

/** Defaults of the BENCH_* environment variables. */
export const DEFAULTS = {
  BENCH_ROUNDS: 9,
  BENCH_SAMPLES: 5,
  BENCH_SAMPLE_MS: 100,
  BENCH_WARMUP_MS: 300,
};

/** A BENCH_* setting from the environment, or its default. */
export function setting(name) {
  return Number(process.env[name] ?? DEFAULTS[name]);
}

/** The case name, exactly as the README's Performance table spells it. */
function caseName(scenario, listeners) {
  const kind = { emit: "", "emitAsync-async": "async ", "emitAsync-plain": "plain " }[scenario];
  const method = scenario === "emit" ? "emit" : "emitAsync";
  return `${method}, ${listeners} ${kind}listener${listeners === 1 ? "" : "s"}`;
}

/** Every scenario, with the libraries compared in it (ours first). */
export const SCENARIOS = [
  ...[1, 10].map((listeners) => ({
    scenario: "emit",
    listeners,
    libraries: [OURS, "eventemitter3", "mitt", "node:events"],
  })),
  ...["emitAsync-async", "emitAsync-plain"].flatMap((scenario) =>
    [1, 10].map((listeners) => ({
      scenario,
      listeners,
      libraries: [OURS, "emittery", "bare loop"],
    })),
  ),
].map((s) => ({ ...s, name: caseName(s.scenario, s.listeners) }));
