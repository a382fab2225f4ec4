// The synthetic participants of whitepaper §3.3.
export * from './population.js';
export * from './objects.js';
export { makeRng, runSeed, streamSeed, type Rng } from './rng.js';
