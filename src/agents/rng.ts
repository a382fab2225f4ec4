// Random streams per identity. Every random quantity of a run is drawn from a stream named by
// (run seed, identity, purpose) — `allora-sim/rng/v2|<seed>|<identity>|<purpose>` seeds a seedrandom
// `alea` generator — so adding, removing or reordering identities never changes another identity's
// draws, and a stream's draws never depend on how calls to other streams interleave. The rule's version
// is recorded in every manifest (RNG_RULE); changing the derivation means a new version.

import seedrandom from 'seedrandom';

/** Version of the stream derivation rule, recorded in manifests. */
export const RNG_RULE = 'allora-sim/rng/v2: alea(`allora-sim/rng/v2|<run seed>|<identity>|<purpose>`)';

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

/** The seed string of one stream. */
export function streamSeed(runSeed: number | string, identity: string, purpose: string): string {
  return `allora-sim/rng/v2|${runSeed}|${identity}|${purpose}`;
}

/** The streams of one identity: `streams(purpose)` returns the same generator for the same purpose. */
export type Streams = (purpose: string) => Rng;

export function identityStreams(runSeed: number | string, identity: string): Streams {
  const cache = new Map<string, Rng>();
  return (purpose) => {
    let r = cache.get(purpose);
    if (!r) cache.set(purpose, (r = makeRng(streamSeed(runSeed, identity, purpose))));
    return r;
  };
}
