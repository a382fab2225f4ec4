// Seeded uniform and normal draws for property tests, from the project's generator (seedrandom).
import seedrandom from 'seedrandom';

export function seededUniform(seed: number): () => number {
  return seedrandom(`test/${seed}`);
}

export function normal(rng: () => number): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
