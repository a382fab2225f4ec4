// Seeded random streams. Every random quantity of a run comes from one of a few named streams, each a
// seedrandom `alea` generator seeded with `${seed}/${stream}`; a stream is consumed in a fixed order (see
// population.ts), so the seed fixes the whole run, and a stream's draws do not depend on how the caller
// interleaves calls that use other streams.

import seedrandom from 'seedrandom';

export interface Rng {
  /** Uniform on [0, 1) (53-bit). */
  uniform(): number;
  /** Standard normal N(0, 1): Box–Muller, two uniforms per draw, √(−2 ln(1 − u1))·cos(2π u2). */
  normal(): number;
}

/** A generator seeded with the given string. */
export function makeRng(seed: string): Rng {
  const prng = seedrandom.alea(seed);
  return {
    uniform: () => prng.double(),
    normal: () => {
      const u1 = 1 - prng.double(); // (0, 1]
      const u2 = prng.double();
      return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    },
  };
}

/** The seed of a named stream: `${seed}/${stream}`. */
export function streamSeed(seed: number | string, stream: string): string {
  return `${seed}/${stream}`;
}

/** The seed of Monte Carlo run r (0-based) of a scenario with seed `seed`: the seed itself for run 0, `${seed}#r` after. */
export function runSeed(seed: number | string, run: number): string {
  return run === 0 ? String(seed) : `${seed}#${run}`;
}
