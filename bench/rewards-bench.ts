// Benchmark: one epoch of rewards (eqs 22–47) for N_i = N_f = 32 and N_r ∈ {5, 50, 500} reputers with synthetic
// random reports, and the share of that time spent in the listening-coefficient ascent (eqs 30–35).
// Not a test; `benchRewards()` returns printable lines.
import { performance } from 'node:perf_hooks';
import seedrandom from 'seedrandom';
import { profileParams } from '../src/engine/params.js';
import { computeEpochRewards, initialRewardState, objectLayout, type EpochRewardInput } from '../src/engine/rewards.js';
import { listeningCoefficients, prepareReports, type ListeningOptions } from '../src/engine/listening.js';


/** Synthetic epoch: true log10 losses in [−3, −1], each reputer adds N(0, 0.05²)-ish noise, a few biased ones. */
export function syntheticRewardInput(nI: number, nF: number, nR: number, seed = 1): EpochRewardInput {
  const rnd = seedrandom(`bench/${seed}`);
  const L = objectLayout(nI, nF);
  const base = Float64Array.from({ length: L.count }, () => -3 + 2 * rnd());
  const losses = new Float64Array(nR * L.count);
  for (let m = 0; m < nR; m++) {
    const bias = m % 7 === 3 ? 0.3 : 0;
    for (let j = 0; j < L.count; j++) losses[m * L.count + j] = base[j] + bias + 0.1 * (rnd() + rnd() + rnd() - 1.5);
  }
  const stakes = Float64Array.from({ length: nR }, () => 1e5 * (0.2 + 2 * rnd()));
  return { nI, nF, nR, stakes, losses, topicReward: 7500 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Interleaves the timed functions rep by rep (so machine-load drifts hit all alike); median ms of each. */
function timeInterleaved(fns: (() => void)[], minMs: number, minReps: number): number[] {
  for (const f of fns) f(); // warm-up
  const times = fns.map(() => [] as number[]);
  const start = performance.now();
  do {
    fns.forEach((f, i) => {
      const t0 = performance.now();
      f();
      times[i].push(performance.now() - t0);
    });
  } while (performance.now() - start < minMs || times[0].length < minReps);
  return times.map(median);
}

/**
 * The listening ascent (eq. 35, reference) timed both ways on the same synthetic epoch, interleaved: the fast
 * evaluator (the default) and the definitional one (`method: 'naive'`, the chain's recomputation of every
 * perturbed objective). Median ms of each and their ratio.
 */
export function timeListeningAscents(nR = 50, nW = 32, minMs = 500): { fastMs: number; definitionalMs: number; ratio: number } {
  const ref = profileParams('reference');
  const nObj = objectLayout(nW, nW).count;
  const input = syntheticRewardInput(nW, nW, nR, nR);
  const rep = prepareReports({ n: nR, nObj, losses: input.losses, stakes: input.stakes });
  const a0 = new Float64Array(nR).fill(1);
  const [fastMs, definitionalMs] = timeInterleaved(
    [() => void listeningCoefficients(rep, a0, ref, { method: 'fast' }), () => void listeningCoefficients(rep, a0, ref, { method: 'naive' })],
    minMs,
    5,
  );
  return { fastMs, definitionalMs, ratio: definitionalMs / fastMs };
}

export function benchRewards(sizes = [5, 50, 500], nW = 32): string[] {
  const ref = profileParams('reference');
  const wp = profileParams('whitepaper');
  const nObj = objectLayout(nW, nW).count;
  const out = [
    `rewards: one epoch (eqs 22–47), N_i = N_f = ${nW} (N_obj = ${nObj}), synthetic reports, median of repetitions`,
  ];
  for (const nR of sizes) {
    const input = syntheticRewardInput(nW, nW, nR, nR);
    const state = initialRewardState(nW, nW, nR);
    const rep = prepareReports({ n: nR, nObj, losses: input.losses, stakes: input.stakes });
    const a0 = new Float64Array(nR).fill(1);
    const ascent = (o: ListeningOptions) => () => void listeningCoefficients(rep, a0, ref, o);
    const fns = [() => void computeEpochRewards(input, state, ref), ascent({ method: 'fast' }), () => void computeEpochRewards(input, state, wp)];
    const withNaive = nR <= 50;
    if (withNaive) fns.push(ascent({ method: 'naive' }));
    const [epoch, fast, wpEpoch, naive] = timeInterleaved(fns, nR >= 500 ? 2000 : 500, 5);
    let line =
      `  N_r = ${String(nR).padStart(3)}: reference ${epoch.toFixed(3).padStart(8)} ms/epoch, of which listening ascent ` +
      `${fast.toFixed(3)} ms (${Math.min(100, (100 * fast) / epoch).toFixed(0)} %); whitepaper ${wpEpoch.toFixed(3)} ms/epoch`;
    if (withNaive) line += `; definitional (naive) reference ascent ${naive.toFixed(3)} ms = ${(naive / fast).toFixed(1)}× the fast one`;
    out.push(line);
  }
  return out;
}
