// Random streams per identity. Every random quantity of a run is drawn from a stream named by
// (run seed, identity, purpose) — `allora-sim/rng/v2|<seed>|<identity>|<purpose>` seeds a seedrandom
// `alea` generator — so adding, removing or reordering identities never changes another identity's
// draws, and a stream's draws never depend on how calls to other streams interleave. The rule's version
// is recorded in every manifest (RNG_RULE); changing the derivation means a new version.

/** Version of the stream derivation rule, recorded in manifests. */
export const RNG_RULE = 'allora-sim/rng/v2: alea(`allora-sim/rng/v2|<run seed>|<identity>|<purpose>`)';

export interface Rng {
  /** Uniform on [0, 1) (53-bit). */
  uniform(): number;
  /** Standard normal N(0, 1): Box–Muller, two uniforms per draw, √(−2 ln(1 − u1))·cos(2π u2). */
  normal(): number;
}

/** seedrandom's Mash: hashes `data` into its running state n (a double), returns the hash in [0, 1). */
function mash(n: Float64Array, data: string): number {
  let x = n[0];
  for (let i = 0; i < data.length; i++) {
    x += data.charCodeAt(i);
    let h = 0.02519603282416938 * x;
    x = h >>> 0;
    h -= x;
    h *= x;
    x = h >>> 0;
    h -= x;
    x += h * 0x100000000; // 2^32
  }
  n[0] = x;
  return (x >>> 0) * 2.3283064365386963e-10; // 2^-32
}

/** Mash's state and alea's s0, s1, s2 after alea's three mash(' ') calls (the same for every seed). */
const BLANK = (() => {
  const n = Float64Array.of(0xefc8249d);
  const s = [mash(n, ' '), mash(n, ' '), mash(n, ' ')];
  return { n: n[0], s };
})();

/**
 * seedrandom's `alea`, seeded and stepped by one class: the seeding (Mash hashes, as seedrandom's Alea does
 * them: s_i = mash(' ') − mash(seed), wrapped into [0, 1), c = 1) and the state (c, s0, s1, s2) advanced
 * exactly as alea.next() does, so the draws are bit for bit seedrandom's (tested). One class for every stream keeps the draw calls monomorphic: a run has a stream per
 * identity and purpose, and seedrandom's own generators are separate closures per stream.
 */
class AleaStream implements Rng {
  /** c, s0, s1, s2. In a typed array, so stepping never allocates (a double in an object field may be boxed). */
  private readonly st = new Float64Array(4);

  constructor(seed: string) {
    const st = this.st;
    const n = Float64Array.of(BLANK.n);
    st[0] = 1;
    for (let i = 0; i < 3; i++) {
      let v = BLANK.s[i] - mash(n, seed);
      if (v < 0) v += 1;
      st[1 + i] = v;
    }
  }

  /** alea.double(): 53 bits from two alea.next() steps (t = 2091639·s0 + c·2^-32; c ← ⌊t⌋, the state shifts
   *  in t − c, which is the step's value), with the state in locals between the two steps. */
  uniform(): number {
    const st = this.st;
    const s1 = st[2];
    const s2 = st[3];
    const t1 = 2091639 * st[1] + st[0] * 2.3283064365386963e-10; // 2^-32
    const c1 = t1 | 0;
    const x1 = t1 - c1;
    const t2 = 2091639 * s1 + c1 * 2.3283064365386963e-10;
    const c2 = t2 | 0;
    const x2 = t2 - c2;
    st[0] = c2;
    st[1] = s2;
    st[2] = x1;
    st[3] = x2;
    return x1 + ((x2 * 0x200000) | 0) * 1.1102230246251565e-16; // 2^-53
  }

  /** Box–Muller on two alea.double() draws u1, u2. */
  normal(): number {
    const u1 = 1 - this.uniform(); // (0, 1]
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}

/** A generator seeded with the given string. */
export function makeRng(seed: string): Rng {
  return new AleaStream(seed);
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
